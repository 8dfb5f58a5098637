// The audit log (操作记录): who did what and when, newest first, filtered by person, kind of
// thing and days; what changed is shown as before → after. People appear by their display name.
import { api } from "../api.js";
import { t, tf } from "../i18n.js";
import { $, base, el } from "./shared.js";

const KINDS = ["household", "member", "card", "evaluation", "period", "objection", "rule_book",
               "ledger", "board", "activity", "attendance", "product", "stock", "redemption",
               "cross", "village"];
const PAGE = 50;
const view = { page: 1 };

function words(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

function changes(entry) {
  const keys = [...new Set([...Object.keys(entry.before), ...Object.keys(entry.after)])];
  return keys.map((k) => {
    const before = k in entry.before ? JSON.stringify(entry.before[k]) : "";
    const after = k in entry.after ? JSON.stringify(entry.after[k]) : "";
    return `${k}: ${before ? `${before} → ` : ""}${after}`;
  }).join("；");
}

function row(entry) {
  const when = new Date(entry.created_at).toLocaleString(document.documentElement.lang,
    { dateStyle: "short", timeStyle: "short" });
  const kind = entry.action.split(".")[0];
  return el("tr", {},
    el("td", { className: "when", textContent: when }),
    el("td", { className: "name", textContent: entry.actor_name }),
    el("td", { textContent: words(`c.action.${entry.action}`,
      `${words(`c.kind.${kind}`, kind)} · ${entry.action.split(".")[1] || ""}`) }),
    el("td", { className: "changes", textContent: changes(entry) }),
    el("td", { className: "muted", textContent: entry.address }));
}

async function load() {
  const form = $("audit-filter");
  const query = new URLSearchParams({ page: view.page, page_size: PAGE });
  for (const name of ["who", "kind", "since", "until"]) {
    if (form[name].value) query.set(name, form[name].value);
  }
  const answer = await api("GET", `${base()}/audit?${query}`);
  $("audit-list").replaceChildren(
    el("tr", {}, ...["c.audit.when", "c.audit.who", "c.audit.what", "c.audit.changes",
      "c.audit.address"].map((k) => el("th", { textContent: t(k) }))),
    ...answer.items.map(row));
  const pages = Math.max(1, Math.ceil(answer.total / PAGE));
  $("audit-count").textContent = tf("c.audit.count", { n: answer.total, page: view.page, pages });
  $("audit-prev").disabled = view.page <= 1;
  $("audit-next").disabled = view.page >= pages;
}

export async function show() {
  const kind = $("audit-filter").kind;
  if (kind.options.length <= 1) {
    kind.append(...KINDS.map((k) => el("option", { value: k, textContent: words(`c.kind.${k}`, k) })));
  }
  await load();
}

export function wire(guard) {
  $("audit-filter").addEventListener("submit", (event) => guard(async () => {
    event.preventDefault();
    view.page = 1;
    await load();
  }));
  $("audit-prev").addEventListener("click", () => guard(async () => { view.page -= 1; await load(); }));
  $("audit-next").addEventListener("click", () => guard(async () => { view.page += 1; await load(); }));
}
