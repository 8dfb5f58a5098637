// The township dashboard's month choice, in words (zh-CN first, English second).
export const TOWN_TEXT = {
  "zh-CN": {
    "c.town.month": "月份", "c.town.allTime": "累计（全部月份）",
    "c.town.monthName": "{year}年{month}月",
    "c.town.flowsOf": "发放、兑换和参与户数按{when}统计；待处理异议和库存为今天的数。",
  },
  en: {
    "c.town.month": "Month", "c.town.allTime": "All months so far",
    "c.town.monthName": "{year}-{month}",
    "c.town.flowsOf": "Points issued, redeemed and households taking part: {when}. Open objections and stock: today.",
  },
};
