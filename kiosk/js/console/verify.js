// 入户核实: evaluations proposed by someone else, waiting for a second committee member to check
// them at the household — with the evidence photo — and verify, or reject with a reason. Lines
// checked at the households can be verified together ("verify all I checked", all or none);
// one's own entries cannot be checked, and say why.
import { api } from "../api.js";
import { t, tf } from "../i18n.js";
import { $, base, button, el, errorWords, periodPath, state } from "./shared.js";

function item(e, refresh) {
  const reason = el("input", { name: "reason" });
  reason.placeholder = t("c.reason");
  const own = e.proposed_by !== null && e.proposed_by === state.user?.user_id;
  const pick = el("input", { type: "checkbox", className: "pick", disabled: own,
                             value: String(e.id) });
  pick.setAttribute("aria-label", `${e.household_number || ""} ${e.title}`);
  pick.addEventListener("change", counted);
  const photo = e.has_evidence
    ? el("a", { href: `${base()}/evaluations/${e.id}/evidence`, target: "_blank" },
      el("img", { src: `${base()}/evaluations/${e.id}/evidence?thumbnail=true`, alt: t("c.photo") }))
    : null;
  const sign = e.points > 0 ? "plus" : "minus";
  return el("li", { id: `evaluation-${e.id}`, className: own ? "own" : "" }, pick, photo,
    el("div", { className: "what" },
      el("strong", { textContent: `${e.household_number || ""} ${e.category}·${e.title} ` }),
      el("span", { className: sign, textContent: e.points > 0 ? `+${e.points}` : `${e.points}` }),
      el("div", { className: "muted", textContent: `${t("c.proposedBy")} ${e.proposer_name}` }),
      own ? el("div", { className: "muted", textContent: t("c.ver.own") }) : null),
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

function picked() {
  return [...$("verify-list").querySelectorAll("input.pick:checked")].map((c) => Number(c.value));
}

function counted() {
  const n = picked().length;
  $("verify-checked").disabled = n === 0;
  $("verify-checked").textContent = n ? tf("c.ver.checkedN", { n }) : t("c.ver.checked");
}

async function verifyChecked() {
  const result = $("verify-result");
  try {
    const done = await api("POST", `${base()}/evaluations/verify`,
      { evaluation_ids: picked(), note: $("verify-note").value });
    await show();
    result.className = "";
    result.textContent = tf("c.ver.done", { n: done.length });
  } catch (error) {
    result.className = "field-error";
    result.textContent = errorWords(error);
  }
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
  $("verify-bulk").hidden = items.length === 0;
  $("verify-result").textContent = "";
  counted();
}

export function wire(guard) {
  $("verify-checked").addEventListener("click", () => guard(verifyChecked));
  $("verify-all").addEventListener("click", () => {
    for (const box of $("verify-list").querySelectorAll("input.pick:not(:disabled)")) box.checked = true;
    counted();
  });
}
