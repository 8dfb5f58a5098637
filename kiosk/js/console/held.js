// Deductions a close held back because the balance was too low (暂缓扣分), by household and
// rule, in every closed period: post now when the balance allows, keep waiting, or waive with a
// reason (the server audits it).
import { api } from "../api.js";
import { extend, t, tf } from "../i18n.js";
import { TEXT } from "./held-text.js";
import { $, base, button, el, state } from "./shared.js";

extend(TEXT);

function row(period, item) {
  const reason = el("input", { name: "reason", placeholder: t("c.held.reason") });
  const post = button("c.held.post", async () => {
    await api("POST", `${base()}/evaluations/${item.evaluation_id}/post-held`);
    await show();
  }, "primary");
  post.disabled = !item.can_post;
  const waive = button("c.held.waive", async () => {
    await api("POST", `${base()}/evaluations/${item.evaluation_id}/waive`,
      { reason: reason.value });
    await show();
  });
  return el("li", { id: `held-${item.evaluation_id}` },
    el("div", { className: "what" },
      el("strong", { textContent: tf("c.held.line", { period: period.name, number: item.number,
        head: item.head_name, rule: item.title, code: item.rule_code }) }),
      el("div", { textContent: tf("c.held.balance", { points: -item.points,
        balance: item.balance }) + (item.can_post ? "" : ` · ${t("c.held.short")}`) })),
    post, reason, waive);
}

export async function show() {
  const items = [];
  for (const period of state.periods.filter((p) => p.state === "closed")) {
    for (const item of await api("GET", `${base()}/periods/${period.id}/held`)) {
      items.push(row(period, item));
    }
  }
  $("held-list").replaceChildren(...items);
  $("held-empty").hidden = items.length > 0;
}
