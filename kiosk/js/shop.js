// The shop kiosk: log in, scan a household (scanner or camera), fill the cart, confirm once,
// show the receipt, void the last sale. Every refusal fills the screen with its Chinese reason.
import { ApiError, api, openSession, pending, sendOnce } from "./api.js";
import { t, toggleLanguage, translatePage } from "./i18n.js";
import { refuse } from "./refusal.js";
import { attachCameraButton, attachWedge } from "./scan.js";

const $ = (id) => document.getElementById(id);
const state = { village: null, shop: null, products: [], cart: new Map(), code: null,
                customer: null, last: null };

function base() {
  return `/api/v1/villages/${state.village}/shops/${state.shop}`;
}

function money(n) {
  return `${n} ${t("points")}`;
}

function renderProducts() {
  const grid = $("products");
  grid.replaceChildren();
  for (const product of state.products) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "card product";
    button.dataset.productId = product.id;
    button.disabled = product.stock === 0;
    if (product.has_picture) {
      const img = document.createElement("img");
      img.alt = "";
      img.src = `${base()}/products/${product.id}/picture`;
      button.append(img);
    }
    for (const [cls, text] of [["name", product.name], ["price", money(product.price)],
      ["stock", `${t("stock")} ${product.stock}${product.unit}`]]) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      button.append(span);
    }
    button.addEventListener("click", () => addToCart(product.id));
    grid.append(button);
  }
}

function total() {
  let sum = 0;
  for (const [id, quantity] of state.cart) {
    sum += state.products.find((p) => p.id === id).price * quantity;
  }
  return sum;
}

function renderCart() {
  const list = $("cart");
  list.replaceChildren();
  for (const [id, quantity] of state.cart) {
    const product = state.products.find((p) => p.id === id);
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = `${product.name} × ${quantity}`;
    const minus = document.createElement("button");
    minus.type = "button";
    minus.textContent = "−";
    minus.setAttribute("aria-label", `remove ${product.name}`);
    minus.addEventListener("click", () => {
      if (quantity <= 1) state.cart.delete(id); else state.cart.set(id, quantity - 1);
      renderCart();
    });
    li.append(label, minus);
    list.append(li);
  }
  $("total").textContent = money(total());
  const threshold = state.customer && state.customer.pin_needed_above;
  $("pin-row").hidden = !(threshold && total() > threshold);
  const short = state.customer && total() > state.customer.balance;
  $("total").classList.toggle("short", Boolean(short));
  $("status").textContent = short ? `${t("refusal.insufficient_points")}（${t("balance")} ${
    state.customer.balance}）` : "";
  $("confirm").disabled = !state.customer || state.cart.size === 0 || short;
}

function addToCart(id) {
  state.cart.set(id, (state.cart.get(id) || 0) + 1);
  renderCart();
}

function showCustomer(customer) {
  state.customer = customer;
  $("customer").hidden = false;
  $("c-head").textContent = customer.head_name;
  $("c-number").textContent = customer.number;
  $("c-balance").textContent = customer.balance;
  $("c-daily").textContent = customer.daily_remaining === null ? t("unlimited")
    : money(customer.daily_remaining);
  renderCart();
}

async function onCode(code) {
  try {
    const customer = await api("POST", `${base()}/scan`, { code });
    state.code = code;
    showCustomer(customer);
  } catch (error) {
    refuse(error);
  }
}

function showReceipt(receipt) {
  state.last = receipt;
  $("last").hidden = false;
  $("r-no").textContent = receipt.receipt_no;
  $("r-balance").textContent = receipt.status === "voided" ? t("voided")
    : money(receipt.balance_after);
  $("r-print").href = `/receipt.html?village=${state.village}&shop=${state.shop}&id=${receipt.id}`;
  $("void").disabled = receipt.status === "voided";
}

async function finishSale(promise) {
  $("confirm").disabled = true;
  try {
    const receipt = await promise;
    $("status").textContent = "";
    showReceipt(receipt);
    $("overlay").className = "overlay success";
    $("o-title").textContent = t("success");
    $("o-detail").textContent = `${t("balanceAfter")}: ${money(receipt.balance_after)}`;
    $("overlay").hidden = false;
    state.cart.clear();
    state.customer = null;
    state.code = null;
    $("customer").hidden = true;
    $("pin").value = "";
    await loadProducts();
  } catch (error) {
    $("status").textContent = "";
    refuse(error);
  }
  renderCart();
}

function confirmSale() {
  const body = {
    code: state.code,
    lines: [...state.cart].map(([product_id, quantity]) => ({ product_id, quantity })),
  };
  const secret = !$("pin-row").hidden && $("pin").value ? { pin: $("pin").value } : {};
  return finishSale(sendOnce("sale", "POST", `${base()}/redemptions`, body, {
    secret, onRetry: () => { $("status").textContent = t("retrying"); },
  }));
}

async function voidLast() {
  const reason = prompt(t("voidReason"));
  if (!reason) return;
  try {
    showReceipt(await api("POST", `${base()}/redemptions/${state.last.id}/void`, { reason }));
    await loadProducts();
  } catch (error) {
    refuse(error);
  }
}

async function loadProducts() {
  state.products = await api("GET", `${base()}/products`);
  renderProducts();
}

async function start(user) {
  const grant = user.grants.find((g) => g.role === "shopkeeper")
    || user.grants.find((g) => g.role === "committee");
  if (!grant) throw new ApiError(403, { detail: "需要超市管理员账号。", code: "forbidden" });
  state.village = grant.village_id;
  state.shop = grant.shop_id
    || (await api("GET", `/api/v1/villages/${state.village}/shops`))[0].id;
  $("who").textContent = user.username;
  $("login").hidden = true;
  $("till").hidden = false;
  $("logout").hidden = false;
  await loadProducts();
  renderCart();
  $("scan").focus();
  const unfinished = pending("sale");
  if (unfinished) {
    await finishSale(sendOnce("sale", unfinished.method, unfinished.path, unfinished.body));
  }
}

function wire() {
  translatePage();
  $("lang").addEventListener("click", toggleLanguage);
  $("o-ok").addEventListener("click", () => { $("overlay").hidden = true; $("scan").focus(); });
  $("confirm").addEventListener("click", confirmSale);
  $("clear").addEventListener("click", () => { state.cart.clear(); renderCart(); });
  $("void").addEventListener("click", voidLast);
  attachWedge($("scan"), onCode);
  attachCameraButton($("camera"), $("video"), onCode, refuse,
    { start: t("camera"), stop: t("stopCamera") });
}

wire();
openSession(start);
