// What the board screen adds for the village's own notice board and hall screen: a warning when
// printed QR codes would open a loopback address (JIFEN_PUBLIC_URL unset on the village PC), the
// notice sheet (公示表) of a period on notice, and the hall screen's full-name link (made once,
// shown once, revocable).
import { api } from "../api.js";
import { extend, t, tf } from "../i18n.js";
import { TEXT } from "./publicity-text.js";
import { $, base, button, el, state } from "./shared.js";

extend(TEXT);

export async function show() {
  const where = await api("GET", `${base()}/public-url`);
  $("public-url-warning").textContent = where.warn ? tf("c.pub.loopback", { url: where.url }) : "";
  $("public-url-warning").hidden = !where.warn;
  const onNotice = state.periods.find((p) => p.state === "notice");
  const sheets = onNotice ? ["a4", "a3"].map((size) => el("a", {
    href: `${base()}/periods/${onNotice.id}/notice-sheet.pdf?size=${size}`, download: "",
    textContent: tf("c.pub.sheet", { period: onNotice.name, size: size.toUpperCase() }) }))
    : [];
  $("notice-sheets").replaceChildren(...sheets.flatMap((a) => [a, " "]));
  $("screen-link").replaceChildren(
    button("c.pub.makeLink", async () => {
      const link = await api("POST", `${base()}/screen-link`);
      $("screen-link-made").textContent = tf("c.pub.made",
        { url: `${where.url}${link.path}` });
    }),
    " ",
    button("c.pub.revoke", async () => {
      await api("DELETE", `${base()}/screen-link`);
      $("screen-link-made").textContent = t("c.pub.revoked");
    }));
}
