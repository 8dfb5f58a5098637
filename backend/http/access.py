"""Who may call what: every API operation declares its roles, and one guard enforces them.

``allow(...)`` puts the roles in two places from one list: the handler's ``opt`` (read by the
guard) and the operation's OpenAPI security requirement (read by people and by the role-matrix
test). An operation that declares nothing is refused: forgetting is never an open door.

A role the caller does not hold anywhere → 403. A role they hold, but not in the village or town
named in the path → 404, the same answer as a missing id, so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler

from backend.auth import services as auth
from backend.auth.principal import Principal, Role
from backend.cards import pins
from backend.cards.errors import PinMustChange
from backend.errors import Forbidden, NotAuthenticated, NotFound
from backend.registry import services as registry

TOKEN_COOKIE = "jifen_token"  # noqa: S105 (a cookie name, not a secret)
SECURITY_SCHEME = "bearer"
ANY_ROLE = tuple(Role)


def allow(*roles: Role, before_pin_change: bool = False) -> dict[str, Any]:
    """Keyword arguments for a route decorator: who may call it. ``before_pin_change``: a
    household whose PIN someone else chose may call it too (change the PIN, who am I, log out);
    every other call waits until it has chosen its own PIN."""
    names = sorted(role.value for role in roles)
    opt: dict[str, Any] = {"roles": frozenset(roles)}
    if before_pin_change:
        opt["before_pin_change"] = True
    return {"opt": opt, "security": [{SECURITY_SCHEME: names}]}


PUBLIC: dict[str, Any] = {"opt": {"public": True}, "security": []}


def bearer_token(connection: ASGIConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return connection.cookies.get(TOKEN_COOKIE) or None


async def current_principal(connection: ASGIConnection) -> Principal | None:
    if "principal" not in connection.state:
        token = bearer_token(connection)
        address = connection.client.host if connection.client else ""
        connection.state.principal = await auth.authenticate(token, address) if token else None
    principal: Principal | None = connection.state.principal
    return principal


MAX_ID = 2**31 - 1


async def access_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    for name, value in connection.path_params.items():
        if name.endswith("_id") and isinstance(value, int) and not 0 < value <= MAX_ID:
            raise NotFound()  # no row has such an id; the database need not be asked
    if handler.opt.get("public"):
        return
    roles: frozenset[Role] | None = handler.opt.get("roles")
    if not roles:
        raise Forbidden()
    principal = await current_principal(connection)
    if principal is None:
        raise NotAuthenticated()
    if not roles & principal.roles():
        raise Forbidden()
    village_id = connection.path_params.get("village_id")
    if village_id is not None:
        town_id = await registry.town_of_village(village_id)
        if town_id is None or not roles & principal.roles_in(village_id, town_id):
            raise NotFound()
    town_id = connection.path_params.get("town_id")
    if town_id is not None and town_id not in principal.town_ids():
        raise NotFound()
    if not handler.opt.get("before_pin_change"):
        await refuse_until_own_pin(principal)


async def refuse_until_own_pin(principal: Principal) -> None:
    """A household logged in with a PIN someone else chose (the PIN letter's, a committee
    reset) gets nothing but the PIN change until it has chosen its own: whoever read the letter
    or heard the reset cannot use the account while the household has not taken it over."""
    if principal.roles() != {Role.villager}:
        return
    for grant in principal.grants:
        if (
            grant.role is Role.villager
            and grant.village_id
            and grant.household_id
            and await pins.pin_must_change(grant.village_id, grant.household_id)
        ):
            raise PinMustChange()


def provide_principal(request: Request) -> Principal:
    principal: Principal | None = request.state.get("principal")
    if principal is None:
        raise NotAuthenticated()
    return principal


CurrentPrincipal = NamedDependency[Principal]
"""A handler's ``principal: CurrentPrincipal`` is the caller, from ``provide_principal`` (the app's
``principal`` dependency); the explicit marker is what Litestar 3 resolves dependencies by."""


async def own_household_unless_staff(
    principal: Principal, village_id: int, household_id: int
) -> bool:
    """A villager sees only their own household; staff of the village see all of them.
    Returns whether the principal acts as staff here (False: a villager on their own)."""
    town_id = await registry.town_of_village(village_id) or 0
    if principal.roles_in(village_id, town_id) - {Role.villager}:
        return True
    if principal.household_in(village_id) != household_id:
        raise NotFound()
    return False


async def shop_staff(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard of the routes that run one shop (the till, its catalogue and stock), declared on
    them after ``access_guard`` has let the caller into the village: committee and town admins
    run every shop of their villages; a shopkeeper only the shop their grant binds them to
    (another shop's id is not found)."""
    principal = await current_principal(connection)
    if principal is None:  # access_guard refuses first; a route without it is a mistake
        raise NotAuthenticated()
    village_id: int = connection.path_params["village_id"]
    shop_id: int = connection.path_params["shop_id"]
    town_id = await registry.town_of_village(village_id) or 0
    if principal.roles_in(village_id, town_id) & {Role.committee, Role.town_admin}:
        return
    if not any(
        g.role is Role.shopkeeper and g.village_id == village_id and g.shop_id == shop_id
        for g in principal.grants
    ):
        raise NotFound()
