// What every console screen shares: the chosen village and period, element helpers, and the one
// place an API error is shown (its readable `detail`, in the chosen language).
import { api } from "../api.js";
import { $, el, villagePath } from "../dom.js";
import { openDialog } from "../dialog.js";
import { t, tf } from "../i18n.js";

export const state = { user: null, village: null, period: null, periods: [] };

// The console modules import the DOM helpers from here, with the console's state.
export { $, el };

export function base() {
  return villagePath(state.village);
}

export function periodPath() {
  return `${base()}/periods/${state.period.id}`;
}

// A field path of the API's validation errors ("marks[2].mark") in words: the field's label
// from the word lists (c.field.<name>), and which line of a list it is.
export function fieldLabel(path) {
  const name = path.split(".").at(-1).replace(/\[\d+\]$/, "");
  const key = `c.field.${name}`;
  const label = t(key) === key ? name : t(key);
  const line = path.match(/\[(\d+)\]/);
  return line ? `${tf("c.field.line", { n: Number(line[1]) + 1 })}${label}` : label;
}

// What went wrong, in words: a validation error names the fields by their labels, not codes.
export function errorWords(error) {
  const errors = error?.problem?.errors || [];
  if (error?.problem?.code !== "invalid_input" || !errors.length) return error ? error.message : "";
  return tf("c.fieldWrong", { fields: [...new Set(errors.map((e) => fieldLabel(e.field)))].join("、") });
}

export function showError(error) {
  $("error").textContent = errorWords(error);
  $("error").hidden = !error;
}

// The in-page dialog with the console's words for its buttons: ask("c.x", {...}) resolves with
// onSubmit's result, or null when cancelled. Refusals show inside it, next to the field.
export function ask(titleKey, { message = "", fields = [], ok = "c.dlg.ok", danger = false,
                               onSubmit } = {}) {
  return openDialog({
    title: t(titleKey), message, danger, ok: t(ok), cancel: t("c.dlg.cancel"),
    fields: fields.map((f) => ({ ...f, label: t(f.label) })),
    onSubmit: async (values) => {
      try {
        return onSubmit ? await onSubmit(values) : true;
      } catch (error) {
        error.message = errorWords(error);
        throw error;
      }
    },
  });
}

// Runs a screen action: clears the last error, shows this one's if it fails.
export async function guard(action) {
  showError(null);
  try {
    return await action();
  } catch (error) {
    showError(error);
    return undefined;
  }
}

export function button(key, onClick, className = "") {
  const node = el("button", { type: "button", textContent: t(key), className });
  node.addEventListener("click", () => guard(onClick));
  return node;
}

const KEYS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
               Enter: [1, 0] };

// A keydown handler for a table of inputs marked data-row / data-col: arrow keys and Enter
// (Shift+Enter up) move between them like a spreadsheet, over disabled cells.
export function spreadsheetKeys(event) {
  const step = KEYS[event.key];
  if (!step) return;
  event.preventDefault();
  const from = event.target;
  const down = event.shiftKey && event.key === "Enter" ? -1 : step[0];
  const table = from.closest("table");
  // Disabled cells (a rule that needs a photo) are stepped over, never landed on.
  let [row, column] = [Number(from.dataset.row), Number(from.dataset.col)];
  let target;
  do {
    row += down;
    column += step[1];
    target = table.querySelector(`input[data-row="${row}"][data-col="${column}"]`);
  } while (target && target.disabled);
  if (target) {
    target.focus();
    target.select();
  }
}

// The period the committee works on: the open one, else the one on notice, else the latest.
export async function loadPeriods() {
  state.periods = await api("GET", `${base()}/periods`);
  state.period = state.periods.find((p) => p.state === "open")
    || state.periods.find((p) => p.state === "notice") || state.periods[0] || null;
  return state.period;
}

// Every household of the village (pages of 100), optionally of one grid.
export async function households(query = "") {
  const items = [];
  for (let page = 1; ; page += 1) {
    const answer = await api("GET", `${base()}/households?page_size=100&page=${page}${query}`);
    items.push(...answer.items);
    if (items.length >= answer.total || answer.items.length === 0) return items;
  }
}

// An uploaded sheet's problems, one line each: sheet row, column letter, what is wrong.
export function problemTable(table, problems) {
  table.hidden = !problems.length;
  table.replaceChildren(
    el("tr", {}, ...["c.row", "c.column", "c.problem"].map((k) => el("th", { textContent: t(k) }))),
    ...problems.map((p) => el("tr", {}, el("td", { textContent: String(p.row) }),
      el("td", { textContent: String(p.column) }), el("td", { textContent: p.message }))));
}

// Sends a file as multipart form data; the answer's JSON either way, with `ok`.
export async function sendFile(path, file) {
  const form = new FormData();
  form.append("data", file);
  const response = await fetch(path, {
    method: "POST", body: form, credentials: "same-origin",
    headers: { "Accept-Language": document.documentElement.lang },
  });
  return { ok: response.ok, answer: await response.json() };
}
