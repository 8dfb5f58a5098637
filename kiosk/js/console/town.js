// The township dashboard (town admins, who land here): every village of the town side by side,
// each with the small bar chart the server draws (points issued, redeemed, stock value). A month
// can be chosen: the flows (issued, redeemed, taking part) are then that month's; the states
// (open objections, stock) are always today's.
import { api } from "../api.js";
import { extend, t, tf } from "../i18n.js";
import { $, el, state } from "./shared.js";
import { TOWN_TEXT } from "./town-text.js";

extend(TOWN_TEXT);

const FIGURES = ["participating", "issued", "redeemed", "open_objections", "stock_value"];
const MONTHS_BACK = 24;

export function townOf(user) {
  const grant = user.grants.find((g) => g.role === "town_admin");
  return grant ? grant.town_id : null;
}

function monthName(value) {
  const [year, month] = value.split("-");
  return tf("c.town.monthName", { year, month: Number(month) });
}

// This month and the ones before it, newest first, after "all months".
function fillMonths() {
  const pick = $("town-month");
  const chosen = pick.value;
  const today = new Date();
  const months = Array.from({ length: MONTHS_BACK }, (_, n) => {
    const d = new Date(today.getFullYear(), today.getMonth() - n, 1);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
  });
  pick.replaceChildren(el("option", { value: "", textContent: t("c.town.allTime") }),
    ...months.map((m) => el("option", { value: m, textContent: monthName(m) })));
  pick.value = chosen;
}

export async function show() {
  const town = townOf(state.user);
  if (!town) return;
  fillMonths();
  const chosen = $("town-month").value;
  const query = chosen ? `?year=${Number(chosen.slice(0, 4))}&month=${Number(chosen.slice(5))}` : "";
  const answer = await api("GET", `/api/v1/towns/${town}/dashboard${query}`);
  $("town-flows").textContent = tf("c.town.flowsOf",
    { when: chosen ? monthName(chosen) : t("c.town.allTime") });
  $("town-villages").replaceChildren(...answer.villages.map((v) => {
    const chart = el("div", { className: "chart" });
    // The SVG is the server's own drawing; labels in it are escaped there.
    chart.innerHTML = v.chart_svg;
    return el("div", { className: "village card", id: `town-village-${v.village_id}` },
      el("h3", { textContent: v.name }),
      el("dl", {}, ...FIGURES.flatMap((key) => [
        el("dt", { textContent: t(`c.town.${key}`) }),
        el("dd", { className: key, textContent: key === "participating"
          ? `${v.participating}/${v.households}` : String(v[key]) })])),
      chart);
  }));
}

export function wire(guard) {
  $("town-month").addEventListener("change", () => guard(show));
}
