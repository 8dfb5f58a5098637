// The villager's page: balance and earned points, rank, history, the 60-second phone code,
// the supermarket's shelf, and objections while scores are on notice. Phone-sized.
import { ApiError, api, logout, me } from "./api.js";

const $ = (id) => document.getElementById(id);
const ELDER = "jifen.elder";
const state = { village: null, household: null, refresh: null };

function base() {
  return `/api/v1/villages/${state.village}`;
}

function line(main, sub, amount) {
  const li = document.createElement("li");
  const text = document.createElement("span");
  text.textContent = main;
  if (sub) {
    const small = document.createElement("small");
    small.textContent = sub;
    text.append(small);
  }
  li.append(text);
  if (amount !== undefined) {
    const value = document.createElement("span");
    value.className = amount >= 0 ? "plus" : "minus";
    value.textContent = amount >= 0 ? `+${amount}` : `${amount}`;
    li.append(value);
  }
  return li;
}

async function loadHome() {
  const household = await api("GET", `${base()}/households/${state.household}`);
  const points = await api("GET", `${base()}/households/${state.household}/points`);
  const rank = await api("GET", `${base()}/households/${state.household}/rank`);
  $("head").textContent = household.head_name;
  $("number").textContent = household.number;
  $("balance").textContent = points.balance;
  $("earned").textContent = points.earned;
  $("rank").textContent = `${rank.rank}/${rank.ranked}`;
}

async function loadHistory() {
  const statement = await api("GET", `${base()}/households/${state.household}/statement`);
  $("lines").replaceChildren(...statement.items.map((item) => line(
    item.reason, new Date(item.created_at).toLocaleString("zh-CN", { hour12: false }),
    item.amount)));
}

async function showCode() {
  clearInterval(state.refresh);
  // One request gives the picture and, in its headers, the code it shows and when it expires.
  const response = await fetch(`${base()}/phone-code.png`, { credentials: "same-origin" });
  if (!response.ok) throw new ApiError(response.status, await response.json());
  const previous = $("code").src;
  $("code").src = URL.createObjectURL(await response.blob());
  if (previous.startsWith("blob:")) URL.revokeObjectURL(previous);
  $("code").dataset.payload = response.headers.get("X-Payload");
  const expires = new Date(response.headers.get("X-Expires-At"));
  let left = Math.max(1, Math.round((expires - Date.now()) / 1000) - 5);
  $("countdown").textContent = left;
  state.refresh = setInterval(() => {
    left -= 1;
    $("countdown").textContent = Math.max(left, 0);
    if (left <= 0) showCode();
  }, 1000);
}

async function loadShop() {
  const shops = await api("GET", `${base()}/shops`);
  const items = [];
  for (const shop of shops) {
    for (const p of await api("GET", `${base()}/shops/${shop.id}/products`)) {
      const limit = p.limit_per_period ? `，每月限 ${p.limit_per_period}${p.unit}` : "";
      items.push(line(p.name, `${p.price} 积分 · 库存 ${p.stock}${p.unit}${limit}`));
    }
  }
  $("products").replaceChildren(...items);
}

async function loadNotice() {
  const periods = (await api("GET", `${base()}/periods`)).filter((p) => p.state === "notice");
  const items = [];
  for (const period of periods) {
    const pending = await api("GET", `${base()}/periods/${period.id}/evaluations`);
    const decided = await api("GET", `${base()}/periods/${period.id}/objections`);
    for (const e of pending.filter((x) => x.state === "notice")) {
      const li = line(`${e.category}·${e.title}`, `${period.name}，${e.proposer_name}录入`, e.points);
      const answer = decided.find((o) => o.evaluation_id === e.id);
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = answer ? `已提异议：${answer.decision_reason || "待村委答复"}` : "提出异议";
      button.disabled = Boolean(answer);
      button.addEventListener("click", async () => {
        const reason = prompt("请写明异议理由");
        if (!reason) return;
        try {
          await api("POST", `${base()}/evaluations/${e.id}/objections`, { reason });
          await loadNotice();
        } catch (error) {
          alert(error.message);
        }
      });
      li.append(button);
      items.push(li);
    }
  }
  $("pending").replaceChildren(...items);
  $("notice-empty").hidden = items.length > 0;
}

async function loadActivities() {
  const open = (await api("GET", `${base()}/activities`))
    .filter((a) => a.signup && (a.status === "planned" || a.status === "running"));
  const items = open.map((a) => {
    const when = new Date(a.starts_at).toLocaleString("zh-CN", { hour12: false });
    const li = line(a.title, `${when} · ${a.place} · ${a.rule_title} +${a.points}`);
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "报名";
    button.addEventListener("click", async () => {
      try {
        await api("POST", `${base()}/activities/${a.id}/signups`);
        button.textContent = "已报名";
        button.disabled = true;
      } catch (error) {
        alert(error.message);
      }
    });
    li.append(button);
    return li;
  });
  $("activity-list").replaceChildren(...items);
  $("activities-empty").hidden = items.length > 0;
}

const TABS = {
  history: loadHistory, pay: showCode, shop: loadShop, notice: loadNotice,
  activities: loadActivities,
};

async function openTab(name) {
  clearInterval(state.refresh);
  for (const button of document.querySelectorAll("nav button")) {
    button.classList.toggle("active", button.dataset.tab === name);
  }
  for (const section of document.querySelectorAll(".tab")) section.hidden = section.id !== name;
  await TABS[name]();
}

async function start(user) {
  const grant = user.grants.find((g) => g.role === "villager");
  if (!grant) throw new ApiError(403, { detail: "请用户号和 PIN 登录。" });
  state.village = grant.village_id;
  state.household = grant.household_id;
  $("login").hidden = true;
  $("app").hidden = false;
  $("logout").hidden = false;
  await loadHome();
  await openTab("history");
}

function setElder(on) {
  document.body.classList.toggle("elder", on);
  $("elder").setAttribute("aria-pressed", String(on));
  localStorage.setItem(ELDER, on ? "1" : "");
}

setElder(Boolean(localStorage.getItem(ELDER)));
$("elder").addEventListener("click", () => setElder(!document.body.classList.contains("elder")));
$("logout").addEventListener("click", async () => { await logout(); location.reload(); });
for (const button of document.querySelectorAll("nav button")) {
  button.addEventListener("click", () => openTab(button.dataset.tab));
}
$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const answer = await api("POST", "/api/v1/auth/household-login", {
      village: form.get("village"), number: form.get("number"), pin: form.get("pin"),
    });
    await start(answer.user);
  } catch (error) {
    $("login-error").textContent = error.message;
  }
});
me().then(start).catch(() => { $("login").hidden = false; });
