// Fast grid entry: the households of one grid down, the current rules across, a number of
// times in each cell. Arrow keys and Enter move like a spreadsheet; row totals and cap warnings
// follow the typing; "save all" sends one batch that the server enters whole or not at all, and
// its problems land on the cells they name. The same grid goes out and comes back as Excel.
// Typed cells are kept as a draft in the browser until saved, so a reload, a tab change or
// another grid loses nothing, and leaving the page with a draft asks first. Cells of rules that
// need a photo are greyed, say why, and the arrow keys step over them.
import { api } from "../api.js";
import { t, tf } from "../i18n.js";
import {
  $, base, el, errorWords, guard, households, periodPath, problemTable, sendFile, spreadsheetKeys,
  state,
} from "./shared.js";

const grid = { rules: [], rows: [], used: new Map(), grid: null };

function draftKey() {
  return state.period && grid.grid ? `jifen.console.draft.${state.period.id}.${grid.grid}` : null;
}

function readDraft() {
  const key = draftKey();
  return key ? JSON.parse(localStorage.getItem(key) || "{}") : {};
}

// The typed, unsaved cells, by "household:rule", written on every keystroke.
function saveDraft() {
  const key = draftKey();
  if (!key) return;
  const draft = {};
  for (const cell of $("score-grid").querySelectorAll("input:not([disabled])")) {
    if (cell.value !== "") {
      draft[`${grid.rows[cell.dataset.row].id}:${grid.rules[cell.dataset.col].id}`] = cell.value;
    }
  }
  if (Object.keys(draft).length) localStorage.setItem(key, JSON.stringify(draft));
  else localStorage.removeItem(key);
  $("grid-draft").textContent = Object.keys(draft).length
    ? tf("c.draft", { n: Object.keys(draft).length }) : "";
}

export function hasDraft() {
  return Object.keys(readDraft()).length > 0;
}

function input(row, column) {
  return $("score-grid").querySelector(`input[data-row="${row}"][data-col="${column}"]`);
}

// Recomputes one row's total and every cell's cap warning (entered before + typed > cap).
function recount(row) {
  let total = 0;
  grid.rules.forEach((rule, column) => {
    if (rule.evidence_required) return;
    const cell = input(row, column);
    const times = Number(cell.value || 0);
    total += times * rule.points;
    const before = grid.used.get(`${grid.rows[row].id}:${rule.id}`) || 0;
    const over = times > 0 && before + times > rule.cap;
    cell.parentElement.classList.toggle("warn", over);
    cell.parentElement.classList.remove("problem");
    cell.parentElement.title = over ? t("c.overCap").replace("{cap}", rule.cap)
      .replace("{before}", before) : "";
  });
  const cell = $("score-grid").querySelector(`td.total[data-row="${row}"]`);
  cell.textContent = total > 0 ? `+${total}` : String(total);
}

function header() {
  return el("thead", {}, el("tr", {},
    el("th", { className: "fixed first", textContent: t("household") }),
    el("th", { className: "fixed second", textContent: t("head") }),
    ...grid.rules.map((r) => el("th", { title: `${r.code} ${r.title}` },
      el("span", { className: "code", textContent: r.code }),
      el("span", { className: "rule-title", textContent: r.title }),
      el("small", { textContent: `${r.points > 0 ? "+" : ""}${r.points} · ≤${r.cap}` }))),
    el("th", { textContent: t("total") })));
}

function body(draft) {
  return el("tbody", {}, ...grid.rows.map((household, row) => el("tr", {},
    el("th", { className: "fixed first", scope: "row", textContent: household.number }),
    el("td", { className: "fixed second name", textContent: household.head_name }),
    ...grid.rules.map((rule, column) => {
      if (rule.evidence_required) {
        const cell = el("input", { type: "text", disabled: true, value: t("c.needsPhotoShort") });
        Object.assign(cell.dataset, { row, col: column });
        cell.setAttribute("aria-label", `${household.number} ${rule.code} ${t("c.needsPhoto")}`);
        return el("td", { className: "photo", title: t("c.needsPhoto") }, cell);
      }
      const cell = el("input", { type: "text", inputMode: "numeric", pattern: "[0-9]*",
                                 maxLength: 3, autocomplete: "off",
                                 value: draft[`${household.id}:${rule.id}`] || "" });
      Object.assign(cell.dataset, { row, col: column });
      cell.setAttribute("aria-label", `${household.number} ${rule.code}`);
      cell.addEventListener("keydown", spreadsheetKeys);
      cell.addEventListener("focus", () => cell.select());
      cell.addEventListener("input", () => {
        cell.value = cell.value.replace(/[^0-9]/g, "");
        recount(row);
        saveDraft();
      });
      return el("td", {}, cell);
    }),
    el("td", { className: "total", textContent: "0" }),
  )));
}

