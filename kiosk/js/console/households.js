// Households and their cards: every household of the village (all pages, not the first 100),
// add one, edit one (head, address, phone, grid, moral group, 关怀户 with its reason, moved
// away) and its members (members.js), import the
// village's own roster sheet (all or nothing, every bad cell listed), reissue a lost card (the
// old one stops working), set a new PIN for a household that forgot theirs (no old PIN needed:
// the committee's right, audited), print PIN letters for many households at once (each must
// change its PIN at the first login), and the printable sheet of every card. Every change is asked
// for in an in-page dialog whose refusals show next to the field.
import { ApiError, api } from "../api.js";
import { language, t, tf } from "../i18n.js";
import { panel } from "./members.js";
import * as passbooks from "./passbooks.js";
import { $, ask, base, button, el, guard, households, problemTable, sendFile } from "./shared.js";

// The village's grids and moral groups, for the dialogs' choice lists; `ready` settles once
// they are loaded, so a dialog opened at once still offers them all.
const places = { grids: [], groups: [], ready: Promise.resolve() };

const COLUMNS = ["household", "head", "c.grid", "c.hh.group", "c.address", "c.hh.marks", "c.card"];

function nameOf(list, id) {
  return (list.find((g) => g.id === id) || {}).name || "";
}

function choices(list) {
  return [["", t("c.hh.none")], ...list.map((g) => [String(g.id), g.name])];
}

// The dialog's fields for a household; `h` pre-fills them when editing.
function fields(h = {}, withNumber = false) {
  return [
    ...(withNumber ? [{ name: "number", label: "household", maxLength: 32 }] : []),
    { name: "head_name", label: "head", value: h.head_name, maxLength: 50 },
    { name: "address", label: "c.address", value: h.address, required: false, maxLength: 200 },
    { name: "phone", label: "c.hh.phone", value: h.phone, required: false, inputmode: "tel" },
    { name: "grid_id", label: "c.grid", value: h.grid_id ?? "", options: choices(places.grids) },
    { name: "moral_group_id", label: "c.hh.group", value: h.moral_group_id ?? "",
      options: choices(places.groups) },
    { name: "hardship", label: "c.hh.hardship", type: "checkbox", value: h.hardship },
    { name: "hardship_reason", label: "c.hh.hardshipReason", value: h.hardship_reason,
      required: false, maxLength: 200 },
    ...(withNumber ? [] : [{ name: "status", label: "c.hh.status", value: h.status,
      options: [["active", t("c.hh.active")], ["moved", t("c.hh.moved")]] }]),
  ];
}

function body(values) {
  const id = (v) => (v === "" ? null : Number(v));
  return { ...values, grid_id: id(values.grid_id), moral_group_id: id(values.moral_group_id) };
}

async function edit(h) {
  await places.ready;
  const done = await ask("c.hh.edit", {
    message: `${h.number} ${h.head_name}`, fields: fields(h),
    onSubmit: (values) => api("PATCH", `${base()}/households/${h.id}`, body(values)),
  });
  if (done) await search($("household-search").q.value);
}

async function add() {
  await places.ready;
  const done = await ask("c.hh.add", {
    fields: fields({}, true),
    onSubmit: (values) => api("POST", `${base()}/households`, {
      ...body(values), members: [{ name: values.head_name, relation: t("c.hh.headRelation") }],
    }),
  });
  if (done) await search($("household-search").q.value);
}

