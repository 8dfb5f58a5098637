// The full-screen refusal of the pages at the counter (shop, check-in), written once: a short
// title in the page's language, the server's reason under it (Chinese on a Chinese page), and
// the OK button focused, so the next scan's Enter closes it instead of slipping past it unread.
import { ApiError } from "./api.js";
import { t } from "./i18n.js";
import { showBox } from "./overlay.js";

// `code` picks the title (the word `refusal.<code>`); a code without a word of its own gets the
// page's general one, `fallback` ("无法兑换" at the shop, "无法签到" at check-in).
export function showRefusal(code, detail, fallback = "refused") {
  const title = t(`refusal.${code}`);
  showBox("refusal", title.startsWith("refusal.") ? t(fallback) : title, detail);
}

// Whatever a page caught: the server's refusal by its code, anything else as "network".
export function refuse(error, fallback = "refused") {
  showRefusal(error instanceof ApiError ? error.code : "network", error.message, fallback);
}
