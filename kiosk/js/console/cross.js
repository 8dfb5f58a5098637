// 交叉评议: which moral group marks which this period, one marker household's sheet typed in
// from paper (the rule book's categories across, 0–10 per cell), the paper sheets to print for
// members without phones, and the results (trimmed mean) turned into proposed scores.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { $, base, el, guard, households, periodPath, spreadsheetKeys, state } from "./shared.js";

const view = { groups: [], households: [] };

function groupName(id) {
  return (view.groups.find((g) => g.id === id) || { name: "" }).name;
}

function options(select, items, label) {
  const previous = select.value;
  select.replaceChildren(...items.map((item) => el("option", { value: item.id, textContent: label(item) })));
  if (items.some((item) => String(item.id) === previous)) select.value = previous;
}

async function showPairs() {
  const pairs = await api("GET", `${periodPath()}/cross-assignments`);
  $("cross-pairs").replaceChildren(...pairs.map((p) => el("li", {},
    `${groupName(p.marker_group_id)} → ${groupName(p.target_group_id)} `,
    el("a", { href: `${periodPath()}/cross-sheets.pdf?group_id=${p.marker_group_id}`,
              textContent: t("c.cross.printGroup") }))));
  if (!pairs.length) $("cross-pairs").append(el("li", { className: "muted", textContent: t("c.cross.noPairs") }));
  const marking = new Set(pairs.map((p) => p.marker_group_id));
  const pick = $("cross-marker");
  const previous = pick.value;
  pick.replaceChildren(...view.groups.filter((g) => marking.has(g.id)).map((g) => el("optgroup",
    { label: g.name }, ...view.households.filter((h) => h.moral_group_id === g.id).map(
      (h) => el("option", { value: h.id, textContent: `${h.number} ${h.head_name}` })))));
  if (previous && pick.querySelector(`option[value="${previous}"]`)) pick.value = previous;
}

async function showSheet() {
  const marker = $("cross-marker").value;
  $("cross-saved").textContent = "";
  $("cross-sheet-pdf").hidden = !marker;
  if (!marker) {
    $("cross-sheet").replaceChildren();
    return;
  }
  $("cross-sheet-pdf").href = `${periodPath()}/cross-sheets.pdf?household_id=${marker}`;
  const sheet = await api("GET", `${periodPath()}/cross-sheets/${marker}`);
  const readonly = sheet.period_state !== "open";
  const rows = sheet.households.map((h, row) => el("tr", {},
    el("td", { textContent: h.number }), el("td", { textContent: h.head_name }),
    el("td", { textContent: h.group_name }),
    ...sheet.criteria.map((criterion, col) => {
      const cell = el("input", { type: "number", min: "0", max: "10", step: "1",
                                 value: h.marks[criterion] ?? "", disabled: readonly });
      Object.assign(cell.dataset, { row, col, household: h.household_id, criterion });
      cell.addEventListener("keydown", spreadsheetKeys);
      return el("td", {}, cell);
    })));
  $("cross-sheet").replaceChildren(
    el("tr", {}, ...[t("household"), t("head"), t("c.cross.group"), ...sheet.criteria].map(
      (text) => el("th", { textContent: text }))),
    ...rows);
  if (!rows.length) $("cross-saved").textContent = t("c.cross.nobody");
}

async function save() {
  const marks = [...$("cross-sheet").querySelectorAll("input")].filter((i) => i.value !== "")
    .map((i) => ({ household_id: Number(i.dataset.household), criterion: i.dataset.criterion,
                   mark: Number(i.value) }));
  const answer = await api("POST", `${periodPath()}/cross-marks`,
    { marker_household_id: Number($("cross-marker").value), marks });
  $("cross-saved").textContent = t("c.cross.saved").replace("{n}", answer.entered);
}

function showResults(results) {
  const who = new Map(view.households.map((h) => [h.id, h]));
  $("cross-results").replaceChildren(
    el("tr", {}, ...["household", "head", "c.cross.markers", "c.cross.result", "c.cross.points"]
      .map((key) => el("th", { textContent: t(key) }))),
    ...results.map((r) => el("tr", { id: `cross-result-${r.household_id}` },
      el("td", { textContent: (who.get(r.household_id) || {}).number }),
      el("td", { textContent: (who.get(r.household_id) || {}).head_name }),
      el("td", { textContent: String(r.markers) }),
      el("td", { textContent: (r.result_tenths / 10).toFixed(1) }),
      el("td", { className: "points", textContent: r.points ? `+${r.points}` : "0" }))));
  if (!results.length) {
    $("cross-results").append(el("tr", {}, el("td", { colSpan: 5, textContent: t("c.cross.noResults") })));
  }
}

async function showRules() {
  const book = await api("GET", `${base()}/rule-book`).catch(() => ({ rules: [] }));
  const rules = book.rules.filter((r) => r.points > 0);
  const first = !$("cross-rule").value;
  options($("cross-rule"), rules, (r) => `${r.code} ${r.title}（+${r.points}）`);
  // The first time, the rule written for cross-evaluation is the likely choice.
  const cross = rules.find((r) => r.title.includes("评议"));
  if (first && cross) $("cross-rule").value = cross.id;
}

export async function show() {
  const period = state.period;
  $("cross-period").textContent = period ? period.name : t("c.noPeriod");
  $("cross-body").hidden = !period;
  $("cross-readonly").hidden = !period || period.state === "open";
  if (!period) return;
  const open = period.state === "open";
  for (const control of $("cross").querySelectorAll("#cross-assign button, #cross-save, #cross-propose")) {
    control.disabled = !open;
  }
  view.groups = await api("GET", `${base()}/moral-groups`);
  view.households = await households();
  for (const name of ["marker", "target"]) {
    options($("cross-assign")[name], view.groups, (g) => g.name);
  }
  $("cross-sheets-all").href = `${periodPath()}/cross-sheets.pdf`;
  $("cross-results").replaceChildren();
  $("cross-proposed").textContent = "";
  await showRules();
  await showPairs();
  await showSheet();
}

export function wire() {
  $("cross-assign").addEventListener("submit", (event) => guard(async () => {
    event.preventDefault();
    const form = event.target;
    await api("POST", `${periodPath()}/cross-assignments`, { pairs: [{
      marker_group_id: Number(form.marker.value), target_group_id: Number(form.target.value) }] });
    await showPairs();
    await showSheet();
  }));
  $("cross-marker").addEventListener("change", () => guard(showSheet));
  $("cross-save").addEventListener("click", () => guard(save));
  $("cross-compute").addEventListener("click", () => guard(async () => {
    showResults(await api("GET", `${periodPath()}/cross-results`));
  }));
  $("cross-propose").addEventListener("click", () => guard(async () => {
    const results = await api("POST", `${periodPath()}/cross-results`,
      { rule_id: Number($("cross-rule").value) });
    showResults(results);
    $("cross-proposed").textContent = t("c.cross.proposed")
      .replace("{n}", results.filter((r) => r.evaluation_id).length);
  }));
}
