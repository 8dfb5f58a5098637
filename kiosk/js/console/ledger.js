// 积分账目: a manual adjustment for one household (signed points and a reason, both required;
// asked again before it posts, since the ledger never forgets), and the village ledger
// exported as Excel or CSV for a range of days.
import { api, newKey } from "../api.js";
import { tf } from "../i18n.js";
import { $, ask, base, el, state } from "./shared.js";

function householdByNumber(number) {
  for (const [id, n] of state.numbers || new Map()) if (n === number.trim()) return id;
  return null;
}

async function adjust(form) {
  const number = form.number.value.trim();
  const household = householdByNumber(number);
  const note = $("adjust-result");
  note.className = "field-error";
  if (!household) {
    note.textContent = tf("c.adj.noHousehold", { number });
    form.number.focus();
    return;
  }
  const amount = Number(form.amount.value);
  const key = newKey();  // made before asking, kept for the retry of this one adjustment
  const done = await ask("c.adj.confirmTitle", {
    message: tf("c.adj.confirm", { number, amount: amount > 0 ? `+${amount}` : amount,
                                   reason: form.reason.value }),
    ok: "c.adj.post",
    onSubmit: () => api("POST", `${base()}/households/${household}/adjustments`,
      { amount, reason: form.reason.value }, { "Idempotency-Key": key }),
  });
  if (!done) {
    note.textContent = "";
    return;
  }
  note.className = "";
  note.textContent = tf("c.adj.done", { number, amount: amount > 0 ? `+${amount}` : amount,
                                        balance: done.balance });
  form.reset();
}

function exportLinks() {
  const query = new URLSearchParams();
  if ($("export-start").value) query.set("start", $("export-start").value);
  if ($("export-end").value) query.set("end", $("export-end").value);
  for (const format of ["xlsx", "csv"]) {
    query.set("format", format);
    $(`export-${format}`).href = `${base()}/ledger/export?${query}`;
  }
}

export async function show() {
  $("adjust-numbers").replaceChildren(...[...(state.numbers || new Map()).values()].sort()
    .map((n) => el("option", { value: n })));
  exportLinks();
}

export function wire(guard) {
  $("adjust-form").addEventListener("submit", (event) => guard(async () => {
    event.preventDefault();
    await adjust(event.target);
  }));
  for (const id of ["export-start", "export-end"]) $(id).addEventListener("change", exportLinks);
}
