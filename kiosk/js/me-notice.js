// 公示 on the villager's phone: the whole period's list for the village while it is on notice
// (anyone may object to any line; the household objected to is not told who), and, in the
// history, every objection about this household or filed by it with the committee's decision.
import { api } from "./api.js";
import { openDialog } from "./dialog.js";
import { $ } from "./dom.js";
import { extend, t, tf } from "./i18n.js";
import { ME_DIALOG_TEXT } from "./me-dialog-text.js";
import { line, when } from "./me-lines.js";

extend(ME_DIALOG_TEXT);

function objectButton(base, entry, reload) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = entry.objection === "open"
    ? tf("m.objected", { answer: t("m.waiting") }) : t("m.object");
  button.disabled = entry.objection === "open";
  // The reason is asked in the page's own dialog; a refusal (the notice just ended, say) shows
  // inside it, next to the reason, and nothing is filed.
  button.addEventListener("click", async () => {
    const filed = await openDialog({
      title: t("m.object"), message: `${entry.head_name} · ${entry.category}·${entry.title}`,
      fields: [{ name: "reason", label: t("m.objectReason"), maxLength: 500 }],
      ok: t("m.object"), cancel: t("m.dlg.cancel"),
      onSubmit: async ({ reason }) => {
        await api("POST", `${base}/evaluations/${entry.evaluation_id}/objections`,
          { reason: reason.trim() });
        return true;
      },
    });
    if (filed) await reload();
  });
  return button;
}

export async function loadNotice(base, household) {
  const periods = (await api("GET", `${base}/periods`)).filter((p) => p.state === "notice");
  const items = [];
  const reload = () => loadNotice(base, household);
  for (const period of periods) {
    const notice = await api("GET", `${base}/periods/${period.id}/notice`);
    const heading = document.createElement("li");
    heading.className = "heading";
    heading.textContent = tf("m.noticeUntil",
      { period: notice.period_name, until: when(notice.notice_ends_at) });
    items.push(heading);
    for (const entry of notice.lines) {
      const li = line(`${entry.number} ${entry.head_name} · ${entry.category}·${entry.title}`,
        tf("m.noticeLine", { evidence: t(entry.has_evidence ? "m.evidence" : "m.noEvidence"),
                             verifier: entry.verifier_name || "—" }), entry.points);
      li.classList.toggle("mine", entry.household_id === household);
      li.append(objectButton(base, entry, reload));
      items.push(li);
    }
  }
  $("pending").replaceChildren(...items);
  $("notice-empty").hidden = items.length > 0;
}

const DECISION = { open: "m.decision.open", upheld: "m.decision.upheld",
                   overturned: "m.decision.overturned" };

export async function loadDecisions(base) {
  const outcomes = await api("GET", `${base}/objections/mine`);
  $("decisions").replaceChildren(...outcomes.map((o) => {
    const who = o.mine ? tf("m.byMe", { head: o.head_name }) : t("m.aboutUs");
    const li = line(`${o.period_name} · ${o.title} · ${t(DECISION[o.state])}`,
      tf("m.decisionLine", { who, reason: o.reason, answer: o.decision_reason || t("m.waiting") }),
      o.points);
    li.dataset.state = o.state;
    return li;
  }));
  $("decisions-box").hidden = outcomes.length === 0;
}
