// The villager's page: balance and earned points, rank, the household's stars and the latest
// red/black board, history by period, the 60-second phone code, the supermarket's shelf, and
// objections while scores are on notice. Phone-sized; Chinese first, with an English switch.
import { ApiError, api, openSession } from "./api.js";
import { blackNotes, rankLines } from "./boardlist.js";
import { openDialog } from "./dialog.js";
import { $, villagePath } from "./dom.js";
import { extend, t, tf, toggleLanguage, translatePage } from "./i18n.js";
import { line, when } from "./me-lines.js";
import { loadDecisions, loadNotice } from "./me-notice.js";
import { TEXT } from "./me-text.js";

extend(TEXT);
const ELDER = "jifen.elder";
const state = { village: null, household: null, refresh: null, poll: null, periods: [],
  tab: null };
const POLL_MS = 2000;

function base() {
  return villagePath(state.village);
}

function showBalance(balance) {
  $("balance").textContent = balance;
  $("pay-balance").textContent = balance;
}

async function loadSummary() {
  const household = await api("GET", `${base()}/households/${state.household}`);
  const points = await api("GET", `${base()}/households/${state.household}/points`);
  const rank = await api("GET", `${base()}/households/${state.household}/rank`);
  $("head").textContent = household.head_name;
  $("number").textContent = household.number;
  showBalance(points.balance);
  $("earned").textContent = points.earned;
  $("rank").textContent = `${rank.rank}/${rank.ranked}`;
  state.periods = await api("GET", `${base()}/periods`);
  const chosen = $("period-filter").value;  // refreshing the figures keeps the filter
  $("period-filter").replaceChildren($("period-filter").options[0],
    ...state.periods.map((p) => Object.assign(document.createElement("option"),
      { value: p.id, textContent: p.name })));
  $("period-filter").value = chosen;
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


async function loadBoard() {
  const [board] = await api("GET", `${base()}/boards?limit=1`);
  $("board-empty").hidden = Boolean(board);
  $("board-lists").hidden = !board;
  $("board-period").textContent = board ? board.period_name : "";
  const mine = { mine: state.household };
  $("board-red").replaceChildren(...(board ? rankLines(board.red, mine) : []));
  $("board-black").replaceChildren(...(board ? rankLines(board.black, mine) : []));
  $("board-notes").replaceChildren(...(board ? blackNotes(board) : []).map((text) =>
    Object.assign(document.createElement("p"), { textContent: text })));
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
  await loadDecisions(base());
  showBalance(statement.balance);  // the history and the figure never disagree
  $("passbook").href = `${base()}/households/${state.household}/passbook.pdf${query}`;
}

function stopCode() {
  clearInterval(state.refresh);
  clearInterval(state.poll);
}

// The code on screen is asked about every two seconds: once a till has spent it, it leaves the
// screen for 已付款, the amount and the balance it left, and the figures follow.
async function checkCode() {
  const payload = $("code").dataset.payload;
  if (!payload || $("pay").hidden) return;
  const status = await api("GET",
    `${base()}/phone-code/status?code=${encodeURIComponent(payload)}`);
  if (payload !== $("code").dataset.payload) return;  // a new code came meanwhile
  showBalance(status.balance);
  if (status.state !== "paid" && status.state !== "used") return;
  stopCode();
  $("code-box").hidden = true;
  $("code").removeAttribute("src");
  delete $("code").dataset.payload;
  $("paid").querySelector(".paid-title").textContent = t(status.state === "paid"
    ? "m.paid" : "m.used");
  $("paid-amount-line").hidden = status.state !== "paid";
  $("paid-total").textContent = status.total ?? "";
  $("paid-balance").textContent = status.balance_after ?? status.balance;
  $("paid").hidden = false;
  loadSummary();
}

async function showCode() {
  stopCode();
  $("paid").hidden = true;
  $("code-box").hidden = false;
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
    if (left > 0) return;
    clearInterval(state.refresh);
    // One last look before the code is replaced: a sale in its last seconds still shows.
    checkCode().catch(() => {}).finally(() => { if ($("paid").hidden) showCode(); });
  }, 1000);
  state.poll = setInterval(() => checkCode().catch(() => {}), POLL_MS);
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

// A refusal said in the page's own dialog (never the browser's alert()).
function tell(message) {
  return openDialog({ title: t("m.dlg.problem"), message, ok: t("m.dlg.ok"),
                      cancel: t("m.dlg.cancel") });
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
        await tell(error.message);
      }
    });
    li.append(button);
    return li;
  });
  $("activity-list").replaceChildren(...items);
  $("activities-empty").hidden = items.length > 0;
}

const TABS = {
  home: loadHome, history: loadHistory, pay: showCode, shop: loadShop,
  notice: () => loadNotice(base(), state.household),
  activities: loadActivities,
};

async function openTab(name) {
  stopCode();
  state.tab = name;
  document.body.dataset.tab = name;
  for (const button of document.querySelectorAll("nav button")) {
    button.classList.toggle("active", button.dataset.tab === name);
  }
  for (const section of document.querySelectorAll(".tab")) section.hidden = section.id !== name;
  await TABS[name]();
}

// A PIN someone else chose (the PIN letter, a committee reset) is replaced before anything else:
// the PIN form alone is shown until the new PIN is saved.
function newPinFirst() {
  const form = $("pin-form");
  $("pin-first").append(form);
  $("pin-first").hidden = false;
  return new Promise((resolve) => {
    state.afterPin = () => {
      $("pin-change").append(form);
      $("pin-first").hidden = true;
      resolve();
    };
  });
}

async function start(user) {
  const grant = user.grants.find((g) => g.role === "villager");
  if (!grant) throw new ApiError(403, { detail: t("m.pinOnly") });
  state.village = grant.village_id;
  state.household = grant.household_id;
  $("login").hidden = true;
  $("logout").hidden = false;
  if (user.must_change_pin) await newPinFirst();
  $("app").hidden = false;
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
// The notice sheet's and the PIN letter's QR codes open me.html?village=XHX: the village is
// filled in and fixed (nobody retypes what the letter already says); "another village" frees it.
const village = new URLSearchParams(location.search).get("village");
const villageInput = document.querySelector("#login input[name=village]");
if (village) {
  villageInput.value = village;
  villageInput.readOnly = true;
  $("village-fixed").hidden = false;
}
$("village-change").addEventListener("click", (event) => {
  event.preventDefault();
  villageInput.readOnly = false;
  villageInput.value = "";
  $("village-fixed").hidden = true;
  villageInput.focus();
});
setElder(Boolean(localStorage.getItem(ELDER)));
$("lang").addEventListener("click", toggleLanguage);
$("fresh-code").addEventListener("click", () => showCode());
// Back from another app (the phone was in a pocket): the figures, and the code's fate, anew.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible" || !state.household) return;
  loadSummary();
  if (state.tab === "pay") checkCode().catch(() => {});
});
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
    if (state.afterPin) {
      const go = state.afterPin;
      state.afterPin = null;
      go();
    }
  } catch (error) {
    message.textContent = error.message;
  }
});
openSession(start, {
  send: (form) => api("POST", "/api/v1/auth/household-login", {
    village: form.get("village"), number: form.get("number"), pin: form.get("pin"),
  }),
});