// Draws the grid afresh. Only the latest of overlapping loads (a tab opened twice quickly) draws,
// so nothing typed lands in a table about to be replaced by an older answer.
let loads = 0;
async function load() {
  const mine = ++loads;
  const grids = await api("GET", `${base()}/grids`);
  const pick = $("grid-pick");
  const chosen = pick.value || (grids[0] && String(grids[0].id));
  const rules = (await api("GET", `${base()}/rule-book`)).rules;
  const rows = chosen ? await households(`&grid_id=${chosen}&status=active`) : [];
  const used = new Map();
  if (state.period) {
    for (const e of await api("GET", `${periodPath()}/evaluations`)) {
      if (e.state === "rejected") continue;
      const key = `${e.household_id}:${e.rule_id}`;
      used.set(key, (used.get(key) || 0) + 1);
    }
  }
  if (mine !== loads) return;
  pick.replaceChildren(...grids.map((g) => el("option", { value: g.id, textContent: g.name })));
  if (chosen) pick.value = chosen;
  Object.assign(grid, { grid: chosen || null, rules, rows, used });
  const tbody = body(readDraft());
  [...tbody.children].forEach((tr, row) => { tr.lastChild.dataset.row = row; });
  $("score-grid").replaceChildren(header(), tbody);
  grid.rows.forEach((_, row) => recount(row));
  saveDraft();
  $("sheet-download").href = state.period
    ? `${periodPath()}/score-sheet?grid_id=${chosen}` : "#";
}

function cells() {
  const out = [];
  for (const cell of $("score-grid").querySelectorAll("input:not([disabled])")) {
    const times = Number(cell.value || 0);
    if (times > 0) {
      out.push({ household_id: grid.rows[cell.dataset.row].id,
                 rule_id: grid.rules[cell.dataset.col].id, times, input: cell });
    }
  }
  return out;
}

async function saveAll() {
  const filled = cells();
  if (!filled.length) return;
  try {
    const answer = await api("POST", `${periodPath()}/evaluations/batch`, {
      cells: filled.map(({ household_id, rule_id, times }) => ({ household_id, rule_id, times })),
    });
    localStorage.removeItem(draftKey());
    await load();
    $("grid-result").className = "";
    $("grid-result").textContent = t("c.saved").replace("{n}", answer.evaluation_ids.length);
  } catch (error) {
    let first = null;
    for (const problem of error.problem?.problems || []) {
      const cell = filled[problem.index]?.input.parentElement;
      if (cell) {
        cell.classList.add("problem");
        cell.title = problem.message;
        cell.append(el("div", { className: "why", textContent: problem.message }));
        first = first || filled[problem.index].input;
      }
    }
    $("grid-result").textContent = errorWords(error);
    $("grid-result").className = "field-error";
    if (first) first.focus();
    else throw error;
  }
}

function showProblems(problems) {
  problemTable($("sheet-problems"), problems);
}

async function upload(file) {
  const response = await sendFile(`${periodPath()}/score-sheet`, file);
  const { answer } = response;
  showProblems(response.ok ? [] : answer.problems || []);
  // The refusal (a bad sheet, the same sheet again) is said next to the upload, not far above.
  $("grid-result").className = response.ok ? "" : "field-error";
  if (!response.ok) {
    $("grid-result").textContent = answer.detail || answer.code;
    return;
  }
  await load();
  $("grid-result").textContent = [t("c.saved").replace("{n}", answer.evaluation_ids.length),
    ...(answer.repeats || []).map((r) => tf("c.repeat", { row: r.row, first: r.first_row }))]
    .join(" ");
}

export async function show() {
  showProblems([]);
  $("grid-result").textContent = "";
  $("grid-result").className = "";
  await load();
}

export function wire() {
  $("grid-pick").addEventListener("change", () => guard(load));
  // A reload or closing the tab with typed, unsaved cells asks first (they stay in the draft).
  window.addEventListener("beforeunload", (event) => {
    if (!$("grid").hidden && cells().length && hasDraft()) event.preventDefault();
  });
  $("save-all").addEventListener("click", () => guard(saveAll));
  $("sheet-upload").addEventListener("change", (event) => guard(async () => {
    const [file] = event.target.files;
    event.target.value = "";
    if (file) await upload(file);
  }));
}
