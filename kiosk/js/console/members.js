// A household's members under its row of the household list: add one, correct a name or a
// relation, and mark one moved away or deceased (nobody is deleted: the history keeps them).
// Every change is asked for in an in-page dialog whose refusals show next to the field.
import { api } from "../api.js";
import { extend, t, tf } from "../i18n.js";
import { MEMBERS_TEXT } from "./members-text.js";
import { ask, base, button, el } from "./shared.js";

extend(MEMBERS_TEXT);

const STATUSES = ["active", "moved", "deceased"];

function memberFields(m = {}, withStatus = false) {
  return [
    { name: "name", label: "c.mem.name", value: m.name, maxLength: 50 },
    { name: "relation", label: "c.mem.relation", value: m.relation, maxLength: 20 },
    ...(withStatus ? [{ name: "status", label: "c.mem.status", value: m.status || "active",
      options: STATUSES.map((s) => [s, t(`c.mem.${s}`)]) }] : []),
  ];
}

function line(h, m, redraw) {
  return el("li", { id: `member-${m.id}`, className: m.status === "active" ? "" : "gone" },
    el("span", { className: "name", textContent: `${m.name}（${m.relation}）` }), " ",
    el("span", { className: "muted", textContent: t(`c.mem.${m.status || "active"}`) }), " ",
    button("c.mem.editIt", async () => {
      const done = await ask("c.mem.edit", {
        message: tf("c.mem.of", { number: h.number, head: h.head_name }),
        fields: memberFields(m, true),
        onSubmit: (values) => api("PATCH", `${base()}/households/${h.id}/members/${m.id}`,
          values),
      });
      if (done) redraw(done);
    }));
}

// The members panel of household `h`, as a table row to put under the household's own row.
export function panel(h, columns) {
  const cell = el("td", { colSpan: columns });
  const row = el("tr", { id: `members-of-${h.id}`, className: "members-of" }, cell);
  const draw = (household) => {
    const members = household.members || [];
    cell.replaceChildren(
      el("strong", { textContent: tf("c.mem.of", { number: h.number, head: h.head_name }) }),
      members.length ? el("ul", { className: "members" }, ...members.map((m) => line(h, m, draw)))
        : el("p", { className: "muted", textContent: t("c.mem.none") }),
      button("c.mem.add", async () => {
        const done = await ask("c.mem.add", {
          message: tf("c.mem.of", { number: h.number, head: h.head_name }),
          fields: memberFields(),
          onSubmit: (values) => api("POST", `${base()}/households/${h.id}/members`, values),
        });
        if (done) draw(done);
      }),
      " ", button("c.mem.close", () => row.remove()));
  };
  api("GET", `${base()}/households/${h.id}`).then(draw);
  return row;
}
