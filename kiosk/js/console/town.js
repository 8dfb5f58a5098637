// The township dashboard (town admins): every village of the town side by side, each with the
// small bar chart the server draws (points issued, redeemed, stock value).
import { api } from "../api.js";
import { t } from "../i18n.js";
import { $, el, state } from "./shared.js";

const FIGURES = ["participating", "issued", "redeemed", "open_objections", "stock_value"];

export function townOf(user) {
  const grant = user.grants.find((g) => g.role === "town_admin");
  return grant ? grant.town_id : null;
}

export async function show() {
  const town = townOf(state.user);
  if (!town) return;
  const answer = await api("GET", `/api/v1/towns/${town}/dashboard`);
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
