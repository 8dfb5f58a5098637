// Households and their cards: search, reissue a lost card (the old one stops working), set a
// new PIN for a household that forgot theirs (no old PIN needed: the committee's right, audited),
// and the printable sheet of every card.
import { api } from "../api.js";
import { t, tf } from "../i18n.js";
import { $, ask, base, button, el, guard } from "./shared.js";

async function search(q) {
  const page = await api("GET", `${base()}/households?page_size=100&q=${encodeURIComponent(q)}`);
  $("household-list").replaceChildren(
    el("tr", {}, ...["household", "head", "c.address", "c.card"].map(
      (k) => el("th", { textContent: t(k) }))),
    ...page.items.map((h) => el("tr", {},
      el("td", { textContent: h.number }), el("td", { textContent: h.head_name }),
      el("td", { textContent: h.address }),
      el("td", {}, button("c.reissue", async () => {
        const done = await ask("c.reissueTitle", {
          message: `${h.number} ${h.head_name}：${t("c.reissueConfirm")}`, ok: "c.reissue",
          danger: true,
          onSubmit: () => api("POST", `${base()}/households/${h.id}/card/reissue`),
        });
        if (done) $("household-list").querySelector(`#card-${h.id}`).textContent = t("c.reissued");
      }), button("c.resetPin", async () => {
        const done = await ask("c.pinTitle", {
          message: tf("c.pinFor", { number: h.number, head: h.head_name }),
          fields: [{ name: "pin", label: "c.newPin", type: "password", inputmode: "numeric",
                     autocomplete: "off", maxLength: 6 }],
          onSubmit: ({ pin }) => api("PUT", `${base()}/households/${h.id}/card/pin`, { pin }),
        });
        if (done) $("household-list").querySelector(`#card-${h.id}`).textContent = t("c.pinReset");
      }), el("span", { id: `card-${h.id}` })))));
}

export async function show() {
  $("cards-pdf").href = `${base()}/cards.pdf`;
  await search($("household-search").q.value);
}

export function wire() {
  $("household-search").addEventListener("submit", (event) => guard(async () => {
    event.preventDefault();
    await search(event.target.q.value);
  }));
}
