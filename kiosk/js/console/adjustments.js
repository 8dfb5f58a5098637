// Four eyes on big adjustments (调整申请): above the village's limit a manual adjustment is a
// request that a *different* committee member approves (posted at once) or refuses with a
// reason. The proposer sees their own request without the buttons, and why.
import { api } from "../api.js";
import { extend, t, tf } from "../i18n.js";
import { ADJUSTMENTS_TEXT } from "./adjustments-text.js";
import { $, ask, base, button, el, state } from "./shared.js";

extend(ADJUSTMENTS_TEXT);

export const signed = (n) => (n > 0 ? `+${n}` : String(n));

function household(id) {
  return (state.households || new Map()).get(id) || { number: "", head_name: "" };
}

function when(at) {
  return new Date(at).toLocaleString(document.documentElement.lang,
    { dateStyle: "short", timeStyle: "short" });
}

function words(r) {
  const h = household(r.household_id);
  return { number: h.number, head: h.head_name, amount: signed(r.amount), reason: r.reason,
           who: r.proposed_by };
}

function said(text) {
  $("adjust-result").className = "";
  $("adjust-result").textContent = text;
}

function pending(r) {
  const own = r.proposed_by_id === state.user.user_id;
  const decide = own ? [el("span", { className: "muted own-note", textContent: t("c.req.own") })] : [
    button("c.req.approve", async () => {
      const done = await ask("c.req.approveTitle", {
        message: tf("c.req.approveConfirm", words(r)), ok: "c.req.approve",
        onSubmit: () => api("POST", `${base()}/adjustment-requests/${r.id}/approve`),
      });
      if (!done) return;
      const points = await api("GET", `${base()}/households/${r.household_id}/points`);
      said(tf("c.req.done", { ...words(r), balance: points.balance }));
      await show();
    }, "primary"),
    button("c.req.refuse", async () => {
      const done = await ask("c.req.refuseTitle", {
        message: tf("c.req.refuseConfirm", words(r)), ok: "c.req.refuse", danger: true,
        fields: [{ name: "reason", label: "c.req.refuseReason", required: false,
                   maxLength: 200 }],
        onSubmit: ({ reason }) => api("POST", `${base()}/adjustment-requests/${r.id}/refuse`,
          { reason }),
      });
      if (!done) return;
      said(tf("c.req.refusedDone", words(r)));
      await show();
    }),
  ];
  return el("li", { id: `request-${r.id}`, className: own ? "own" : "" },
    el("div", { className: "what" },
      el("strong", { textContent: tf("c.req.line", words(r)) }),
      el("div", { textContent: r.reason }),
      el("div", { className: "muted", textContent: tf("c.req.by",
        { who: r.proposed_by, when: when(r.created_at) }) })),
    ...decide);
}

function decided(r) {
  const h = household(r.household_id);
  return el("tr", { id: `request-${r.id}` },
    el("td", { textContent: `${h.number} ${h.head_name}` }),
    el("td", { className: "number", textContent: signed(r.amount) }),
    el("td", { textContent: r.reason }),
    el("td", { className: "name", textContent: r.proposed_by }),
    el("td", { className: r.status, textContent: t(`c.req.${r.status}`) }),
    el("td", { className: "name", textContent: r.decided_by }),
    el("td", { textContent: r.decision_reason }));
}

// The village's limit above which an adjustment waits for a second member.
export async function limit() {
  state.adjustmentLimit = (await api("GET", base())).adjustment_approval_above;
  return state.adjustmentLimit;
}

export async function show() {
  $("request-limit").textContent = tf("c.adj.limit", { limit: await limit() });
  const all = await api("GET", `${base()}/adjustment-requests?status=all`);
  const waiting = all.filter((r) => r.status === "pending");
  $("request-list").replaceChildren(...waiting.map(pending));
  $("request-empty").hidden = waiting.length > 0;
  const done = all.filter((r) => r.status !== "pending");
  $("request-history").hidden = !done.length;
  $("request-history-title").hidden = !done.length;
  $("request-history").replaceChildren(
    el("tr", {}, ...["c.req.household", "c.req.amount", "c.req.reason", "c.req.proposer",
      "c.req.decision", "c.req.decider", "c.req.decisionReason"].map(
      (k) => el("th", { textContent: t(k) }))),
    ...done.map(decided));
}

// A big adjustment as a request: asked first, naming the limit; the same key proposes once.
export async function propose(found, amount, reason, key) {
  return ask("c.req.proposeTitle", {
    message: tf("c.req.proposeConfirm", { number: found.number, head: found.head_name,
      amount: signed(amount), reason, limit: state.adjustmentLimit }),
    ok: "c.req.propose",
    onSubmit: () => api("POST", `${base()}/adjustment-requests`,
      { household_id: found.id, amount, reason }, { "Idempotency-Key": key }),
  });
}
