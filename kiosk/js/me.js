// The villager's page: balance and earned points, rank, the household's stars and the latest
// red/black board, history by period, the 60-second phone code, the supermarket's shelf, and
// objections while scores are on notice. Phone-sized; Chinese first, with an English switch.
import { ApiError, api, openSession } from "./api.js";
import { extend, language, t, tf, toggleLanguage, translatePage } from "./i18n.js";
import { TEXT } from "./me-text.js";

extend(TEXT);
const $ = (id) => document.getElementById(id);
const ELDER = "jifen.elder";
const state = { village: null, household: null, refresh: null, periods: [], tab: null };

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

function when(iso) {
  return new Date(iso).toLocaleString(language(), { hour12: false });
}

async function loadSummary() {
  const household = await api("GET", `${base()}/households/${state.household}`);
  const points = await api("GET", `${base()}/households/${state.household}/points`);
  const rank = await api("GET", `${base()}/households/${state.household}/rank`);
  $("head").textContent = household.head_name;
  $("number").textContent = household.number;
  $("balance").textContent = points.balance;
  $("earned").textContent = points.earned;
  $("rank").textContent = `${rank.rank}/${rank.ranked}`;
  state.periods = await api("GET", `${base()}/periods`);
  $("period-filter").replaceChildren($("period-filter").options[0],
    ...state.periods.map((p) => Object.assign(document.createElement("option"),
      { value: p.id, textContent: p.name })));
}

// Stars count scores on notice or posted, so they are shown for the newest such period.
async function loadStars() {
  const period = state.periods.find((p) => p.state !== "open");
  $("star-row").textContent = "";
  $("star-categories").textContent = "";
  if (!period) {
    $("star-period").textContent = t("m.noStarPeriod");
    return;
  }
  const [mine] = await api("GET", `${base()}/periods/${period.id}/stars`);
  const settings = await api("GET", `${base()}/scoring-settings`);
  const count = mine ? mine.stars : 0;
  $("star-row").textContent = "★".repeat(count) + "☆".repeat(Math.max(5 - count, 0));
  $("star-row").dataset.stars = count;
  $("star-period").textContent = tf("m.starsOf", { period: period.name });
  $("star-categories").textContent = count
    ? tf("m.starCategories", { list: mine.categories.join("、") })
    : tf("m.noStars", { n: settings.star_threshold });
}

function listed(entries) {
  return entries.map((e) => {
    const li = document.createElement("li");
    li.textContent = `${e.number} ${e.head_name}（${e.earned}）`;
    li.classList.toggle("mine", e.household_id === state.household);
    return li;
  });
}

async function loadBoard() {
  const [board] = await api("GET", `${base()}/boards?limit=1`);
  $("board-empty").hidden = Boolean(board);
  $("board-lists").hidden = !board;
  $("board-period").textContent = board ? board.period_name : "";
  $("board-red").replaceChildren(...(board ? listed(board.red) : []));
  $("board-black").replaceChildren(...(board ? listed(board.black) : []));
}

async function loadHome() {
  await loadStars();
  await loadBoard();
}

async function loadHistory() {
  const period = $("period-filter").value;
  const query = period ? `?period_id=${period}` : "";
  const statement = await api("GET",
    `${base()}/households/${state.household}/statement${query}`);
  $("lines").replaceChildren(...statement.items.map((item) => line(
    item.reason, when(item.created_at), item.amount)));
  $("history-empty").hidden = statement.items.length > 0;
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
      const limit = p.limit_per_period
        ? tf("m.perMonth", { n: p.limit_per_period, unit: p.unit }) : "";
      items.push(line(p.name, tf("m.shelf", { price: p.price, stock: p.stock, unit: p.unit })
        + limit));
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
      const li = line(`${e.category}·${e.title}`,
        tf("m.enteredBy", { period: period.name, name: e.proposer_name }), e.points);
      const answer = decided.find((o) => o.evaluation_id === e.id);
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = answer
        ? tf("m.objected", { answer: answer.decision_reason || t("m.waiting") }) : t("m.object");
      button.disabled = Boolean(answer);
      button.addEventListener("click", async () => {
        const reason = prompt(t("m.objectReason"));
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
    const li = line(a.title, `${when(a.starts_at)} · ${a.place} · ${a.rule_title} +${a.points}`);
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = t("m.signUp");
    button.addEventListener("click", async () => {
      try {
        await api("POST", `${base()}/activities/${a.id}/signups`);
        button.textContent = t("m.signedUp");
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
  home: loadHome, history: loadHistory, pay: showCode, shop: loadShop, notice: loadNotice,
  activities: loadActivities,
};

async function openTab(name) {
  state.tab = name;
  clearInterval(state.refresh);
  for (const button of document.querySelectorAll("nav button")) {
    button.classList.toggle("active", button.dataset.tab === name);
  }
  for (const section of document.querySelectorAll(".tab")) section.hidden = section.id !== name;
  await TABS[name]();
}

async function start(user) {
  const grant = user.grants.find((g) => g.role === "villager");
  if (!grant) throw new ApiError(403, { detail: t("m.pinOnly") });
  state.village = grant.village_id;
  state.household = grant.household_id;
  $("login").hidden = true;
  $("app").hidden = false;
  $("logout").hidden = false;
  await loadSummary();
  // The tabs work while the summary loads: a villager who tapped one on a slow phone stays
  // there (switching back to 首页 took the 报名 button from under their finger).
  if (!state.tab) await openTab("home");
}

function setElder(on) {
  document.body.classList.toggle("elder", on);
  $("elder").setAttribute("aria-pressed", String(on));
  localStorage.setItem(ELDER, on ? "1" : "");
}

translatePage();
setElder(Boolean(localStorage.getItem(ELDER)));
$("lang").addEventListener("click", toggleLanguage);
$("period-filter").addEventListener("change", loadHistory);
$("elder").addEventListener("click", () => setElder(!document.body.classList.contains("elder")));
for (const button of document.querySelectorAll("nav button")) {
  button.addEventListener("click", () => openTab(button.dataset.tab));
}
$("pin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const message = $("pin-message");
  if (form.get("new_pin") !== form.get("repeat")) {
    message.textContent = t("m.pinMismatch");
    return;
  }
  try {
    await api("PUT", `${base()}/households/${state.household}/card/pin`,
      { pin: form.get("new_pin"), current_pin: form.get("current") });
    event.target.reset();
    message.textContent = t("m.pinSaved");
  } catch (error) {
    message.textContent = error.message;
  }
});
openSession(start, {
  send: (form) => api("POST", "/api/v1/auth/household-login", {
    village: form.get("village"), number: form.get("number"), pin: form.get("pin"),
  }),
});
