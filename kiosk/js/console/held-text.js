// The words of the held-deductions screen (暂缓扣分), Chinese first.
export const TEXT = {
  "zh-CN": {
    "c.tab.held": "暂缓扣分",
    "c.held.hint": "结束评议时因余额不足暂缓的扣分。余额够了可以立即扣分；不处理就继续暂缓；确有困难的，写明理由后免予扣分（记入操作日志）。",
    "c.held.line": "{period} · {number} {head} · {rule}（{code}）",
    "c.held.balance": "扣 {points} 分 · 现有 {balance} 分",
    "c.held.post": "立即扣分", "c.held.waive": "免予扣分", "c.held.reason": "免扣理由",
    "c.held.short": "余额不足，继续暂缓",
  },
  en: {
    "c.tab.held": "Held deductions",
    "c.held.hint": "Deductions held back at the close because the balance was too low. Post one when the balance allows; leave it to keep waiting; or waive it with a reason (audited).",
    "c.held.line": "{period} · {number} {head} · {rule} ({code})",
    "c.held.balance": "deduct {points} · holds {balance}",
    "c.held.post": "Post now", "c.held.waive": "Waive", "c.held.reason": "Reason to waive",
    "c.held.short": "Balance too low: keeps waiting",
  },
};
