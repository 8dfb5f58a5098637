// 积分存折 for households without phones: the whole village, one grid or one household, over a
// period or everything, on A5 or A4 — one PDF the committee prints and hands out.
import { api } from "../api.js";
import { extend, t, tf } from "../i18n.js";
import { $, base, el, households, state } from "./shared.js";
import { TEXT } from "./passbooks-text.js";

extend(TEXT);

function address() {
  const form = $("passbook-print");
  const query = new URLSearchParams({ paper: form.paper.value });
  const [kind, id] = form.scope.value.split(":");
  if (kind === "grid") query.set("grid_id", id);
  if (kind === "household") query.set("household_id", id);
  if (form.period.value) query.set("period_id", form.period.value);
  return `${base()}/passbooks.pdf?${query}`;
}

export async function show() {
  const form = $("passbook-print");
  const grids = await api("GET", `${base()}/grids`);
  const everyone = await households();
  form.scope.replaceChildren(
    el("option", { value: "village", textContent: t("pb.village") }),
    ...grids.map((g) => el("option", { value: `grid:${g.id}`,
      textContent: tf("pb.grid", { name: g.name }) })),
    ...everyone.map((h) => el("option", { value: `household:${h.id}`,
      textContent: tf("pb.household", { number: h.number, head: h.head_name }) })));
  form.period.replaceChildren(el("option", { value: "", textContent: t("pb.all") }),
    ...state.periods.map((p) => el("option", { value: p.id, textContent: p.name })));
  $("passbook-pdf").href = address();
}

export function wire() {
  $("passbook-print").addEventListener("change", () => { $("passbook-pdf").href = address(); });
}
