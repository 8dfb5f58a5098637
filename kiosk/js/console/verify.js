// 入户核实: evaluations proposed by someone else, waiting for a second committee member to check
// them at the household — with the evidence photo — and verify, or reject with a reason.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { $, base, button, el, periodPath, state } from "./shared.js";

function item(e, refresh) {
  const reason = el("input", { name: "reason" });
  reason.placeholder = t("c.reason");
  const photo = e.has_evidence
    ? el("a", { href: `${base()}/evaluations/${e.id}/evidence`, target: "_blank" },
      el("img", { src: `${base()}/evaluations/${e.id}/evidence?thumbnail=true`, alt: t("c.photo") }))
    : null;
  const sign = e.points > 0 ? "plus" : "minus";
  return el("li", { id: `evaluation-${e.id}` }, photo,
    el("div", { className: "what" },
      el("strong", { textContent: `${e.household_number || ""} ${e.category}·${e.title} ` }),
      el("span", { className: sign, textContent: e.points > 0 ? `+${e.points}` : `${e.points}` }),
      el("div", { className: "muted", textContent: `${t("c.proposedBy")} ${e.proposer_name}` })),
    reason,
    button("c.verifyIt", async () => {
      await api("POST", `${base()}/evaluations/${e.id}/verify`, { note: reason.value });
      await refresh();
    }, "primary"),
    button("c.rejectIt", async () => {
      await api("POST", `${base()}/evaluations/${e.id}/reject`, { reason: reason.value });
      await refresh();
    }));
}

// Everything still proposed; verifying one's own proposal is refused by the server, readably.
export async function show() {
  const numbers = state.numbers || new Map();
  const queue = state.period
    ? (await api("GET", `${periodPath()}/evaluations`)).filter((e) => e.state === "proposed")
    : [];
  const items = queue.map((e) => item({ ...e, household_number: numbers.get(e.household_id) }, show));
  $("verify-list").replaceChildren(...items);
  $("verify-empty").hidden = items.length > 0;
}
