// The shop kiosk: log in, scan a household (scanner or camera), fill the cart, confirm once,
// show the receipt, void a sale from today's list. One customer at a time: every scan, good or
// refused, ends the one before (their cart is cleared, with a notice), a scan made while a box
// is open closes the box first, and a refusal fills the screen with its Chinese reason.
import { ApiError, api, openSession, pending, sendOnce } from "./api.js";
import { $, villagePath } from "./dom.js";
import { extend, t, tf, toggleLanguage, translatePage } from "./i18n.js";
import { closeBox, onBoxClosed, showBox } from "./overlay.js";
import { refuse } from "./refusal.js";
import { attachCameraButton, attachWedge } from "./scan.js";
import { TEXT } from "./shop-text.js";
import { askVoidReason, todayList } from "./shop-today.js";

extend(TEXT);
// `cartFor`: the household the cart's items were picked for (null: picked before any scan).
// `scans` counts scans, so an answer to an earlier one never lands on a later customer.
const state = { village: null, shop: null, products: [], cart: new Map(), cartFor: null,
                code: null, customer: null, last: null, scans: 0 };

function base() {
  return `${villagePath(state.village)}/shops/${state.shop}`;
}

function receiptUrl(id) {
  return `/receipt.html?village=${state.village}&shop=${state.shop}&id=${id}`;
}

const today = todayList({ base, receiptUrl, onVoid: voidSale });

function money(n) {
  return `${n} ${t("points")}`;
}

function productOf(id) {
  return state.products.find((p) => p.id === id);
}

function total() {
  let sum = 0;
  for (const [id, quantity] of state.cart) sum += productOf(id).price * quantity;
  return sum;
}

// What stops one more of `product` going into the cart, in words; "" if nothing does.
function blocker(product) {
  const inCart = state.cart.get(product.id) || 0;
  if (inCart >= product.stock) return t("sh.outOfStock");
  const customer = state.customer;
  if (!customer) return "";
  const allowance = customer.allowances.find((a) => a.product_id === product.id);
  if (allowance && allowance.remaining !== null && inCart >= allowance.remaining) {
    return t("sh.limitReached");
  }
  if (customer.daily_remaining !== null && total() + product.price > customer.daily_remaining) {
    return t("sh.overDaily");
  }
  if (total() + product.price > customer.balance) return t("sh.overBalance");
  return "";
}

// The product buttons are built once per product list and then only updated: a button
// rebuilt between the press and the release of a tap (the scan's answer arriving, the cart
// changing) would swallow the tap.
const buttons = new Map();

function buildProducts() {
  buttons.clear();
  $("products").replaceChildren(...state.products.map((product) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "card product";
    button.dataset.productId = product.id;
    if (product.has_picture) {
      const img = document.createElement("img");
      img.alt = "";
      img.src = `${base()}/products/${product.id}/picture`;
      button.append(img);
    }
    for (const [cls, text] of [["name", product.name], ["price", money(product.price)],
      ["stock", `${t("stock")} ${product.stock}${product.unit}`], ["limit", ""]]) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      button.append(span);
    }
    button.addEventListener("click", () => addToCart(product.id));
    buttons.set(product.id, button);
    return button;
  }));
}

function renderProducts() {
  for (const product of state.products) {
    const button = buttons.get(product.id);
    const allowance = state.customer
      && state.customer.allowances.find((a) => a.product_id === product.id);
    const stop = blocker(product);
    const limit = button.querySelector(".limit");
    limit.hidden = !(allowance || stop);
    limit.classList.toggle("over", Boolean(stop));
    limit.textContent = stop || (allowance ? tf("sh.limitLeft", {
      n: allowance.remaining - (state.cart.get(product.id) || 0), unit: product.unit }) : "");
    button.disabled = Boolean(stop);
  }
}

function renderCart() {
  const list = $("cart");
  list.replaceChildren();
  for (const [id, quantity] of state.cart) {
    const product = productOf(id);
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
  renderProducts();
}

function addToCart(id) {
  state.cart.set(id, (state.cart.get(id) || 0) + 1);
  if (state.customer) state.cartFor = state.customer.household_id;
  notice("");
  renderCart();
}

function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}

// Whoever was at the counter is gone: no household, no confirm, the last sale's panel put away,
// and a cart picked for them cleared (saying so).
function endCustomer() {
  const theirs = state.cart.size > 0 && state.cartFor !== null;
  state.customer = null;
  state.code = null;
  $("customer").hidden = true;
  $("pin").value = "";
  $("last").hidden = true;
  if (theirs) {
    state.cart.clear();
    state.cartFor = null;
  }
  notice(theirs ? t("sh.cartCleared") : "");
  renderCart();
}

function showBalance(balance) {
  state.customer.balance = balance;
  $("c-balance").textContent = balance;
}

function showCustomer(customer) {
  state.customer = customer;
  if (state.cart.size > 0) state.cartFor = customer.household_id;
  $("customer").hidden = false;
  $("c-head").textContent = customer.head_name;
  $("c-number").textContent = customer.number;
  showBalance(customer.balance);
  $("c-daily").textContent = customer.daily_remaining === null ? t("unlimited")
    : money(customer.daily_remaining);
  const limits = $("c-limits");
  limits.replaceChildren();
  for (const allowance of customer.allowances) {
    const product = productOf(allowance.product_id);
    if (!product) continue;
    const li = document.createElement("li");
    li.textContent = `${product.name}：${tf("sh.limitLeft", {
      n: allowance.remaining, unit: product.unit })}`;
    limits.append(li);
  }
  limits.hidden = $("c-limits-label").hidden = limits.children.length === 0;
  renderCart();
}

