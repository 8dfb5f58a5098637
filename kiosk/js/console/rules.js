// The rule book editor: the current version as an editable table; saving adopts a new version
// (evaluations keep the version they were scored under). Excel export and import too.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { $, base, el, guard } from "./shared.js";

const FIELDS = ["code", "category", "title", "points", "cap"];

function row(rule = {}) {
  return el("tr", {}, ...FIELDS.map((field) => el("td", {}, el("input", {
    name: field, value: rule[field] ?? (field === "cap" ? "1" : ""),
    type: field === "points" || field === "cap" ? "number" : "text",
  }))), el("td", {}, el("input", { type: "checkbox", name: "evidence_required",
                                   checked: Boolean(rule.evidence_required) })),
  el("td", { className: "proposers", textContent: (rule.proposers || ["committee"]).join(",") }));
}

export async function show() {
  const book = await api("GET", `${base()}/rule-book`);
  $("rule-version").textContent = `v${book.version} ${book.note}`;
  $("rule-table").replaceChildren(
    el("tr", {}, ...[...FIELDS, "evidence", "proposers"].map((k) => el("th", { textContent: t(`c.rule.${k}`) }))),
    ...book.rules.map(row));
  $("rule-export").href = `${base()}/rule-book/xlsx`;
}

function collected() {
  return [...$("rule-table").querySelectorAll("tr")].slice(1).map((tr) => {
    const value = (name) => tr.querySelector(`[name=${name}]`);
    return {
      code: value("code").value.trim(), category: value("category").value.trim(),
      title: value("title").value.trim(), points: Number(value("points").value),
      cap: Number(value("cap").value), evidence_required: value("evidence_required").checked,
      proposers: tr.querySelector(".proposers").textContent.split(","),
    };
  }).filter((r) => r.code);
}

export function wire() {
  $("rule-add").addEventListener("click", () => $("rule-table").append(row()));
  $("rule-save").addEventListener("click", () => guard(async () => {
    await api("PUT", `${base()}/rule-book`, { rules: collected(), note: $("rule-note").value });
    await show();
  }));
  $("rule-import").addEventListener("change", (event) => guard(async () => {
    const [file] = event.target.files;
    event.target.value = "";
    if (!file) return;
    const form = new FormData();
    form.append("data", file);
    const response = await fetch(`${base()}/rule-book/xlsx`, {
      method: "POST", body: form, credentials: "same-origin",
      headers: { "Accept-Language": document.documentElement.lang },
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.detail || answer.code);
    await show();
  }));
}
