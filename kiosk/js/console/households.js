// Households and their cards: search, reissue a lost card (the old one stops working), set a
// new PIN for a household that forgot theirs (no old PIN needed: the committee's right, audited),
// and the printable sheet of every card.
import { api } from "../api.js";
import { t } from "../i18n.js";
import * as passbooks from "./passbooks.js";
import { $, base, button, el, guard } from "./shared.js";

async function search(q) {
  const page = await api("GET", `${base()}/households?page_size=100&q=${encodeURIComponent(q)}`);
  $("household-list").replaceChildren(
    el("tr", {}, ...["household", "head", "c.address", "c.card"].map(
      (k) => el("th", { textContent: t(k) }))),
    ...page.items.map((h) => el("tr", {},
      el("td", { textContent: h.number }), el("td", { textContent: h.head_name }),
      el("td", { textContent: h.address }),
      el("td", {}, button("c.reissue", async () => {
        if (!confirm(t("c.reissueConfirm"))) return;
        await api("POST", `${base()}/households/${h.id}/card/reissue`);
        $("household-list").querySelector(`#card-${h.id}`).textContent = t("c.reissued");
      }), button("c.resetPin", async () => {
        const pin = prompt(t("c.newPin"));
        if (!pin) return;
        await api("PUT", `${base()}/households/${h.id}/card/pin`, { pin });
        $("household-list").querySelector(`#card-${h.id}`).textContent = t("c.pinReset");
      }), el("span", { id: `card-${h.id}` })))));
}

export async function show() {
  $("cards-pdf").href = `${base()}/cards.pdf`;
  await search($("household-search").q.value);
  await passbooks.show();
}

export function wire() {
  passbooks.wire();
  $("household-search").addEventListener("submit", (event) => guard(async () => {
    event.preventDefault();
    await search(event.target.q.value);
  }));
}
