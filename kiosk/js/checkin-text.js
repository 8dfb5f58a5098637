// The check-in page's own words, Chinese first; the shared ones (login, camera, OK, the card and
// code refusals) are in i18n.js.
export const TEXT = {
  "zh-CN": {
    "ci.title": "志愿活动签到", "ci.activity": "活动", "ci.checkedIn": "已签到",
    "ci.scanHint": "请扫描积分卡或付款码", "ci.none": "暂无进行中的活动",
    "ci.queued": "网络不通，已在手机上保存 {n} 条签到，恢复后自动补传", "ci.sent": "签到成功：{name}",
    "ci.capacity": "（限 {n} 户）", "ci.refused": "无法签到", "ci.member": "谁来了：",
    "ci.household": "{number} {head}户", "ci.needRole": "需要村委或网格员账号。",
    "refusal.already_checked_in": "已签到过", "refusal.outside_window": "不在签到时间",
    "refusal.activity_full": "名额已满", "refusal.activity_not_running": "活动未在进行",
  },
  en: {
    "ci.title": "Volunteer check-in", "ci.activity": "Activity", "ci.checkedIn": "Checked in",
    "ci.scanHint": "Scan a points card or phone code", "ci.none": "No running activity",
    "ci.queued": "Offline: {n} check-ins kept on this phone, sent later",
    "ci.sent": "Checked in: {name}", "ci.capacity": "(limit {n})", "ci.refused": "Refused",
    "ci.member": "Who came:", "ci.household": "{number} {head}'s household",
    "ci.needRole": "This needs a committee or grid officer account.",
    "refusal.already_checked_in": "Already checked in",
    "refusal.outside_window": "Not check-in time", "refusal.activity_full": "Activity full",
    "refusal.activity_not_running": "Activity not running",
  },
};
