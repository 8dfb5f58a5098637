// What a poster's QR code opens (verify.html?board=<public id>): the board as published — names
// masked, since anyone may open it — and the ledger's chain head at that moment.
import { ApiError, api } from "./api.js";
import { blackNotes, rankLines } from "./boardlist.js";
import { $ } from "./dom.js";
import { language, tf, translatePage } from "./i18n.js";
const id = new URLSearchParams(location.search).get("board") || "";

async function show() {
  let board;
  try {
    board = await api("GET", `/api/v1/public/boards/${encodeURIComponent(id)}`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    $("missing").hidden = false;
    return;
  }
  $("title").textContent = `${board.village_name} · ${board.period_name}`;
  $("rule").textContent = board.rule_text;
  $("red").replaceChildren(...rankLines(board.red));
  $("black").replaceChildren(...rankLines(board.black));
  $("black-notes").replaceChildren(...blackNotes(board).map((text) =>
    Object.assign(document.createElement("p"), { textContent: text })));
  $("when").textContent = tf("v.published",
    { when: new Date(board.published_at).toLocaleString(language(), { hour12: false }) });
  $("chain").textContent = tf("v.chain", { seq: board.chain_seq, head: board.chain_head });
  $("board").hidden = false;
}

translatePage();
await show();
