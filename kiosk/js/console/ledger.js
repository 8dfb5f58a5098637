// 积分账目: a manual adjustment for one household, picked by 户号 or head's name (signed points
// and a reason, both required; asked again before it posts, since the ledger never forgets) —
// above the village's limit it becomes a request for a second committee member (adjustments.js)
// — and the village ledger exported as Excel or CSV for a range of days.
import { api, newKey } from "../api.js";
import { tf } from "../i18n.js";
import * as requests from "./adjustments.js";
import { $, ask, base, el, state } from "./shared.js";

// The households a typed 户号 or head's name means (a name may be shared).
function householdsFor(typed) {
  const all = [...(state.households || new Map()).values()];
  const byNumber = all.filter((h) => h.number === typed);
  return byNumber.length ? byNumber : all.filter((h) => h.head_name === typed);
}

async function adjust(form) {
  const number = form.number.value.trim();
  const found = householdsFor(number);
  const note = $("adjust-result");
  note.className = "field-error";
  if (found.length !== 1) {
    note.textContent = tf(found.length ? "c.adj.many" : "c.adj.unknown", { number });
    form.number.focus();
    return;
  }
  const [{ id: household }] = found;
  const amount = Number(form.amount.value);
  const key = newKey();  // made before asking, kept for the retry of this one adjustment
  if (Math.abs(amount) > state.adjustmentLimit) {
    const made = await requests.propose(found[0], amount, form.reason.value, key);
    note.className = "";
    note.textContent = made ? tf("c.req.proposed", { number: found[0].number,
                                                     amount: requests.signed(amount) }) : "";
    if (made) {
      form.reset();
      await requests.show();
    }
    return;
  }
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
  $("adjust-numbers").replaceChildren(...[...(state.households || new Map()).values()]
    .sort((a, b) => a.number.localeCompare(b.number))
    .map((h) => el("option", { value: h.number, label: `${h.number} ${h.head_name}` })));
  exportLinks();
  await requests.show();
}

export function wire(guard) {
  $("adjust-form").addEventListener("submit", (event) => guard(async () => {
    event.preventDefault();
    await adjust(event.target);
  }));
  for (const id of ["export-start", "export-end"]) $(id).addEventListener("change", exportLinks);
}
