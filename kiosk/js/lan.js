// The certificate page (kiosk/lan.html): the local authority's name and fingerprint, and the
// HTTPS addresses to open once the certificate is trusted. Served over plain HTTP too.
import { api } from "./api.js";
import { TEXT } from "./lan-text.js";
import { extend, toggleLanguage, translatePage } from "./i18n.js";

extend(TEXT);
translatePage();
document.getElementById("lang").addEventListener("click", toggleLanguage);

function link(id, href) {
  const a = document.getElementById(id);
  a.href = href;
  a.textContent = href;
}

try {
  const ca = await api("GET", "/lan/ca.json");
  document.getElementById("ca-name").textContent = ca.name;
  document.getElementById("fingerprint").textContent = ca.fingerprint;
  const base = `https://${location.hostname}:${ca.https_port}`;
  link("kiosk", `${base}/shop.html`);
  link("villager", `${base}/me.html`);
} catch (error) {
  const failure = document.getElementById("failure");
  failure.textContent = error.message;
  failure.hidden = false;
  document.getElementById("download").hidden = true;
}
