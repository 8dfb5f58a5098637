// The villager page's list line (words, a small line under them, a signed amount) and its time
// format, shared by the page's tabs.
import { language } from "./i18n.js";

export function line(main, sub, amount) {
  const li = document.createElement("li");
  const text = document.createElement("span");
  text.textContent = main;
  if (sub) {
    const small = document.createElement("small");
    small.textContent = sub;
    text.append(small);
  }
  li.append(text);
  if (amount !== undefined) {
    const value = document.createElement("span");
    value.className = amount >= 0 ? "plus" : "minus";
    value.textContent = amount >= 0 ? `+${amount}` : `${amount}`;
    li.append(value);
  }
  return li;
}

export function when(iso) {
  return new Date(iso).toLocaleString(language(), { hour12: false });
}