async function onCode(code) {
  closeBox();
  endCustomer();
  const scan = ++state.scans;
  try {
    const customer = await api("POST", `${base()}/scan`, { code });
    if (scan !== state.scans) return;
    state.code = code;
    showCustomer(customer);
  } catch (error) {
    if (scan === state.scans) refuse(error);
  }
}

function showReceipt(receipt) {
  const voided = receipt.status === "voided";
  state.last = receipt;
  $("last").hidden = false;
  $("last").classList.toggle("voided", voided);
  $("r-title").textContent = voided ? t("voided") : t("success");
  $("r-no").textContent = receipt.receipt_no;
  $("r-balance-label").textContent = voided ? t("sh.balanceAfterVoid") : t("balanceAfter");
  $("r-balance").textContent = money(voided ? receipt.balance_after_void : receipt.balance_after);
  $("r-refund").hidden = !voided;
  $("r-refund").textContent = tf("sh.refunded", { points: receipt.total });
  $("r-print").href = receiptUrl(receipt.id);
  $("void").hidden = voided;
}

// A refusal of a sale may tell the household's balance or today's spending as they are now:
// the till shows those at once; a changed price or stock is read again.
async function learnFrom(error) {
  if (!(error instanceof ApiError)) return;
  const problem = error.problem;
  if (state.customer && Number.isInteger(problem.balance)) showBalance(problem.balance);
  if (state.customer && Number.isInteger(problem.cap) && Number.isInteger(problem.spent)) {
    state.customer.daily_remaining = Math.max(problem.cap - problem.spent, 0);
    $("c-daily").textContent = money(state.customer.daily_remaining);
  }
  if (["price_changed", "out_of_stock", "product_unavailable"].includes(error.code)) {
    await loadProducts();
    for (const id of [...state.cart.keys()]) if (!productOf(id)) state.cart.delete(id);
  }
}

async function finishSale(promise) {
  $("confirm").disabled = true;
  try {
    const receipt = await promise;
    $("status").textContent = "";
    notice("");
    state.cart.clear();
    state.cartFor = null;
    state.customer = null;
    state.code = null;
    $("customer").hidden = true;
    $("pin").value = "";
    showReceipt(receipt);
    showBox("success", t("success"), `${t("balanceAfter")}: ${money(receipt.balance_after)}`);
    await Promise.all([loadProducts(), today.load()]);
  } catch (error) {
    $("status").textContent = "";
    refuse(error);
    await learnFrom(error);
  }
  renderCart();
}

function confirmSale() {
  const body = {
    code: state.code,
    lines: [...state.cart].map(([product_id, quantity]) => ({
      product_id, quantity, price: productOf(product_id).price })),
  };
  const secret = !$("pin-row").hidden && $("pin").value ? { pin: $("pin").value } : {};
  return finishSale(sendOnce("sale", "POST", `${base()}/redemptions`, body, {
    secret, onRetry: () => { $("status").textContent = t("retrying"); },
  }));
}

async function finishVoid(promise) {
  try {
    const receipt = await promise;
    $("status").textContent = "";
    if (state.last && state.last.id === receipt.id) showReceipt(receipt);
    showBox("success", t("voided"), `${tf("sh.refunded", { points: receipt.total })}，${
      t("sh.balanceAfterVoid")}: ${money(receipt.balance_after_void)}`);
    await Promise.all([loadProducts(), today.load()]);
  } catch (error) {
    $("status").textContent = "";
    refuse(error);
  }
}

async function voidSale(sale) {
  const reason = await askVoidReason(sale);
  if (!reason) return;
  await finishVoid(sendOnce("void", "POST", `${base()}/redemptions/${sale.id}/void`, { reason }, {
    onRetry: () => { $("status").textContent = t("retrying"); },
  }));
}

function voidLast() {
  const last = state.last;
  return voidSale({ id: last.id, receipt_no: last.receipt_no, head_name: last.head_name,
                    household_number: last.household_number, total: last.total });
}

async function loadProducts() {
  state.products = await api("GET", `${base()}/products`);
  buildProducts();
  renderProducts();
}

async function start(user) {
  const grant = user.grants.find((g) => g.role === "shopkeeper")
    || user.grants.find((g) => g.role === "committee");
  if (!grant) throw new ApiError(403, { detail: t("sh.notShopkeeper"), code: "forbidden" });
  state.village = grant.village_id;
  state.shop = grant.shop_id
    || (await api("GET", `${villagePath(state.village)}/shops`))[0].id;
  $("who").textContent = user.display_name || user.username;
  $("login").hidden = true;
  $("till").hidden = false;
  $("logout").hidden = false;
  await Promise.all([loadProducts(), today.load()]);
  renderCart();
  $("scan").focus();
  const sale = pending("sale");
  if (sale) await finishSale(sendOnce("sale", sale.method, sale.path, sale.body));
  const voiding = pending("void");
  if (voiding) await finishVoid(sendOnce("void", voiding.method, voiding.path, voiding.body));
}

function wire() {
  translatePage();
  $("lang").addEventListener("click", toggleLanguage);
  onBoxClosed(() => $("scan").focus());
  $("confirm").addEventListener("click", confirmSale);
  $("clear").addEventListener("click", () => { state.cart.clear(); notice(""); renderCart(); });
  $("void").addEventListener("click", voidLast);
  attachWedge($("scan"), onCode);
  attachCameraButton($("camera"), $("video"), onCode, refuse,
    { start: t("camera"), stop: t("stopCamera") });
}

wire();
openSession(start);
