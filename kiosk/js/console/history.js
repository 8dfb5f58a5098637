// 往期查看: any closed period of the village, read-only — the close result, the board (as
// published, or a preview if it never was), the objections of its notice and how each was
// decided, and every score line; the poster and the notice sheet can be downloaded again.
// The other screens keep working on the current period.
import { api } from "../api.js";
import { blackNotes, rankLines } from "../boardlist.js";
import { extend, t, tf } from "../i18n.js";
import { HISTORY_TEXT } from "./history-text.js";
import { $, base, el, state } from "./shared.js";

extend(HISTORY_TEXT);

const date = (at) => (at ? new Date(at).toLocaleDateString(document.documentElement.lang) : "");

function header(...keys) {
  return el("tr", {}, ...keys.map((k) => el("th", { textContent: t(k) })));
}

function who(id) {
  const h = (state.households || new Map()).get(id) || {};
  return `${h.number || ""} ${h.head_name || ""}`;
}

function link(href, key, params = {}) {
  return el("a", { href, download: "", textContent: tf(key, params) });
}

async function drawBoard(period) {
  const boards = await api("GET", `${base()}/boards`);
  const published = boards.find((b) => b.period_id === period.id);
  const board = published || await api("GET", `${base()}/periods/${period.id}/board/preview`);
  $("history-board-state").textContent = published
    ? tf("c.hist.publishedAt", { who: published.publisher_name }) : t("c.hist.unpublished");
  $("history-red").replaceChildren(...rankLines(board.red, { number: true }));
  $("history-black").replaceChildren(...rankLines(board.black, { number: true }));
  $("history-black-notes").replaceChildren(...blackNotes(board).map((text) =>
    el("p", { textContent: text })));
  $("history-rule").textContent = board.rule_text;
  $("history-downloads").replaceChildren(
    ...["a4", "a3"].flatMap((size) => [link(
      `${base()}/periods/${period.id}/notice-sheet.pdf?size=${size}`, "c.hist.sheet",
      { size: size.toUpperCase() }), " "]),
    ...(published ? ["png", "pdf"].flatMap((format) => [link(
      `${base()}/boards/${published.id}/poster?format=${format}`, `c.poster.${format}`), " "])
      : []));
}

async function draw(period) {
  const lines = await api("GET", `${base()}/periods/${period.id}/evaluations`);
  const objections = await api("GET", `${base()}/periods/${period.id}/objections`);
  const byId = new Map(lines.map((e) => [e.id, e]));
  const count = (s) => lines.filter((e) => e.state === s).length;
  $("history-summary").textContent = tf("c.hist.summary", {
    start: period.starts_on, end: period.ends_on, closed: date(period.closed_at),
    posted: count("posted"), held: count("notice"),
    withdrawn: objections.filter((o) => o.state === "upheld").length });
  await drawBoard(period);
  $("history-no-objections").hidden = objections.length > 0;
  $("history-objections").hidden = !objections.length;
  $("history-objections").replaceChildren(
    header("c.hist.household", "c.hist.rule", "c.hist.points", "c.hist.filer",
           "c.hist.objection", "c.hist.decision", "c.hist.decisionReason"),
    ...objections.map((o) => {
      const e = byId.get(o.evaluation_id) || {};
      return el("tr", { id: `history-objection-${o.id}` },
        el("td", { textContent: who(o.household_id) }), el("td", { textContent: e.title }),
        el("td", { className: "number", textContent: String(e.points ?? "") }),
        el("td", { className: "name", textContent: o.filer_name }),
        el("td", { textContent: o.reason }),
        el("td", { className: o.state, textContent: t(`c.hist.o.${o.state}`) }),
        el("td", { textContent: o.decision_reason }));
    }));
  const sorted = [...lines].sort((a, b) => who(a.household_id).localeCompare(who(b.household_id)));
  $("history-scores").replaceChildren(
    header("c.hist.household", "c.hist.rule", "c.hist.points", "c.hist.state", "c.hist.by"),
    ...sorted.map((e) => el("tr", {},
      el("td", { textContent: who(e.household_id) }),
      el("td", { textContent: `${e.category}·${e.title}` }),
      el("td", { className: "number", textContent: e.points > 0 ? `+${e.points}` : String(e.points) }),
      el("td", { textContent: t(`c.hist.e.${e.state}`) }),
      el("td", { className: "name", textContent: [e.proposer_name, e.verifier_name]
        .filter(Boolean).join(" / ") }))));
}

export async function show() {
  const closed = state.periods.filter((p) => p.state === "closed");
  const pick = $("history-period");
  const kept = pick.value;
  pick.replaceChildren(...closed.map((p) => el("option", { value: p.id, textContent: p.name })));
  if (closed.some((p) => String(p.id) === kept)) pick.value = kept;
  $("history-empty").hidden = closed.length > 0;
  $("history-body").hidden = !closed.length;
  const period = closed.find((p) => String(p.id) === pick.value);
  if (period) await draw(period);
}

export function wire(guard) {
  $("history-period").addEventListener("change", () => guard(async () => {
    $("history").setAttribute("aria-busy", "true");
    await show();
    $("history").setAttribute("aria-busy", "false");
  }));
}
