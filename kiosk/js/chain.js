// What a passbook's QR opens: the link of the village's hash chain printed on the paper,
// compared with the one the ledger holds now.
import { api } from "./api.js";
import { $ } from "./dom.js";
import { extend, t, translatePage } from "./i18n.js";
import { TEXT } from "./chain-text.js";

extend(TEXT);
translatePage();
const query = new URLSearchParams(location.search);
const [village, seq, printed] = ["village", "seq", "hash"].map((k) => query.get(k) || "");
$("seq").textContent = seq;
$("printed").textContent = printed;
try {
  const link = await api("GET",
    `/api/v1/public/villages/${encodeURIComponent(village)}/chain/${encodeURIComponent(seq)}`);
  $("village").textContent = link.village_name;
  $("actual").textContent = link.hash;
  $("head-seq").textContent = link.head_seq;
  $("verdict").textContent = link.hash === printed ? t("c.same") : t("c.different");
  $("verdict").dataset.same = String(link.hash === printed);
} catch (error) {
  $("verdict").textContent = error.status === 404 ? t("c.missing") : error.message;
  $("verdict").dataset.same = "false";
}
