// The supermarket from the committee's side: the catalogue with stock, restocking (with the
// donor, if any), adding a product, and the settlement sheet of a chosen month.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { $, base, button, el } from "./shared.js";

function restockForm(shop, product) {
  const quantity = el("input", { type: "number", min: "1", name: "quantity" });
  const donor = el("input", { name: "donor" });
  quantity.placeholder = t("c.quantity");
  donor.placeholder = t("c.donor");
  return [quantity, donor, button("c.restock", async () => {
    await api("POST", `${base()}/shops/${shop.id}/products/${product.id}/restock`,
      { quantity: Number(quantity.value), donor: donor.value });
    await show();
  })];
}

function thisMonth() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
}

// Every shop's settlement link follows the month picker.
function settlementLinks() {
  const [year, month] = ($("settlement-month").value || thisMonth()).split("-").map(Number);
  for (const link of document.querySelectorAll("#shop-list a.settlement")) {
    link.href = `${base()}/shops/${link.dataset.shop}/settlement?year=${year}&month=${month}`;
  }
}

export async function show() {
  const shops = await api("GET", `${base()}/shops`);
  const picker = el("input", { type: "month", id: "settlement-month", value: thisMonth(),
                               max: thisMonth() });
  picker.addEventListener("change", settlementLinks);
  const blocks = [el("label", { className: "inline" }, t("c.settlementMonth"), " ", picker)];
  for (const shop of shops) {
    const products = await api("GET", `${base()}/shops/${shop.id}/products`);
    const link = el("a", { className: "settlement", textContent: t("c.settlement") });
    link.dataset.shop = shop.id;
    blocks.push(el("h3", {}, shop.name, " ", link));
    blocks.push(el("table", { className: "sheet" },
      el("tr", {}, ...["c.product", "c.price", "stock", ""].map((k) => el("th", { textContent: k && t(k) }))),
      ...products.map((p) => el("tr", { id: `product-${p.id}` },
        el("td", { textContent: p.name }), el("td", { textContent: String(p.price) }),
        el("td", { className: "stock", textContent: `${p.stock}${p.unit}` }),
        el("td", {}, ...restockForm(shop, p))))));
    const name = el("input", { name: "name" });
    const price = el("input", { type: "number", min: "1", name: "price" });
    name.placeholder = t("c.product");
    price.placeholder = t("c.price");
    blocks.push(el("p", { className: "inline" }, name, price, button("c.addProduct", async () => {
      await api("POST", `${base()}/shops/${shop.id}/products`,
        { name: name.value, price: Number(price.value) });
      await show();
    })));
  }
  $("shop-list").replaceChildren(...blocks);
  settlementLinks();
}