function row(h) {
  return el("tr", { id: `household-${h.id}`, className: h.status === "moved" ? "moved" : "" },
    el("td", { textContent: h.number }), el("td", { className: "name", textContent: h.head_name }),
    el("td", { textContent: nameOf(places.grids, h.grid_id) }),
    el("td", { textContent: nameOf(places.groups, h.moral_group_id) }),
    el("td", { textContent: h.address }),
    el("td", { className: "marks", textContent: [h.hardship ? t("c.hh.hardshipMark") : "",
      h.status === "moved" ? t("c.hh.moved") : ""].filter(Boolean).join(" ") },
      // Why it is 关怀户: the API gives it to the committee (and town admin) only.
      h.hardship_reason ? el("div", { className: "muted why", textContent: h.hardship_reason })
        : null),
    el("td", {}, button("c.hh.editIt", () => edit(h)), button("c.hh.members", () => {
      const open = $(`members-of-${h.id}`);
      if (open) open.remove();
      else $(`household-${h.id}`).after(panel(h, COLUMNS.length));
    }), button("c.reissue", async () => {
      const done = await ask("c.reissueTitle", {
        message: `${h.number} ${h.head_name}：${t("c.reissueConfirm")}`, ok: "c.reissue",
        danger: true,
        onSubmit: () => api("POST", `${base()}/households/${h.id}/card/reissue`),
      });
      if (done) $("household-list").querySelector(`#card-${h.id}`).textContent = t("c.reissued");
    }),
    // A worn or unprinted card again, the same version: the household's card keeps working.
    el("a", { className: "button reprint", href: `${base()}/cards.pdf?household_id=${h.id}`,
              download: `card-${h.number}.pdf`, textContent: t("c.reprint") }),
    button("c.resetPin", async () => {
      const done = await ask("c.pinTitle", {
        message: tf("c.pinFor", { number: h.number, head: h.head_name }),
        fields: [{ name: "pin", label: "c.newPin", type: "password", inputmode: "numeric",
                   autocomplete: "off", maxLength: 6 }],
        onSubmit: ({ pin }) => api("PUT", `${base()}/households/${h.id}/card/pin`, { pin }),
      });
      if (done) $("household-list").querySelector(`#card-${h.id}`).textContent = t("c.pinReset");
    }), el("span", { id: `card-${h.id}` })));
}

async function search(q) {
  const found = await households(`&q=${encodeURIComponent(q)}`);
  $("household-list").replaceChildren(
    el("tr", {}, ...COLUMNS.map((k) => el("th", { textContent: t(k) }))),
    ...found.map(row));
  $("household-count").textContent = tf("c.hh.count", { n: found.length });
}

// PIN letters: a fresh initial PIN for every household of the village or of one grid, on one
// printable page each. The old PINs stop working, so it asks first; the PDF is downloaded.
async function pinLetters() {
  await places.ready;
  const scope = [["", t("c.hh.wholeVillage")], ...places.grids.map((g) => [String(g.id), g.name])];
  const pdf = await ask("c.hh.letters", {
    message: t("c.hh.lettersWhy"), ok: "c.hh.lettersGo", danger: true,
    fields: [{ name: "grid_id", label: "c.grid", options: scope }],
    onSubmit: async ({ grid_id }) => {
      const response = await fetch(`${base()}/pin-letters`, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept-Language": language() },
        body: JSON.stringify(grid_id ? { grid_id: Number(grid_id) } : {}),
      });
      if (!response.ok) throw new ApiError(response.status, await response.json());
      return response.blob();
    },
  });
  if (!pdf) return;
  const link = el("a", { href: URL.createObjectURL(pdf), download: "pin-letters.pdf" });
  document.body.append(link);
  link.click();
  link.remove();
  $("roster-result").className = "";
  $("roster-result").textContent = t("c.hh.lettersDone");
}

async function importRoster(file) {
  const { ok, answer } = await sendFile(`${base()}/households/roster`, file);
  problemTable($("roster-problems"), ok ? [] : answer.problems || []);
  $("roster-result").className = ok ? "" : "field-error";
  $("roster-result").textContent = ok
    ? tf("c.hh.imported", { n: answer.numbers.length }) : answer.detail || answer.code;
  if (ok) await show();
}

export async function show() {
  $("cards-pdf").href = `${base()}/cards.pdf`;
  places.ready = Promise.all([api("GET", `${base()}/grids`), api("GET", `${base()}/moral-groups`)])
    .then(([grids, groups]) => Object.assign(places, { grids, groups }));
  await places.ready;
  await search($("household-search").q.value);
  await passbooks.show();
}

export function wire() {
  passbooks.wire();
  $("household-search").addEventListener("submit", (event) => guard(async () => {
    event.preventDefault();
    await search(event.target.q.value);
  }));
  $("household-add").addEventListener("click", () => guard(add));
  $("pin-letters").addEventListener("click", () => guard(pinLetters));
  $("roster-upload").addEventListener("change", (event) => guard(async () => {
    const [file] = event.target.files;
    event.target.value = "";
    if (file) await importRoster(file);
  }));
}
