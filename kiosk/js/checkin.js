// The organiser's check-in page (phone-sized): pick a running activity, scan cards or phone
// codes with the shared scanner code, see who came. Every scan is first written to a queue in
// localStorage with its own time and idempotency key, then sent; a scan the network lost stays
// queued and is sent again later — the server records each key once, so nothing counts twice.
import { ApiError, NetworkError, api, newKey, openSession } from "./api.js";
import { language } from "./i18n.js";
import { attachCameraButton, attachWedge } from "./scan.js";

const TEXT = {
  "zh-CN": {
    title: "志愿活动签到", login: "登录", username: "用户名", password: "密码", logout: "退出",
    activity: "活动", camera: "摄像头扫码", stopCamera: "关闭摄像头", checkedIn: "已签到",
    ok: "知道了", scanHint: "请扫描积分卡或付款码", none: "暂无进行中的活动",
    queued: "网络不通，已在手机上保存 {n} 条签到，恢复后自动补传", sent: "签到成功：{name}",
    capacity: "（限 {n} 户）", refused: "无法签到", member: "谁来了：",
    "refusal.already_checked_in": "已签到过", "refusal.outside_window": "不在签到时间",
    "refusal.card_revoked": "卡已挂失", "refusal.activity_full": "名额已满",
    "refusal.code_used": "二维码已使用", "refusal.code_expired": "二维码已过期",
    "refusal.code_forged": "二维码无效", "refusal.code_unreadable": "二维码无效",
    "refusal.activity_not_running": "活动未在进行",
  },
  en: {
    title: "Volunteer check-in", login: "Log in", username: "Username", password: "Password",
    logout: "Log out", activity: "Activity", camera: "Camera", stopCamera: "Stop camera",
    checkedIn: "Checked in", ok: "OK", scanHint: "Scan a points card or phone code",
    none: "No running activity", queued: "Offline: {n} check-ins kept on this phone, sent later",
    sent: "Checked in: {name}", capacity: "(limit {n})", refused: "Refused", member: "Who came:",
  },
};
const t = (key) => TEXT[language()][key] ?? TEXT["zh-CN"][key] ?? key;
const $ = (id) => document.getElementById(id);
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
  return `/api/v1/villages/${state.village}/activities/${state.activity}`;
}

function showRefusal(code, detail) {
  const title = t(`refusal.${code}`);
  $("overlay").className = "overlay refusal";
  $("o-title").textContent = title.startsWith("refusal.") ? t("refused") : title;
  $("o-detail").textContent = detail;
  $("overlay").hidden = false;
  $("o-ok").focus();
}

function render() {
  const list = $("attendances");
  list.replaceChildren();
  for (const item of state.list.filter((a) => !a.struck)) {
    const li = document.createElement("li");
    li.dataset.householdId = item.household_id;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = `${item.number} ${item.head_name}户`
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
  if (pending) $("status").textContent = t("queued").replace("{n}", pending);
}

// Who of the household came: one tap on a name (only their volunteer hours depend on it).
function memberButtons(item) {
  const box = document.createElement("span");
  box.className = "members";
  box.textContent = t("member");
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
        showRefusal(error.code || "network", error.message);
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
      $("status").textContent = t("sent").replace("{name}", last.head_name);
    }
    if (refused.length) showRefusal(refused[0].code, refused.map((r) => r.detail).join("\n"));
    await refresh();
  } catch (error) {
    if (error instanceof NetworkError) {
      render();
    } else if (error instanceof ApiError) {
      if (error.status !== 401) saveQueue([]);
      showRefusal(error.code, error.message);
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
    ? t("capacity").replace("{n}", activity.capacity) : "";
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
  if (!grant) throw new ApiError(403, { detail: "需要村委或网格员账号。", code: "forbidden" });
  state.village = grant.village_id;
  $("who").textContent = user.username;
  $("login").hidden = true;
  $("desk").hidden = false;
  $("logout").hidden = false;
  state.activities = await api("GET",
    `/api/v1/villages/${state.village}/activities?status=running`);
  const select = $("activity");
  select.replaceChildren();
  for (const activity of state.activities) {
    const option = document.createElement("option");
    option.value = activity.id;
    option.textContent = activity.title;
    select.append(option);
  }
  if (!state.activities.length) {
    $("activity-info").textContent = t("none");
    return;
  }
  await choose(state.activities[0].id);
}

function wire() {
  document.documentElement.lang = language();
  for (const el of document.querySelectorAll("[data-c]")) el.textContent = t(el.dataset.c);
  $("scan").placeholder = t("scanHint");
  $("o-ok").addEventListener("click", () => { $("overlay").hidden = true; $("scan").focus(); });
  $("activity").addEventListener("change", (event) => choose(Number(event.target.value)));
  attachWedge($("scan"), onCode);
  attachCameraButton($("camera"), $("video"), onCode,
    (error) => showRefusal("camera", String(error)),
    { start: t("camera"), stop: t("stopCamera") });
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
}

wire();
openSession(start);
