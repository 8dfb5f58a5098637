// Chinese first, English second: the chosen language is remembered and sent to the API.
const STORE = "jifen.lang";

const TEXT = {
  "zh-CN": {
    title: "积分超市收银台", login: "登录", username: "用户名", password: "密码", logout: "退出",
    scanHint: "请扫描积分卡或付款码（扫码枪直接扫）", camera: "摄像头扫码", stopCamera: "关闭摄像头",
    balance: "可用积分", household: "户号", head: "户主", dailyLeft: "今日还可兑换",
    cart: "已选商品", total: "合计", confirm: "确认兑换", clear: "清空", pin: "PIN 密码",
    success: "兑换成功", balanceAfter: "兑换后余额", receiptNo: "小票号", print: "打印小票",
    voidLast: "撤销这笔兑换", voidReason: "撤销原因", voided: "已撤销", next: "下一位",
    stock: "库存", points: "积分", ok: "知道了", retrying: "网络异常，正在重试…",
    limitLeft: "本月还可兑", noCustomer: "请先扫码", language: "English",
    refused: "无法兑换", unlimited: "不限",
    // The villager page's and the console's common words.
    red: "红榜", black: "黑榜", period: "评议周期",
    "refusal.insufficient_points": "积分不足", "refusal.card_revoked": "卡已挂失",
    "refusal.code_used": "二维码已使用", "refusal.code_expired": "二维码已过期",
    "refusal.out_of_stock": "库存不足", "refusal.limit_exceeded": "超过限额",
    "refusal.daily_cap_exceeded": "超过限额", "refusal.pin_wrong": "PIN 错误",
    "refusal.pin_locked": "PIN 已锁定", "refusal.pin_required": "请输入 PIN",
    "refusal.pin_format": "PIN 格式不对", "refusal.pin_not_set_for_sale": "该户未设置 PIN",
    "refusal.code_forged": "二维码无效", "refusal.code_unreadable": "二维码无效",
    "refusal.household_inactive": "该户已迁出", "refusal.already_voided": "已撤销过",
    "refusal.void_window_closed": "不能撤销",
  },
  en: {
    title: "Points supermarket kiosk", login: "Log in", username: "Username", password: "Password",
    logout: "Log out", scanHint: "Scan a points card or phone code", camera: "Camera",
    stopCamera: "Stop camera", balance: "Points available", household: "Household no.",
    head: "Head of household", dailyLeft: "Left today", cart: "Cart", total: "Total",
    confirm: "Confirm", clear: "Clear", pin: "PIN", success: "Done", balanceAfter: "Balance after",
    receiptNo: "Receipt", print: "Print receipt", voidLast: "Void this sale",
    voidReason: "Reason for the void", voided: "Voided", next: "Next customer", stock: "Stock",
    points: "points", ok: "OK", retrying: "Network trouble, retrying…", limitLeft: "Left this month",
    noCustomer: "Scan a code first", language: "中文", refused: "Refused", unlimited: "no limit",
    red: "Red board", black: "Black board", period: "Period",
    "refusal.insufficient_points": "Not enough points", "refusal.card_revoked": "Card revoked",
    "refusal.code_used": "Code already used", "refusal.code_expired": "Code expired",
    "refusal.out_of_stock": "Out of stock", "refusal.limit_exceeded": "Over the limit",
    "refusal.daily_cap_exceeded": "Over the limit", "refusal.pin_wrong": "Wrong PIN",
    "refusal.pin_locked": "PIN locked", "refusal.pin_required": "PIN needed",
    "refusal.pin_format": "PIN must be 4–6 digits", "refusal.pin_not_set_for_sale": "No PIN set",
    "refusal.code_forged": "Invalid code", "refusal.code_unreadable": "Invalid code",
    "refusal.household_inactive": "Household moved away",
    "refusal.already_voided": "Already voided", "refusal.void_window_closed": "Too late to void",
  },
};

export function language() {
  return localStorage.getItem(STORE) === "en" ? "en" : "zh-CN";
}

export function toggleLanguage() {
  localStorage.setItem(STORE, language() === "en" ? "zh-CN" : "en");
  location.reload();
}

// Pages with many words of their own (the committee console) add them here at load time.
export function extend(table) {
  for (const [lang, words] of Object.entries(table)) Object.assign(TEXT[lang], words);
}

export function t(key) {
  return TEXT[language()][key] ?? TEXT["zh-CN"][key] ?? key;
}

// A word with its {placeholders} filled: tf("m.shelf", { price: 5, stock: 3, unit: "袋" }).
export function tf(key, values) {
  return Object.entries(values).reduce((text, [name, value]) => text.replaceAll(`{${name}}`, value),
    t(key));
}

export function translatePage(root = document) {
  document.documentElement.lang = language();
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}
