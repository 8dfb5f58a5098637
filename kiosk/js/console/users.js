// Accounts (账号管理): everyone with a role in the village. The committee keeps its grid
// officers', shopkeepers' and villagers' accounts (a new password, deactivate / activate, end
// every login); committee accounts are the town admin's, so nobody can make or take over a
// second committee account to verify their own scores. Every action ends the account's logins
// on the server; this screen only asks and shows the answer. A grid officer's row shows their
// grid, and the committee assigns it here: one without a grid reads no household at all.
import { api } from "../api.js";
import { extend, t, tf } from "../i18n.js";
import { $, ask, base, button, el, guard, state } from "./shared.js";
import { USERS_TEXT } from "./users-text.js";

extend(USERS_TEXT);

function said(text) {
  $("users-said").textContent = text;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "—";
}

function actions(account) {
  if (!account.manageable) {
    return el("td", { className: "muted",
      textContent: t(account.user_id === state.user?.user_id ? "u.you" : "u.managedByTown") });
  }
  const path = `${base()}/users/${account.user_id}`;
  const password = el("input", { type: "password", name: `password-${account.user_id}`,
    autocomplete: "new-password", placeholder: t("u.newPassword") });
  const name = account.display_name || account.username;
  return el("td", { className: "account-actions" },
    password,
    button("u.setPassword", async () => {
      await api("POST", `${path}/password`, { password: password.value });
      password.value = "";
      await show();
      said(tf("u.passwordSet", { name }));
    }),
    account.active
      ? button("u.deactivate", async () => {
        const done = await ask("u.deactivate", {
          message: tf("u.deactivateConfirm", { name }), ok: "u.deactivate", danger: true,
          onSubmit: async () => { await api("POST", `${path}/deactivate`); return true; },
        });
        if (done === null) return;
        await show();
        said(tf("u.deactivated", { name }));
      })
      : button("u.activate", async () => {
        await api("POST", `${path}/activate`);
        await show();
        said(tf("u.activated", { name }));
      }),
    button("u.endSessions", async () => {
      const { ended } = await api("POST", `${path}/end-sessions`);
      await show();
      said(tf("u.ended", { name, n: ended }));
    }));
}

// The grid column: a grid officer's grid (or, loudly, none), with a choice to assign it when the
// caller manages the account; empty for every other role.
function gridCell(account, grids) {
  if (!account.roles.includes("grid_officer")) return el("td");
  const names = account.grid_ids.map((id) => (grids.find((g) => g.id === id) || {}).name)
    .filter(Boolean);
  const cell = el("td", { className: "grid-of" }, names.length
    ? el("span", { textContent: names.join("、") })
    : el("strong", { className: "field-error", textContent: t("u.noGrid") }));
  if (!account.manageable || !grids.length) return cell;
  const pick = el("select", { name: `grid-${account.user_id}`, ariaLabel: t("u.grid") },
    ...grids.map((g) => el("option", { value: String(g.id), textContent: g.name })));
  if (account.grid_ids.length) pick.value = String(account.grid_ids[0]);
  const name = account.display_name || account.username;
  cell.append(pick, button("u.assignGrid", async () => {
    await api("POST", `${base()}/users/${account.user_id}/grid`, { grid_id: Number(pick.value) });
    await show();
    said(tf("u.gridAssigned", { name, grid: pick.selectedOptions[0].textContent }));
  }));
  return cell;
}

export async function show() {
  const [accounts, grids] = await Promise.all([api("GET", `${base()}/users`),
                                                 api("GET", `${base()}/grids`)]);
  $("user-list").replaceChildren(
    el("tr", {}, ...["u.person", "u.roles", "u.grid", "u.state", "u.sessions", "u.lastLogin",
                     ""].map((k) => el("th", { textContent: k ? t(k) : "" }))),
    ...accounts.map((a) => el("tr", { id: `user-${a.user_id}` },
      // People by the name they are known by; the username (what they log in with) beneath.
      el("td", { className: "person" }, el("strong", { textContent: a.display_name || a.username }),
        a.display_name && a.display_name !== a.username
          ? el("small", { textContent: a.username }) : null),
      el("td", { textContent: a.roles.map((r) => t(`role.${r}`)).join("、") }),
      gridCell(a, grids),
      el("td", { textContent: t(a.active ? "u.active" : "u.inactive"),
                 className: a.active ? "" : "muted" }),
      el("td", { textContent: String(a.sessions) }),
      el("td", { textContent: when(a.last_login) }),
      actions(a))));
  said("");
}

export function wire() {
  $("my-password").addEventListener("submit", (event) => guard(async () => {
    event.preventDefault();
    const form = event.target;
    await api("POST", "/api/v1/auth/password", {
      current_password: form.current_password.value, new_password: form.new_password.value });
    form.reset();
    said(t("u.mineChanged"));
  }));
}
