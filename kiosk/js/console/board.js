// The red/black board of the period: preview what it would say, publish it (once), and download
// the printable poster of a published board.
import { api } from "../api.js";
import { blackNotes, rankLines } from "../boardlist.js";
import { t, tf } from "../i18n.js";
import * as publicity from "./publicity.js";
import { $, ask, base, el, guard, state } from "./shared.js";

function posters(board) {
  const link = (format) => el("a", { href: `${base()}/boards/${board.id}/poster?format=${format}`,
                                     textContent: t(`c.poster.${format}`), download: "" });
  return [el("span", { textContent: `${t("c.published")} ${board.period_name} ` }),
    link("png"), " ", link("pdf")];
}

export async function show() {
  await publicity.show();
  const boards = await api("GET", `${base()}/boards`);
  const period = state.periods.find((p) => p.state === "closed") || null;
  const published = boards.find((b) => period && b.period_id === period.id);
  $("publish").hidden = !period || Boolean(published);
  $("posters").replaceChildren(...(boards[0] ? posters(published || boards[0]) : []));
  if (!period) {
    $("board-rule").textContent = t("c.noClosed");
    $("red-list").replaceChildren();
    $("black-list").replaceChildren();
    $("black-notes").replaceChildren();
    return;
  }
  const preview = published
    || await api("GET", `${base()}/periods/${period.id}/board/preview`);
  $("red-list").replaceChildren(...rankLines(preview.red, { number: true }));
  $("black-list").replaceChildren(...rankLines(preview.black, { number: true }));
  $("black-notes").replaceChildren(...blackNotes(preview).map((text) =>
    el("p", { textContent: text })));
  $("board-rule").textContent = `${preview.period_name}：${preview.rule_text}`;
}

export function wire() {
  $("publish").addEventListener("click", () => guard(async () => {
    const period = state.periods.find((p) => p.state === "closed");
    // Publishing is public and final: it asks first, naming the period.
    const done = await ask("c.publishTitle", {
      message: tf("c.publishConfirm", { period: period.name }), ok: "c.publish",
      onSubmit: () => api("POST", `${base()}/periods/${period.id}/board`),
    });
    if (done) await show();
  }));
}
