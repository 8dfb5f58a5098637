// In-page dialogs instead of the browser's prompt() and confirm(): they read in the page's
// language and font, work the same on a tablet, and a field's refusal is shown next to the field
// inside the dialog, which stays open until the server accepts. Words come translated from the
// caller (no text of its own).
function node(tag, props = {}, ...children) {
  const out = Object.assign(document.createElement(tag), props);
  out.append(...children.filter((c) => c !== null && c !== undefined));
  return out;
}

// Opens a modal dialog. `fields` are [{name, label, type, required, pattern, inputmode, value}]
// (`options: [[value, words]]` makes a choice list; type "checkbox" gives true or false);
// `onSubmit(values)` runs the action: resolve → dialog closes with its result; throw an error
// whose `field` (or `problem.errors[].field`) names a field → the words show under that field.
// Resolves with onSubmit's result, or null when cancelled.
export function openDialog({ title, message = "", fields = [], ok, cancel, danger = false,
                             onSubmit = async () => true }) {
  return new Promise((resolve) => {
    const form = node("form", { method: "dialog", className: "dialog-form" });
    const inputs = new Map();
    const notes = new Map();
    for (const field of fields) {
      const input = field.options
        ? node("select", { name: field.name },
          ...field.options.map(([value, words]) => node("option", { value, textContent: words })))
        : node("input", { name: field.name, type: field.type || "text",
                          required: field.required !== false && field.type !== "checkbox" });
      if (field.type === "checkbox") input.checked = Boolean(field.value);
      else if (field.value !== undefined && field.value !== null) input.value = String(field.value);
      for (const attr of ["pattern", "inputmode", "autocomplete", "maxLength"]) {
        if (field[attr]) input.setAttribute(attr, field[attr]);
      }
      const note = node("span", { className: "field-error", role: "alert", hidden: true });
      inputs.set(field.name, input);
      notes.set(field.name, note);
      form.append(node("label", { className: field.type === "checkbox" ? "check" : "" },
        node("span", { textContent: field.label }), input, note));
    }
    const general = node("p", { className: "field-error", role: "alert", hidden: true });
    const yes = node("button", { type: "submit", className: danger ? "primary danger" : "primary",
                                 textContent: ok });
    const no = node("button", { type: "button", textContent: cancel });
    form.append(general, node("div", { className: "dialog-actions" }, no, yes));
    const dialog = node("dialog", { className: "in-page" },
      node("h2", { textContent: title }), message ? node("p", { textContent: message }) : null, form);
    document.body.append(dialog);
    const done = (value) => { dialog.close(); dialog.remove(); resolve(value); };
    no.addEventListener("click", () => done(null));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); done(null); });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      for (const note of [...notes.values(), general]) note.hidden = true;
      const values = Object.fromEntries([...inputs].map(([name, input]) => [name,
        input.type === "checkbox" ? input.checked : input.value]));
      yes.disabled = true;
      try {
        done(await onSubmit(values));
      } catch (error) {
        const named = (error.problem?.errors || []).filter((e) => notes.has(e.field));
        // A refusal that names no field belongs to the only field there is, if there is one.
        const only = fields.length === 1 ? fields[0].name : undefined;
        const field = error.field && notes.has(error.field) ? error.field
          : named[0]?.field || only;
        const note = field ? notes.get(field) : general;
        note.textContent = error.message;
        note.hidden = false;
        (field ? inputs.get(field) : yes).focus();
      } finally {
        yes.disabled = false;
      }
    });
    dialog.showModal();
    (inputs.values().next().value || yes).focus();
  });
}
