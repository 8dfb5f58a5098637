// The rule book editor: the current version as an editable table; saving adopts a new version
// (evaluations keep the version they were scored under) and needs a note saying why, so the
// history reads. Rules equal to the current version make no version (the server says so, shown
// here). Who may propose a rule is chosen by role words (村委、网格员), never role codes.
import { api } from "../api.js";
import { extend, t, tf } from "../i18n.js";
import { $, base, el, errorWords, guard } from "./shared.js";
import { RULES_TEXT } from "./rules-text.js";
import { USERS_TEXT } from "./users-text.js";

extend(USERS_TEXT);
extend(RULES_TEXT);

const FIELDS = ["code", "category", "title", "points", "cap"];
const PROPOSERS = ["committee", "grid_officer"];

function proposers(chosen) {
  return el("td", { className: "proposers" }, ...PROPOSERS.map((role) => el("label", {},
    el("input", { type: "checkbox", name: "proposer", value: role, checked: chosen.includes(role) }),
    t(`role.${role}`))));
}

function row(rule = {}) {
  return el("tr", {}, ...FIELDS.map((field) => el("td", {}, el("input", {
    name: field, value: rule[field] ?? (field === "cap" ? "1" : ""),
    type: field === "points" || field === "cap" ? "number" : "text",
  }))), el("td", {}, el("input", { type: "checkbox", name: "evidence_required",
                                   checked: Boolean(rule.evidence_required) })),
  proposers(rule.proposers || ["committee"]));
}

function said(text, problem = false) {
  $("rule-result").textContent = text;
  $("rule-result").className = problem ? "field-error" : "";
  $("rule-result").hidden = !text;
}

export async function show() {
  const book = await api("GET", `${base()}/rule-book`);
  $("rule-version").textContent = `v${book.version} ${book.note}`;
  $("rule-table").replaceChildren(
    el("tr", {}, ...[...FIELDS, "evidence", "proposers"].map((k) => el("th", { textContent: t(`c.rule.${k}`) }))),
    ...book.rules.map(row));
  $("rule-export").href = `${base()}/rule-book/xlsx`;
  return book;
}

function collected() {
  return [...$("rule-table").querySelectorAll("tr")].slice(1).map((tr) => {
    const value = (name) => tr.querySelector(`[name=${name}]`);
    return {
      code: value("code").value.trim(), category: value("category").value.trim(),
      title: value("title").value.trim(), points: Number(value("points").value),
      cap: Number(value("cap").value), evidence_required: value("evidence_required").checked,
      proposers: [...tr.querySelectorAll("[name=proposer]:checked")].map((box) => box.value),
    };
  }).filter((r) => r.code);
}

// What the server answered about an adoption, in words: a new version, or none needed.
async function adopted(book) {
  await show();
  said(book.unchanged ? tf("c.rule.unchanged", { version: book.version })
    : tf("c.rule.saved", { version: book.version }));
}

async function save() {
  const note = $("rule-note");
  note.removeAttribute("aria-invalid");
  if (!note.value.trim()) {
    note.setAttribute("aria-invalid", "true");
    note.focus();
    said(t("c.rule.noteNeeded"), true);
    return;
  }
  const rules = collected();
  const lonely = rules.findIndex((r) => !r.proposers.length);
  if (lonely >= 0) {
    said(tf("c.rule.noProposer", { n: lonely + 1 }), true);
    return;
  }
  try {
    const book = await api("PUT", `${base()}/rule-book`, { rules, note: note.value.trim() });
    note.value = "";
    await adopted(book);
  } catch (error) {
    said(errorWords(error), true);
  }
}

export function wire() {
  $("rule-add").addEventListener("click", () => $("rule-table").append(row()));
  $("rule-save").addEventListener("click", () => guard(save));
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
    await adopted(answer);
  }));
}
