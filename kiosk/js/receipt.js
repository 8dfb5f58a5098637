// The 58 mm receipt of one sale. A module of its own (not inline) so the pages' CSP can be
// script-src 'self'; the page's words stay in receipt.html.
import { api } from "/js/api.js";
import { $ as byId, villagePath } from "/js/dom.js";

const q = new URLSearchParams(location.search);
byId("print").addEventListener("click", () => print());
const r = await api("GET", `${villagePath(q.get("village"))}/shops/${q.get("shop")}/redemptions/${q.get("id")}`);
byId("shop").textContent = r.shop_name;
byId("no").textContent = r.receipt_no;
byId("time").textContent = new Date(r.created_at).toLocaleString("zh-CN", { hour12: false });
byId("who").textContent = `${r.household_number} ${r.head_name}`;
for (const line of r.lines) {
  const tr = document.createElement("tr");
  tr.innerHTML = "<td></td><td class=n></td><td class=n></td>";
  tr.children[0].textContent = line.name;
  tr.children[1].textContent = `×${line.quantity}`;
  tr.children[2].textContent = line.subtotal;
  byId("lines").append(tr);
}
byId("total").textContent = r.total;
const after = byId("after");
after.textContent = r.status === "voided" ? after.dataset.voided : r.balance_after;
byId("clerk").textContent = r.shopkeeper;
