// The passbook printing control's words, Chinese first (kept apart from console/text.js).
export const TEXT = {
  "zh-CN": {
    "pb.for": "积分存折", "pb.print": "打印积分存折（PDF）", "pb.village": "全村各户",
    "pb.grid": "网格：{name}", "pb.household": "{number} {head}", "pb.all": "全部流水",
  },
  en: {
    "pb.for": "Passbooks", "pb.print": "Print passbooks (PDF)", "pb.village": "Every household",
    "pb.grid": "Grid: {name}", "pb.household": "{number} {head}", "pb.all": "Everything",
  },
};
