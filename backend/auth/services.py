"""Logging in and out, turning a token into a principal, creating users and granting roles.

Invariants: only the SHA-256 of a token is stored; a revoked or expired token authenticates no
one; failed logins are counted by :mod:`backend.auth.limits`, which refuses logins while Redis
is down rather than letting them through uncounted.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from piccolo.apps.user.tables import BaseUser

from backend import clock, db
from backend.audit.services import Actor, record
from backend.auth import limits
from backend.auth.errors import GridOfficerNeedsGrid, LoginFailed, UsernameTaken
from backend.auth.passwords import check_password
from backend.auth.principal import Grant, Principal, Role
from backend.auth.tables import AuthToken, RoleGrant
from backend.db import write_transaction
from backend.settings import get_settings

# Checked against when the username is unknown, so both answers take the same time.
UNKNOWN_USER_HASH = f"pbkdf2_sha256${BaseUser._pbkdf2_iteration_count}${'0' * 32}${'0' * 64}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _verify_password(password: str, stored: str) -> bool:
    """Check against BaseUser's PBKDF2 format; run in a thread, it takes ~0.2 s on purpose."""
    try:
        _algorithm, iterations, salt, _hashed = BaseUser.split_stored_password(stored)
    except ValueError:
        return False
    candidate = BaseUser.hash_password(password, salt, int(iterations))
    return hmac.compare_digest(candidate, stored)


async def login(
    username: str, password: str, address: str, device_cookie: str | None = None
) -> tuple[str, Principal]:
    """Exchange a username and password for a new bearer token, within the login limits
    (:mod:`backend.auth.limits`: closed without Redis; the owner's device is counted apart)."""
    device = limits.known_device(device_cookie, limits.user_subject(username))
    judged_by = limits.counters(limits.user_subject(username), address, device)
    await limits.refuse_if_over(judged_by)
    row = (
        await BaseUser.select(BaseUser.id, BaseUser.password, BaseUser.active)
        .where(BaseUser.username == username)
        .first()
        .run()
    )
    stored = row["password"] if row and row["active"] else UNKNOWN_USER_HASH
    valid = await asyncio.to_thread(_verify_password, password, stored)
    if not (row and row["active"] and valid):
        await limits.count_failure(judged_by)
        raise LoginFailed()
    if device is not None:
        await limits.clear(judged_by)
    token = await issue_token(row["id"], address)
    return token, await principal_for_user(row["id"], address, token_hash(token))


async def issue_token(user_id: int, address: str) -> str:
    """A new bearer token for a user who has proved who they are."""
    token = secrets.token_urlsafe(32)
    expires = clock.now() + timedelta(days=get_settings().token_days)
    async with write_transaction():
        await AuthToken.insert(
            AuthToken(
                user=user_id, token_hash=token_hash(token), address=address[:64], expires_at=expires
            )
        ).run()
        await (
            BaseUser.update({BaseUser.last_login: clock.now().replace(tzinfo=None)})
            .where(BaseUser.id == user_id)
            .run()
        )
    return token


async def principal_for_user(user_id: int, address: str, hashed: str = "") -> Principal:
    user = await db.first(USER_NAMES_SQL, user=user_id) or {"username": "", "display_name": ""}
    grants = await RoleGrant.select().where(RoleGrant.user == user_id).order_by(RoleGrant.id).run()
    return _principal(user_id, user, grants, address, hashed)


# ``display_name`` is Jifen's own column on Piccolo's user table (auth migration of 2026-12-01),
# so the query builder's BaseUser does not know it.
USER_NAMES_SQL = "SELECT username, display_name FROM piccolo_user WHERE id = :user"
SET_DISPLAY_NAME_SQL = "UPDATE piccolo_user SET display_name = :display_name WHERE id = :user"


def _principal(
    user_id: int, names: dict[str, Any], grants: list[dict[str, Any]], address: str, hashed: str
) -> Principal:
    return Principal(
        user_id=user_id,
        username=names["username"],
        display_name=names["display_name"],
        grants=tuple(
            Grant(
                role=Role(g["role"]),
                town_id=g["town"],
                village_id=g["village"],
                household_id=g["household"],
                shop_id=g["shop_id"],
                grid_id=g.get("grid"),
            )
            for g in grants
        ),
        address=address,
        token_hash=hashed,
    )


