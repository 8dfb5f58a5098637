// The committee console: log in, pick a village from the user's grants, and move between the
// screens (one module each). Every screen reloads from the API when opened.
import { ApiError, api, openSession } from "../api.js";
import { extend, t, toggleLanguage, translatePage } from "../i18n.js";
import * as board from "./board.js";
import * as cross from "./cross.js";
import * as dashboard from "./dashboard.js";
import * as activities from "./activities.js";
import * as audit from "./audit.js";
import * as grid from "./grid.js";
import * as held from "./held.js";
import * as history from "./history.js";
import * as householdsScreen from "./households.js";
import * as ledger from "./ledger.js";
import * as objections from "./objections.js";
import * as rules from "./rules.js";
import { $, el, guard, households, loadPeriods, showError, state } from "./shared.js";
import * as shop from "./shop.js";
import { TEXT } from "./text.js";
import * as town from "./town.js";
import * as users from "./users.js";
import * as verify from "./verify.js";

extend(TEXT);
const SCREENS = { dashboard, grid, verify, objections, held, cross, board,
                  households: householdsScreen, shop, rules, town, users, ledger, audit,
                  activities, history };
const VILLAGE = "jifen.console.village";

// A screen is aria-busy from the moment it is asked for until the latest request for it is drawn.
let opening = 0;
async function open(name) {
  const mine = ++opening;
  $(name).setAttribute("aria-busy", "true");
  localStorage.setItem("jifen.console.tab", name);
  for (const b of $("tabs").querySelectorAll("button")) {
    b.classList.toggle("active", b.dataset.tab === name);
  }
  for (const section of document.querySelectorAll(".screen")) section.hidden = section.id !== name;
  await guard(async () => {
    await loadPeriods();
    await SCREENS[name].show();
  });
  if (mine === opening) $(name).setAttribute("aria-busy", "false");
}

// A grid officer whose account names no grid (made before grids were required) reads no
// household: the server fails closed, and the console says why and who can change it.
function withoutGrid(user, village) {
  const here = user.grants.filter((g) => g.village_id === village);
  return here.length > 0 && here.every((g) => g.role === "grid_officer" || g.role === "villager")
    && here.some((g) => g.role === "grid_officer")
    && !here.some((g) => g.role === "grid_officer" && g.grid_id);
}

async function chooseVillage(id, screen = null) {
  state.village = Number(id);
  localStorage.setItem(VILLAGE, id);
  $("no-grid").hidden = !withoutGrid(state.user, state.village);
  const all = await households();
  state.numbers = new Map(all.map((h) => [h.id, h.number]));
  state.households = new Map(all.map((h) => [h.id, h]));
  await open(screen || localStorage.getItem("jifen.console.tab") || "dashboard");
}

async function start(user) {
  state.user = user;
  const villages = await api("GET", "/api/v1/villages");
  if (!villages.length) throw new ApiError(403, { detail: t("c.noVillage") });
  $("login").hidden = true;
  $("logout").hidden = false;
  $("who").textContent = user.display_name || user.username;
  $("tabs").querySelector("[data-tab=town]").hidden = !town.townOf(user);
  const pick = $("village");
  pick.replaceChildren(...villages.map((v) => el("option", { value: v.id, textContent: v.name })));
  pick.hidden = villages.length < 2;
  const saved = localStorage.getItem(VILLAGE);
  pick.value = villages.some((v) => String(v.id) === saved) ? saved : String(villages[0].id);
  // A town admin lands on the township dashboard, whatever village screen was open last.
  await chooseVillage(pick.value, town.townOf(user) ? "town" : null);
  // Shown only once the first screen is drawn, so nothing typed or clicked is overtaken by it.
  $("app").hidden = false;
}

translatePage();
$("lang").addEventListener("click", toggleLanguage);
$("village").addEventListener("change", (event) => guard(() => chooseVillage(event.target.value)));
for (const b of $("tabs").querySelectorAll("button")) {
  b.addEventListener("click", () => open(b.dataset.tab));
}
dashboard.wire(() => open("dashboard"));
grid.wire();
board.wire();
cross.wire();
householdsScreen.wire();
rules.wire();
users.wire();
verify.wire(guard);
ledger.wire(guard);
audit.wire(guard);
history.wire(guard);
activities.wire(guard);
town.wire(guard);
openSession(start, { show: showError });
