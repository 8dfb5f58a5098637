// Fast grid entry: the households of one grid down, the current rules across, a number of
// times in each cell. Arrow keys and Enter move like a spreadsheet; row totals and cap warnings
// follow the typing; "save all" sends one batch that the server enters whole or not at all, and
// its problems land on the cells they name. The same grid goes out and comes back as Excel.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { $, base, el, guard, households, periodPath, spreadsheetKeys, state } from "./shared.js";

const grid = { rules: [], rows: [], used: new Map() };

function input(row, column) {
  return $("score-grid").querySelector(`input[data-row="${row}"][data-col="${column}"]`);
}

// Recomputes one row's total and every cell's cap warning (entered before + typed > cap).
function recount(row) {
  let total = 0;
  grid.rules.forEach((rule, column) => {
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
  return el("tr", {}, el("th", { textContent: t("household") }), el("th", { textContent: t("head") }),
    ...grid.rules.map((r) => el("th", { title: r.title },
      `${r.code} ${r.title}`, el("small", { textContent: `${r.points > 0 ? "+" : ""}${r.points} · ≤${r.cap}` }))),
    el("th", { textContent: t("total") }));
}

function body() {
  return grid.rows.map((household, row) => el("tr", {},
    el("td", { textContent: household.number }), el("td", { textContent: household.head_name }),
    ...grid.rules.map((rule, column) => {
      const cell = el("input", { type: "number", min: "0", max: String(rule.cap), step: "1",
                                 disabled: rule.evidence_required });
      Object.assign(cell.dataset, { row, col: column });
      cell.setAttribute("aria-label", `${household.number} ${rule.code}`);
      cell.addEventListener("keydown", spreadsheetKeys);
      cell.addEventListener("input", () => recount(row));
      return el("td", {}, cell);
    }),
    el("td", { className: "total", textContent: "0" }),
  ));
}

async function load() {
  const grids = await api("GET", `${base()}/grids`);
  const pick = $("grid-pick");
  const chosen = pick.value || (grids[0] && String(grids[0].id));
  pick.replaceChildren(...grids.map((g) => el("option", { value: g.id, textContent: g.name })));
  if (chosen) pick.value = chosen;
  grid.rules = (await api("GET", `${base()}/rule-book`)).rules;
  grid.rows = chosen ? await households(`&grid_id=${chosen}&status=active`) : [];
  grid.used = new Map();
  if (state.period) {
    for (const e of await api("GET", `${periodPath()}/evaluations`)) {
      if (e.state === "rejected") continue;
      const key = `${e.household_id}:${e.rule_id}`;
      grid.used.set(key, (grid.used.get(key) || 0) + 1);
    }
  }
  const rows = body();
  rows.forEach((tr, row) => { tr.lastChild.dataset.row = row; });
  $("score-grid").replaceChildren(header(), ...rows);
  $("sheet-download").href = state.period
    ? `${periodPath()}/score-sheet?grid_id=${chosen}` : "#";
}

function cells() {
  const out = [];
  for (const cell of $("score-grid").querySelectorAll("input")) {
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
    await load();
    $("grid-result").textContent = t("c.saved").replace("{n}", answer.evaluation_ids.length);
  } catch (error) {
    for (const problem of error.problem?.problems || []) {
      const cell = filled[problem.index]?.input.parentElement;
      if (cell) {
        cell.classList.add("problem");
        cell.title = problem.message;
        cell.append(el("div", { className: "why", textContent: problem.message }));
      }
    }
    throw error;
  }
}

function showProblems(problems) {
  const table = $("sheet-problems");
  table.hidden = !problems.length;
  table.replaceChildren(
    el("tr", {}, ...["c.row", "c.column", "c.problem"].map((k) => el("th", { textContent: t(k) }))),
    ...problems.map((p) => el("tr", {}, el("td", { textContent: String(p.row) }),
      el("td", { textContent: String(p.column) }), el("td", { textContent: p.message }))));
}

async function upload(file) {
  const form = new FormData();
  form.append("data", file);
  const response = await fetch(`${periodPath()}/score-sheet`, {
    method: "POST", body: form, credentials: "same-origin",
    headers: { "Accept-Language": document.documentElement.lang },
  });
  const answer = await response.json();
  showProblems(response.ok ? [] : answer.problems || []);
  if (!response.ok) throw new Error(answer.detail || answer.code);
  await load();
  $("grid-result").textContent = t("c.saved").replace("{n}", answer.evaluation_ids.length);
}

export async function show() {
  showProblems([]);
  $("grid-result").textContent = "";
  await load();
}

export function wire() {
  $("grid-pick").addEventListener("change", () => guard(load));
  $("save-all").addEventListener("click", () => guard(saveAll));
  $("sheet-upload").addEventListener("change", (event) => guard(async () => {
    const [file] = event.target.files;
    event.target.value = "";
    if (file) await upload(file);
  }));
}