# Every API request asks this: the token, its user and their grants in one round trip.
AUTHENTICATE_SQL = """SELECT t."user" AS user_id, u.username, u.display_name, g.role, g.town,
    g.village, g.household, g.shop_id, g.grid
    FROM auth_token t JOIN piccolo_user u ON u.id = t."user"
    LEFT JOIN role_grant g ON g."user" = t."user"
    WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND t.expires_at > :now AND u.active
    ORDER BY g.id"""


async def authenticate(token: str, address: str) -> Principal | None:
    """The principal behind a bearer token, or None if it is unknown, revoked or expired."""
    hashed = token_hash(token)
    rows = await db.fetch(AUTHENTICATE_SQL, token_hash=hashed, now=clock.now())
    if not rows:
        return None
    grants = [row for row in rows if row["role"] is not None]
    return _principal(rows[0]["user_id"], rows[0], grants, address, hashed)


async def logout(principal: Principal) -> None:
    async with write_transaction():
        await (
            AuthToken.update({AuthToken.revoked_at: clock.now()})
            .where(AuthToken.token_hash == principal.token_hash)
            .run()
        )


async def create_user(
    actor: Actor,
    username: str,
    password: str,
    grants: list[Grant],
    *,
    email: str = "",
    display_name: str = "",
    checked: bool = True,
) -> int:
    """A new user with their grants. Nobody gets piccolo-admin's ``admin`` flag here: only
    ``jifen admin-access`` opens the read-only ``/admin`` to an account.

    ``display_name`` is how people see them (收银员：王丽); it defaults to the username.
    The password must pass :func:`check_password`; only the demo township (``checked=False``)
    makes accounts with its published password. A grid officer's grant names their grid
    (:class:`GridOfficerNeedsGrid` otherwise), whoever makes the account."""
    if any(g.role is Role.grid_officer and g.grid_id is None for g in grants):
        raise GridOfficerNeedsGrid()
    if checked:
        check_password(password, username)
    hashed = await asyncio.to_thread(BaseUser.hash_password, password)
    async with write_transaction():
        if await BaseUser.exists().where(BaseUser.username == username).run():
            raise UsernameTaken()
        user = BaseUser(
            username=username,
            email=email or f"{username}@jifen.invalid",
            active=True,
            admin=False,
            superuser=False,
        )
        user.password = hashed
        await user.save().run()
        await db.fetch(
            SET_DISPLAY_NAME_SQL, display_name=display_name.strip() or username, user=user.id
        )
        for grant in grants:
            await RoleGrant.insert(
                RoleGrant(
                    user=user.id,
                    role=grant.role.value,
                    town=grant.town_id,
                    village=grant.village_id,
                    household=grant.household_id,
                    shop_id=grant.shop_id,
                    grid=grant.grid_id,
                )
            ).run()
        await record(
            actor,
            "user.create",
            "user",
            user.id,
            village_id=next((g.village_id for g in grants if g.village_id), None),
            town_id=next((g.town_id for g in grants if g.town_id), None),
            after={
                "username": username,
                "display_name": display_name.strip() or username,
                "roles": [g.role.value for g in grants],
            },
        )
    return int(user.id)


async def end_household_sessions(household_id: int, *, keep_token_hash: str = "") -> int:
    """Revoke every open session of the household's villager accounts (its phones), except
    ``keep_token_hash`` (the villager's own, when they change their PIN themselves). Runs in the
    caller's transaction, so the sessions end with the PIN reset or card reissue that ends
    them; returns how many ended."""
    users = RoleGrant.select(RoleGrant.user).where(
        (RoleGrant.role == Role.villager.value) & (RoleGrant.household == household_id)
    )
    ended = (
        await AuthToken.update({AuthToken.revoked_at: clock.now()})
        .where(
            AuthToken.user.is_in(users)
            & AuthToken.revoked_at.is_null()
            & (AuthToken.token_hash != keep_token_hash)
        )
        .returning(AuthToken.id)
        .run()
    )
    return len(ended)
