// 志愿活动: plan an activity (the rule it awards, place, times, capacity), start it (the
// organiser's phone checks people in on checkin.html), finish it (each attendance becomes a
// proposed score), and — a committee member other than the organiser — confirm the list,
// striking anyone who should not count, with a reason. Each step asks first: they cannot be undone.
import { api } from "../api.js";
import { t, tf } from "../i18n.js";
import { $, ask, base, button, el, errorWords } from "./shared.js";

const local = (moment) => new Date(moment).toLocaleString(document.documentElement.lang,
  { dateStyle: "short", timeStyle: "short" });

async function step(activity, action, titleKey, body) {
  const done = await ask(titleKey, {
    message: `${activity.title}（${local(activity.starts_at)}）`,
    onSubmit: () => api("POST", `${base()}/activities/${activity.id}/${action}`, body),
  });
  if (done) await show();
}

// Confirming lists who came; a ticked name is struck and needs a reason.
async function confirm(activity) {
  const people = await api("GET", `${base()}/activities/${activity.id}/attendances`);
  const done = await ask("c.act.confirmTitle", {
    message: tf("c.act.confirmWhy", { n: people.filter((p) => !p.struck).length }),
    fields: people.map((p) => ({ name: `strike-${p.id}`, type: "checkbox",
      label: tf("c.act.strike", { who: `${p.number} ${p.member_name || p.head_name}` }) }))
      .concat(people.length ? [{ name: "reason", label: "c.act.strikeReason", required: false }]
        : []),
    onSubmit: (values) => {
      const strikes = people.filter((p) => values[`strike-${p.id}`])
        .map((p) => ({ attendance_id: p.id, reason: values.reason }));
      if (strikes.length && !values.reason) {
        throw Object.assign(new Error(t("c.act.needReason")), { field: "reason" });
      }
      return api("POST", `${base()}/activities/${activity.id}/confirm`, { strikes });
    },
  });
  if (done) await show();
}

function row(a) {
  const actions = {
    planned: [button("c.act.start", () => step(a, "start", "c.act.startTitle"))],
    running: [button("c.act.finish", () => step(a, "finish", "c.act.finishTitle"))],
    finished: [button("c.act.confirm", () => confirm(a), "primary")],
    confirmed: [],
  }[a.status];
  return el("tr", { id: `activity-${a.id}` },
    el("td", { className: "name", textContent: a.title }),
    el("td", { textContent: `${a.rule_code} ${a.points > 0 ? "+" : ""}${a.points}` }),
    el("td", { textContent: a.place }), el("td", { textContent: local(a.starts_at) }),
    el("td", { textContent: a.organiser_name }),
    el("td", { className: "status", textContent: t(`c.act.${a.status}`) }),
    el("td", { textContent: String(a.checked_in) }),
    el("td", {}, ...actions,
      el("a", { href: `${base()}/activities/${a.id}/sign-in-sheet`, textContent: t("c.act.sheet") }),
      " ", el("a", { href: `${base()}/activities/${a.id}/attendances/xlsx`,
                     textContent: t("c.act.xlsx") })));
}

export async function show() {
  const [activities, book] = await Promise.all([
    api("GET", `${base()}/activities`), api("GET", `${base()}/rule-book`)]);
  const pick = $("activity-form").rule_id;
  pick.replaceChildren(...book.rules.filter((r) => r.points > 0).map(
    (r) => el("option", { value: r.id, textContent: `${r.code} ${r.title}（+${r.points}）` })));
  $("activity-list").replaceChildren(
    el("tr", {}, ...["c.act.title", "c.act.rule", "c.act.place", "c.act.when", "c.act.organiser",
      "c.hh.status", "c.act.came", ""].map((k) => el("th", { textContent: k ? t(k) : "" }))),
    ...activities.map(row));
}

export function wire(guard) {
  $("activity-form").addEventListener("submit", (event) => guard(async () => {
    event.preventDefault();
    const form = event.target;
    const when = (name) => new Date(form[name].value).toISOString();
    try {
      await api("POST", `${base()}/activities`, {
        title: form.title.value, rule_id: Number(form.rule_id.value), place: form.place.value,
        starts_at: when("starts_at"), ends_at: when("ends_at"),
        capacity: Number(form.capacity.value || 0),
      });
    } catch (error) {
      $("activity-result").className = "field-error";
      $("activity-result").textContent = errorWords(error);
      return;
    }
    $("activity-result").className = "";
    $("activity-result").textContent = t("c.act.created");
    form.reset();
    await show();
  }));
}
