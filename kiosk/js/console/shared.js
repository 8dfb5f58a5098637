// What every console screen shares: the chosen village and period, element helpers, and the one
// place an API error is shown (its readable `detail`, in the chosen language).
import { api } from "../api.js";
import { t } from "../i18n.js";

export const state = { user: null, village: null, period: null, periods: [] };

export const $ = (id) => document.getElementById(id);

export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function base() {
  return `/api/v1/villages/${state.village}`;
}

export function periodPath() {
  return `${base()}/periods/${state.period.id}`;
}

export function showError(error) {
  $("error").textContent = error ? error.message : "";
  $("error").hidden = !error;
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
// (Shift+Enter up) move between them like a spreadsheet.
export function spreadsheetKeys(event) {
  const step = KEYS[event.key];
  if (!step) return;
  event.preventDefault();
  const from = event.target;
  const row = Number(from.dataset.row) + (event.shiftKey && event.key === "Enter" ? -1 : step[0]);
  const column = Number(from.dataset.col) + step[1];
  const target = from.closest("table")
    .querySelector(`input[data-row="${row}"][data-col="${column}"]`);
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
