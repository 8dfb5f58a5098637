// The period dashboard: state, the counts that say where the period stands, what to do next,
// and the buttons that move it on (open → notice → closed and posted).
import { api } from "../api.js";
import { t, tf } from "../i18n.js";
import { $, ask, el, guard, loadPeriods, periodPath, state, base } from "./shared.js";

const DAY = 86_400_000;
let reopen = null;
let closedFor = null;  // the period whose close result is on screen: another period clears it

export async function counts() {
  const evaluations = await api("GET", `${periodPath()}/evaluations`);
  const objections = await api("GET", `${periodPath()}/objections`);
  const by = (s) => evaluations.filter((e) => e.state === s).length;
  return {
    proposed: by("proposed"), verified: by("verified"), notice: by("notice"),
    objected: objections.filter((o) => o.state === "open").length, posted: by("posted"),
    rejected: by("rejected"), held: by("notice"),
  };
}

function nextStep(period, n) {
  if (period.state === "open") {
    if (n.proposed) return t("c.next.verify").replace("{n}", n.proposed);
    if (!n.verified) return t("c.next.empty");
    return t("c.next.notice");
  }
  if (period.state === "notice") {
    if (n.objected) return t("c.next.objections").replace("{n}", n.objected);
    const ends = new Date(period.notice_ends_at).toLocaleString(undefined, { hour12: false });
    return t("c.next.close").replace("{at}", ends);
  }
  return t("c.next.board");
}

// Closing is refused until the notice window ends: the button says until when, and comes alive
// by itself at that moment if the page is still open.
function closeWhenNoticeEnds(period) {
  clearTimeout(reopen);
  const left = period && period.state === "notice"
    ? new Date(period.notice_ends_at) - Date.now() : 0;
  $("close-period").disabled = left > 0;
  $("close-wait").hidden = left <= 0;
  if (left <= 0) return;
  const ends = new Date(period.notice_ends_at).toLocaleString(undefined, { hour12: false });
  $("close-wait").textContent = t("c.closeFrom").replace("{at}", ends);
  // A window of several days is looked at again at least daily (a long timeout would overflow,
  // and a PC left on over the weekend must still find the button live on Monday).
  reopen = setTimeout(() => guard(show), Math.min(left + 1000, DAY));
}

export async function show() {
  const period = await loadPeriods();
  if (!period || period.id !== closedFor) $("close-result").textContent = "";
  closeWhenNoticeEnds(period);
  $("open-period").hidden = Boolean(period && period.state === "open");
  $("start-notice").hidden = !(period && period.state === "open");
  $("close-period").hidden = !(period && period.state === "notice");
  if (!period) {
    $("period-name").textContent = t("c.noPeriod");
    $("period-state").textContent = "";
    $("counts").replaceChildren();
    $("next-step").textContent = t("c.next.open");
    return;
  }
  $("period-name").textContent = period.name;
  $("period-state").textContent = t(`c.state.${period.state}`);
  $("period-state").dataset.state = period.state;
  const n = await counts();
  // After the close nothing is on notice: what is left in that state is held back (暂缓扣分).
  const shown = period.state === "closed"
    ? ["proposed", "verified", "held", "objected", "posted"]
    : ["proposed", "verified", "notice", "objected", "posted"];
  $("counts").replaceChildren(...shown.map(
    (key) => el("div", { id: `count-${key}` }, el("dt", { textContent: t(`c.count.${key}`) }),
                el("dd", { textContent: String(n[key]) }))));
  $("next-step").textContent = nextStep(period, n);
}

export function wire(refresh) {
  // Both are public or final, so both ask first, naming the period.
  $("start-notice").addEventListener("click", () => guard(async () => {
    const done = await ask("c.noticeTitle", {
      message: tf("c.noticeConfirm", { period: state.period.name }), ok: "c.startNotice",
      onSubmit: () => api("POST", `${periodPath()}/notice`),
    });
    if (done) await refresh();
  }));
  $("close-period").addEventListener("click", () => guard(async () => {
    const answer = await ask("c.closeTitle", {
      message: tf("c.closeConfirm", { period: state.period.name }), ok: "c.close",
      onSubmit: () => api("POST", `${periodPath()}/close`),
    });
    if (!answer) return;
    closedFor = state.period.id;
    $("close-result").textContent = t("c.closed").replace("{posted}", answer.posted)
      .replace("{blocked}", String(answer.blocked.length));
    await refresh();
  }));
  $("open-period").addEventListener("submit", (event) => guard(async () => {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.target));
    await api("POST", `${base()}/periods`, form);
    event.target.reset();
    await refresh();
  }));
}
