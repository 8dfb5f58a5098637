// The full-screen box of the pages at the counter (shop, check-in), built once here instead of
// copied into each page's HTML: a big title, a line under it, and an OK button. A refusal
// (refusal.js) and the shop's "兑换成功" use it; the next scan's Enter presses OK.
import { $, el } from "./dom.js";
import { t } from "./i18n.js";

const box = el("div", { id: "overlay", className: "overlay", hidden: true },
  el("div", { className: "box" },
    el("h2", { id: "o-title" }),
    el("p", { id: "o-detail" }),
    el("button", { id: "o-ok", className: "primary", type: "button", textContent: t("ok") })));
box.querySelector("#o-ok").dataset.i18n = "ok";
document.body.append(box);

// `kind` is the box's colour class: "refusal" (red) or "success" (green).
export function showBox(kind, title, detail) {
  box.className = `overlay ${kind}`;
  $("o-title").textContent = title;
  $("o-detail").textContent = detail;
  box.hidden = false;
  $("o-ok").focus();
}

export function closeBox() {
  box.hidden = true;
}

// What the page does once OK closed the box (the shop and check-in put the focus back on the
// scanner's field).
export function onBoxClosed(then) {
  $("o-ok").addEventListener("click", () => {
    closeBox();
    then();
  });
}
