// The till's list of today's sales (this shop, newest first) and the in-page void dialog: after a
// reload the shopkeeper can still reprint a receipt or void a sale within the village's window.
import { api } from "./api.js";
import { language, t, tf } from "./i18n.js";


function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function clock(iso) {
  return new Date(iso).toLocaleTimeString(language(), { hour: "2-digit", minute: "2-digit" });
}

// `base` is the shop's API path, `receiptUrl(id)` the printable receipt, `onVoid(sale)` what the
// till does when a row's 撤销 is pressed. Returns `load()`, which (re)reads the list.
export function todayList({ base, receiptUrl, onVoid }) {
  async function load() {
    const sales = await api("GET", `${base()}/redemptions`);
    const rows = document.getElementById("today-rows");
    rows.replaceChildren();
    document.getElementById("today-empty").hidden = sales.length > 0;
    for (const sale of sales) {
      const tr = document.createElement("tr");
      tr.dataset.saleId = sale.id;
      tr.classList.toggle("voided", sale.status === "voided");
      const items = sale.items.map((i) => `${i.name}×${i.quantity}`).join("、");
      tr.append(cell(sale.receipt_no), cell(`${sale.head_name}（${sale.household_number}）`),
        cell(items), cell(String(sale.total)), cell(clock(sale.created_at)),
        cell(sale.shopkeeper));
      const actions = document.createElement("td");
      const reprint = document.createElement("a");
      reprint.href = receiptUrl(sale.id);
      reprint.target = "_blank";
      reprint.className = "reprint";
      reprint.textContent = t("sh.reprint");
      actions.append(reprint);
      if (sale.status === "voided") {
        actions.append(" ", t("voided"));
      } else if (sale.voidable) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "void";
        button.textContent = t("sh.void");
        button.addEventListener("click", () => onVoid(sale));
        actions.append(" ", button);
      }
      tr.append(actions);
      rows.append(tr);
    }
  }
  return { load };
}

// Ask why a sale is voided, in the page (a reason from the short list, or typed): resolves to
// the reason, or null when the shopkeeper cancels.
export function askVoidReason(sale) {
  const dialog = document.getElementById("void-dialog");
  const form = document.getElementById("void-form");
  const other = document.getElementById("vd-other");
  document.getElementById("vd-sale").textContent = tf("sh.voidFor", {
    receipt: sale.receipt_no, head: sale.head_name, number: sale.household_number,
    points: sale.total,
  });
  form.reset();
  other.value = "";
  other.required = false;
  dialog.showModal();
  return new Promise((resolve) => {
    const done = (reason) => {
      form.removeEventListener("submit", submit);
      document.getElementById("vd-cancel").removeEventListener("click", cancel);
      dialog.removeEventListener("cancel", cancel);
      dialog.close();
      resolve(reason);
    };
    const submit = (event) => {
      event.preventDefault();
      const choice = new FormData(form).get("reason");
      const reason = choice === "other" ? other.value.trim() : t(choice);
      if (!reason) {
        other.required = true;
        other.focus();
        return;
      }
      done(reason);
    };
    const cancel = (event) => {
      event.preventDefault();
      done(null);
    };
    form.addEventListener("submit", submit);
    document.getElementById("vd-cancel").addEventListener("click", cancel);
    dialog.addEventListener("cancel", cancel);
    other.addEventListener("input", () => {
      if (other.value) form.querySelector("input[value=other]").checked = true;
    }, { once: true });
  });
}
