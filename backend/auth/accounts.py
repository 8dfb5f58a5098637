"""Keeping staff accounts: who may manage whom, new passwords, deactivation, ending sessions.

Invariants:
- A committee member manages only the accounts they could have made: grid officers,
  shopkeepers and villagers of their own village. Committee accounts are made and managed by the
  town admin (or ``jifen`` on the server), so no committee member can give themselves a second
  committee account to verify their own proposals (four eyes).
- A grid officer account always names its grid(s); one left without (an earlier database) reads
  no household until the committee assigns one here (:func:`assign_grid`).
- A new password, a deactivation and "end sessions" each revoke every live token of that user
  (and their piccolo-admin sessions) in the same transaction as the change: a stolen or
  forgotten login stops working the moment the committee acts.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from backend import clock, db
from backend.audit.services import Actor, record
from backend.auth.errors import (
    AccountNotYours,
    CommitteeNeedsTownAdmin,
    LoginFailed,
    NotAGridOfficer,
)
from backend.auth.passwords import check_password
from backend.auth.principal import Principal, Role, actor_of
from backend.auth.services import USER_NAMES_SQL, _verify_password
from backend.auth.tables import AuthToken, RoleGrant
from backend.db import write_transaction
from backend.errors import InvalidInput, NotFound
from backend.registry import services as registry

COMMITTEE_MANAGES = frozenset({Role.grid_officer, Role.shopkeeper, Role.villager})


@dataclass(frozen=True, slots=True)
class Account:
    """A user as the users screen lists them.

    ``roles`` are their roles in the village asked about; ``sessions`` how many logins are live;
    ``manageable`` whether the caller may change this account; ``grid_ids`` a grid officer's
    grids (empty: they read no household until one is assigned)."""

    user_id: int
    username: str
    roles: tuple[str, ...]
    active: bool
    last_login: datetime | None
    sessions: int
    manageable: bool
    display_name: str = ""  # the name people know them by (张会计); the username logs in
    grid_ids: tuple[int, ...] = ()


async def _is_town_admin_of(principal: Principal, village_id: int) -> bool:
    town_id = await registry.town_of_village(village_id) or 0
    return Role.town_admin in principal.roles_in(village_id, town_id)


async def check_may_create(principal: Principal, village_id: int, role: Role) -> None:
    """Only the town admin makes committee accounts (see the module's invariants)."""
    if role not in COMMITTEE_MANAGES and not await _is_town_admin_of(principal, village_id):
        raise CommitteeNeedsTownAdmin()


async def _roles_here(user_id: int, village_id: int) -> set[Role]:
    rows = (
        await RoleGrant.select(RoleGrant.role)
        .where((RoleGrant.user == user_id) & (RoleGrant.village == village_id))
        .run()
    )
    return {Role(row["role"]) for row in rows}


async def _target(principal: Principal, village_id: int, user_id: int) -> dict:
    """The account to change: one with a grant in this village (else not found), that the
    caller may manage (else :class:`AccountNotYours`); never the caller themselves here."""
    roles = await _roles_here(user_id, village_id)
    user = (
        await BaseUser.select(BaseUser.id, BaseUser.username, BaseUser.active)
        .where(BaseUser.id == user_id)
        .first()
        .run()
    )
    if not roles or user is None:
        raise NotFound()
    if user_id == principal.user_id:
        raise AccountNotYours()
    if not await _is_town_admin_of(principal, village_id) and roles - COMMITTEE_MANAGES:
        raise AccountNotYours()
    return user


def _utc(moment: datetime | None) -> datetime | None:
    """piccolo's user table keeps ``last_login`` as a naive UTC timestamp."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


async def village_accounts(principal: Principal, village_id: int) -> list[Account]:
    """Everyone with a role in the village, committee first, then by username."""
    grants = (
        await RoleGrant.select(RoleGrant.user, RoleGrant.role, RoleGrant.grid)
        .where(RoleGrant.village == village_id)
        .run()
    )
    roles: dict[int, set[Role]] = {}
    grids: dict[int, set[int]] = {}
    for grant in grants:
        roles.setdefault(grant["user"], set()).add(Role(grant["role"]))
        if grant["grid"] is not None:
            grids.setdefault(grant["user"], set()).add(grant["grid"])
    if not roles:
        return []
    users = (
        await BaseUser.select(BaseUser.id, BaseUser.username, BaseUser.active, BaseUser.last_login)
        .where(BaseUser.id.is_in(list(roles)))
        .run()
    )
    now = clock.now()
    live = (
        await AuthToken.select(AuthToken.user)
        .where(
            AuthToken.user.is_in(list(roles))
            & AuthToken.revoked_at.is_null()
            & (AuthToken.expires_at > now)
        )
        .run()
    )
    sessions: dict[int, int] = {}
    for token in live:
        sessions[token["user"]] = sessions.get(token["user"], 0) + 1
    town_admin = await _is_town_admin_of(principal, village_id)
    names = {
        u["id"]: ((await db.first(USER_NAMES_SQL, user=u["id"])) or {}).get("display_name") or ""
        for u in users
    }
    order = {role: n for n, role in enumerate(Role)}
    accounts = [
        Account(
            user_id=u["id"],
            username=u["username"],
            display_name=names[u["id"]] or u["username"],
            roles=tuple(r.value for r in sorted(roles[u["id"]], key=order.__getitem__)),
            active=bool(u["active"]),
            last_login=_utc(u["last_login"]),
            sessions=sessions.get(u["id"], 0),
            grid_ids=tuple(sorted(grids.get(u["id"], ()))),
            manageable=u["id"] != principal.user_id
            and (town_admin or not roles[u["id"]] - COMMITTEE_MANAGES),
        )
        for u in users
    ]
    return sorted(accounts, key=lambda a: (min(order[Role(r)] for r in a.roles), a.username))


async def _revoke(user_id: int, *, keep_token_hash: str = "") -> int:
    """Revoke the user's live tokens (all but ``keep_token_hash``) and admin sessions; inside
    the caller's transaction. Returns how many tokens were live."""
    where = (AuthToken.user == user_id) & AuthToken.revoked_at.is_null()
    if keep_token_hash:
        where &= AuthToken.token_hash != keep_token_hash
    live = await AuthToken.count().where(where).run()
    await AuthToken.update({AuthToken.revoked_at: clock.now()}).where(where).run()
    await SessionsBase.delete().where(SessionsBase.user_id == user_id).run()
    return int(live)


async def end_sessions(
    actor: Actor, user_id: int, *, village_id: int | None = None, keep_token_hash: str = ""
) -> int:
    """Every login of the user ends now (their phone, the kiosk, the console, /admin): the next
    request with any of their tokens is refused. Returns how many were live."""
    async with write_transaction():
        ended = await _revoke(user_id, keep_token_hash=keep_token_hash)
        await record(
            actor,
            "user.end_sessions",
            "user",
            user_id,
            village_id=village_id,
            after={"ended": ended},
        )
    return ended


async def _store_password(
    actor: Actor,
    user_id: int,
    username: str,
    password: str,
    village_id: int | None,
    keep_token_hash: str = "",
) -> None:
    check_password(password, username)
    hashed = await asyncio.to_thread(BaseUser.hash_password, password)
    async with write_transaction():
        await BaseUser.update({BaseUser.password: hashed}).where(BaseUser.id == user_id).run()
        ended = await _revoke(user_id, keep_token_hash=keep_token_hash)
        await record(
            actor,
            "user.password",
            "user",
            user_id,
            village_id=village_id,
            after={"sessions_ended": ended},
        )


async def _set_active(actor: Actor, user_id: int, active: bool, village_id: int | None) -> None:
    async with write_transaction():
        await BaseUser.update({BaseUser.active: active}).where(BaseUser.id == user_id).run()
        ended = 0 if active else await _revoke(user_id)
        await record(
            actor,
            "user.activate" if active else "user.deactivate",
            "user",
            user_id,
            village_id=village_id,
            before={"active": not active},
            after={"active": active, "sessions_ended": ended},
        )


async def set_password(principal: Principal, village_id: int, user_id: int, password: str) -> None:
    """A new password for someone the caller manages; their logins end."""
    user = await _target(principal, village_id, user_id)
    await _store_password(actor_of(principal), user_id, user["username"], password, village_id)


async def set_active(principal: Principal, village_id: int, user_id: int, active: bool) -> None:
    """Deactivate (no login, every session ended) or reactivate an account the caller manages."""
    await _target(principal, village_id, user_id)
    await _set_active(actor_of(principal), user_id, active, village_id)


async def end_sessions_of(principal: Principal, village_id: int, user_id: int) -> int:
    await _target(principal, village_id, user_id)
    return await end_sessions(actor_of(principal), user_id, village_id=village_id)


async def assign_grid(principal: Principal, village_id: int, user_id: int, grid_id: int) -> None:
    """The grid a grid officer the caller manages looks after (their only one from now on): from
    their next request they read that grid's households and no other's. Audited."""
    await _target(principal, village_id, user_id)
    if Role.grid_officer not in await _roles_here(user_id, village_id):
        raise NotAGridOfficer()
    if not await registry.grid_in(village_id, grid_id):
        raise InvalidInput(detail="grid_id")
    mine = (
        (RoleGrant.user == user_id)
        & (RoleGrant.village == village_id)
        & (RoleGrant.role == Role.grid_officer.value)
    )
    async with write_transaction():
        before = [g["grid"] for g in await RoleGrant.select(RoleGrant.grid).where(mine).run()]
        await RoleGrant.update({RoleGrant.grid: grid_id}).where(mine).run()
        await record(
            actor_of(principal),
            "user.grid",
            "user",
            user_id,
            village_id=village_id,
            before={"grid_ids": before},
            after={"grid_ids": [grid_id]},
        )


async def change_own_password(principal: Principal, current: str, new: str) -> None:
    """The caller's own new password, after proving the current one; their other logins end,
    the one making the change goes on."""
    row = (
        await BaseUser.select(BaseUser.password)
        .where(BaseUser.id == principal.user_id)
        .first()
        .run()
    )
    if row is None or not await asyncio.to_thread(_verify_password, current, row["password"]):
        raise LoginFailed()
    await _store_password(
        actor_of(principal),
        principal.user_id,
        principal.username,
        new,
        None,
        keep_token_hash=principal.token_hash,
    )


async def user_id_by_name(username: str) -> int:
    row = await BaseUser.select(BaseUser.id).where(BaseUser.username == username).first().run()
    if row is None:
        raise NotFound()
    return int(row["id"])


async def set_password_by_name(actor: Actor, username: str, password: str) -> None:
    """``jifen passwd``: the server's operator sets anyone's password."""
    await _store_password(actor, await user_id_by_name(username), username, password, None)


async def set_active_by_name(actor: Actor, username: str, active: bool) -> None:
    await _set_active(actor, await user_id_by_name(username), active, None)


async def set_admin_access(actor: Actor, username: str, allowed: bool) -> None:
    """piccolo-admin's ``admin`` flag (the read-only ``/admin``); closing it ends admin sessions."""
    user_id = await user_id_by_name(username)
    async with write_transaction():
        await BaseUser.update({BaseUser.admin: allowed}).where(BaseUser.id == user_id).run()
        if not allowed:
            await SessionsBase.delete().where(SessionsBase.user_id == user_id).run()
        await record(actor, "user.admin_access", "user", user_id, after={"admin": allowed})
