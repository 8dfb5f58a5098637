// Objections during notice (异议): each with the score it challenges; the committee upholds it
// (the score is withdrawn) or overturns it (the score stands), always with a reason.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { $, base, button, el, periodPath, state } from "./shared.js";

export async function show() {
  if (!state.period) {
    $("objection-list").replaceChildren();
    return;
  }
  const evaluations = new Map((await api("GET", `${periodPath()}/evaluations`)).map((e) => [e.id, e]));
  const numbers = state.numbers || new Map();
  const open = (await api("GET", `${periodPath()}/objections`)).filter((o) => o.state === "open");
  $("objection-list").replaceChildren(...open.map((o) => {
    const e = evaluations.get(o.evaluation_id) || {};
    const reason = el("input", { name: "reason" });
    reason.placeholder = t("c.decisionReason");
    const decide = (uphold) => async () => {
      await api("POST", `${base()}/objections/${o.id}/decision`, { uphold, reason: reason.value });
      await show();
    };
    return el("li", { id: `objection-${o.id}` },
      el("div", { className: "what" },
        el("strong", { textContent: `${numbers.get(o.household_id) || ""} ${e.category}·${e.title} ${e.points > 0 ? "+" : ""}${e.points}` }),
        el("div", { textContent: `${o.filer_name}：${o.reason}` })),
      reason,
      button("c.uphold", decide(true), "primary"),
      button("c.overturn", decide(false)));
  }));
  $("objections-empty").hidden = open.length > 0;
}
