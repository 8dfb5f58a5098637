// The organiser's check-in page (phone-sized): pick a running activity, scan cards or phone
// codes with the shared scanner code, see who came. Every scan is first written to a queue in
// localStorage with its own time and idempotency key, then sent; a scan the network lost stays
// queued and is sent again later — the server records each key once, so nothing counts twice.
import { ApiError, NetworkError, api, newKey, openSession } from "./api.js";
import { TEXT } from "./checkin-text.js";
import { $, villagePath } from "./dom.js";
import { extend, language, t, tf, translatePage } from "./i18n.js";
import { onBoxClosed } from "./overlay.js";
import { refuse, showRefusal } from "./refusal.js";
import { attachCameraButton, attachWedge } from "./scan.js";

extend(TEXT);
// A refusal without a word of its own is titled "无法签到" (the shop says "无法兑换").
const REFUSED = "ci.refused";
const state = { village: null, activity: null, activities: [], list: [],
                flushing: false };

function queueKey() {
  return `jifen.checkin.queue.${state.village}.${state.activity}`;
}

function queued() {
  return JSON.parse(localStorage.getItem(queueKey()) || "[]");
}

function saveQueue(items) {
  localStorage.setItem(queueKey(), JSON.stringify(items));
}

function base() {
  return `${villagePath(state.village)}/activities/${state.activity}`;
}

function render() {
  const list = $("attendances");
  list.replaceChildren();
  for (const item of state.list.filter((a) => !a.struck)) {
    const li = document.createElement("li");
    li.dataset.householdId = item.household_id;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = tf("ci.household", { number: item.number, head: item.head_name })
      + (item.member_name ? ` · ${item.member_name}` : "");
    const time = document.createElement("span");
    time.className = "muted";
    time.textContent = new Date(item.checked_in_at).toLocaleTimeString(language());
    li.append(who, time);
    if (item.members.length > 1) li.append(memberButtons(item));
    list.append(li);
  }
  $("count").textContent = String(state.list.filter((a) => !a.struck).length);
  const pending = queued().length;
  if (pending) $("status").textContent = tf("ci.queued", { n: pending });
}

// Who of the household came: one tap on a name (only their volunteer hours depend on it).
function memberButtons(item) {
  const box = document.createElement("span");
  box.className = "members";
  box.textContent = t("ci.member");
  for (const member of item.members) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = member.name;
    button.dataset.memberId = member.id;
    if (member.id === item.member_id) button.className = "chosen";
    button.addEventListener("click", async () => {
      try {
        await api("PUT", `${base()}/attendances/${item.id}/member`, { member_id: member.id });
        await refresh();
      } catch (error) {
        refuse(error, REFUSED);
      }
      $("scan").focus();
    });
    box.append(button);
  }
  return box;
}

async function refresh() {
  state.list = await api("GET", `${base()}/attendances`);
  render();
}

// Send whatever is queued; keys answered by the server (recorded or refused) leave the queue.
async function flush() {
  if (state.flushing || !state.activity) return;
  const scans = queued();
  if (!scans.length) return;
  state.flushing = true;
  try {
    const results = await api("POST", `${base()}/attendances/batch`, { scans });
    const answered = new Set(results.map((r) => r.idempotency_key));
    saveQueue(queued().filter((s) => !answered.has(s.idempotency_key)));
    const refused = results.filter((r) => !r.ok);
    const recorded = results.filter((r) => r.ok);
    if (recorded.length) {
      const last = recorded[recorded.length - 1].attendance;
      $("status").textContent = tf("ci.sent", { name: last.head_name });
    }
    if (refused.length) {
      showRefusal(refused[0].code, refused.map((r) => r.detail).join("\n"), REFUSED);
    }
    await refresh();
  } catch (error) {
    if (error instanceof NetworkError) {
      render();
    } else if (error instanceof ApiError) {
      if (error.status !== 401) saveQueue([]);
      refuse(error, REFUSED);
    }
  } finally {
    state.flushing = false;
  }
}

function onCode(code) {
  if (!state.activity) return;
  const items = queued();
  items.push({ code, idempotency_key: newKey(), scanned_at: new Date().toISOString() });
  saveQueue(items);
  flush();
}

function describe(activity) {
  const range = `${new Date(activity.starts_at).toLocaleString(language())} — `
    + new Date(activity.ends_at).toLocaleTimeString(language());
  $("activity-info").textContent = `${activity.place} ${range} · ${activity.rule_category}`
    + `·${activity.rule_title} +${activity.points}`;
  $("capacity").textContent = activity.capacity
    ? tf("ci.capacity", { n: activity.capacity }) : "";
}

async function choose(id) {
  state.activity = id;
  const activity = state.activities.find((a) => a.id === id);
  if (activity) describe(activity);
  await refresh();
  await flush();
  $("scan").focus();
}

async function start(user) {
  const grant = user.grants.find((g) => g.role === "grid_officer" || g.role === "committee");
  if (!grant) throw new ApiError(403, { detail: t("ci.needRole"), code: "forbidden" });
  state.village = grant.village_id;
  $("who").textContent = user.username;
  $("login").hidden = true;
  $("desk").hidden = false;
  $("logout").hidden = false;
  state.activities = await api("GET",
    `${villagePath(state.village)}/activities?status=running`);
  const select = $("activity");
  select.replaceChildren();
  for (const activity of state.activities) {
    const option = document.createElement("option");
    option.value = activity.id;
    option.textContent = activity.title;
    select.append(option);
  }
  if (!state.activities.length) {
    $("activity-info").textContent = t("ci.none");
    return;
  }
  await choose(state.activities[0].id);
}

function wire() {
  translatePage();
  onBoxClosed(() => $("scan").focus());
  $("activity").addEventListener("change", (event) => choose(Number(event.target.value)));
  attachWedge($("scan"), onCode);
  attachCameraButton($("camera"), $("video"), onCode,
    (error) => showRefusal("camera", String(error), REFUSED),
    { start: t("camera"), stop: t("stopCamera") });
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
}

wire();
openSession(start);
