// The notice-board screen of the village hall (board.html?village=XHX): the newest red and black
// board and the all-time top 20, updated live through server-sent events. Without the
// committee's screen link (…&token=…) the server sends masked names; with it, full names.
import { ApiError, NetworkError, api } from "./api.js";
import { blackNotes, rankLines } from "./boardlist.js";
import { $ } from "./dom.js";
import { t, tf, translatePage } from "./i18n.js";

const params = new URLSearchParams(location.search);
const code = params.get("village") || "XHX";
const token = params.get("token");
const screenPath = `/api/v1/public/villages/${encodeURIComponent(code)}/screen`
  + (token ? `?token=${encodeURIComponent(token)}` : "");

function notes(board) {
  return blackNotes(board).map((text) => Object.assign(document.createElement("p"),
    { textContent: text }));
}

// During a notice window the third column shows the period's list instead of the top 20.
function showNotice(notice) {
  $("notice-box").hidden = !notice;
  $("top-box").hidden = Boolean(notice);
  if (!notice) return;
  $("notice-title").textContent = tf("b.noticeTitle", { period: notice.period_name,
    until: new Date(notice.notice_ends_at).toLocaleString("zh-CN", { hour12: false }) });
  $("notice-count").textContent = tf("b.noticeCount", { n: notice.lines.length });
  $("notice").replaceChildren(...notice.lines.map((entry) => {
    const li = document.createElement("li");
    for (const [className, text] of [["name", entry.name], ["title", entry.title],
      ["pts", tf("b.points", { n: entry.points > 0 ? `+${entry.points}` : entry.points })]]) {
      li.append(Object.assign(document.createElement("span"), { className, textContent: text }));
    }
    return li;
  }));
}

function unknownVillage() {
  for (const id of ["title", "period", "boards", "rule", "status"]) $(id).hidden = true;
  $("missing").textContent = tf("b.unknownVillage", { code });
  $("missing").hidden = false;
}

async function refresh() {
  let screen;
  try {
    screen = await api("GET", screenPath);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      unknownVillage();
      return false;
    }
    if (!(error instanceof NetworkError) && !(error instanceof ApiError)) throw error;
    $("status").textContent = t("b.offline");
    return true;
  }
  const { board } = screen;
  $("title").textContent = tf("b.screenTitle", { village: screen.village_name });
  $("period").textContent = board ? board.period_name : t("b.notPublished");
  $("red").replaceChildren(...rankLines(board ? board.red : []));
  $("black").replaceChildren(...rankLines(board ? board.black : []));
  $("black-notes").replaceChildren(...(board ? notes(board) : []));
  $("top").replaceChildren(...rankLines(screen.top));
  showNotice(screen.notice);
  $("rule").textContent = board ? board.rule_text : "";
  $("status").textContent = tf("b.updated",
    { time: new Date().toLocaleTimeString("zh-CN", { hour12: false }) });
  return true;
}

translatePage();
if (await refresh()) {
  const events = new EventSource(`/api/v1/public/villages/${encodeURIComponent(code)}/events`);
  events.addEventListener("update", refresh);
  events.addEventListener("poll", refresh);
  setInterval(refresh, 5 * 60 * 1000);
}
