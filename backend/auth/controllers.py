"""HTTP for logging in and out and for creating a village's users."""

from __future__ import annotations

import dataclasses

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from backend.auth import household, services
from backend.auth.principal import Grant, Principal, Role, actor_of
from backend.auth.schemas import (
    HouseholdLoginRequest,
    LoginRequest,
    LoginResponse,
    Me,
    UserCreate,
    UserCreated,
)
from backend.cards import services as cards
from backend.errors import InvalidInput
from backend.http.access import ANY_ROLE, PUBLIC, TOKEN_COOKIE, CurrentPrincipal, allow
from backend.http.input import PathId
from backend.registry import services as registry
from backend.settings import get_settings


def me(principal: Principal, *, must_change_pin: bool = False) -> Me:
    return msgspec.convert(
        {
            "user_id": principal.user_id,
            "username": principal.username,
            "display_name": principal.name,
            "grants": [dataclasses.asdict(g) for g in principal.grants],
            "must_change_pin": must_change_pin,
        },
        Me,
    )


async def _must_change_pin(principal: Principal) -> bool:
    """A household logged in with a PIN someone else chose (a PIN letter, a committee reset):
    its page asks for a new PIN before anything else."""
    for grant in principal.grants:
        if grant.role is Role.villager and grant.village_id and grant.household_id:
            return await cards.pin_must_change(grant.village_id, grant.household_id)
    return False


def _logged_in(token: str, principal: Principal,
               must_change_pin: bool = False) -> Response[LoginResponse]:
    """The token in the body (for API clients) and as an HttpOnly cookie (for the pages)."""
    response = Response(LoginResponse(token=token,
                                      user=me(principal, must_change_pin=must_change_pin)))
    response.set_cookie(
        TOKEN_COOKIE, token, httponly=True, samesite="strict",
        max_age=get_settings().token_days * 86400, path="/",
    )
    return response


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/login", **PUBLIC)
    async def login(self, data: JSONBody[LoginRequest],
                    request: Request) -> Response[LoginResponse]:
        address = request.client.host if request.client else ""
        token, principal = await services.login(data.username, data.password, address)
        return _logged_in(token, principal)

    @post("/household-login", **PUBLIC)
    async def household_login(
        self, data: JSONBody[HouseholdLoginRequest], request: Request
    ) -> Response[LoginResponse]:
        address = request.client.host if request.client else ""
        token, principal = await household.login(data.village, data.number, data.pin, address)
        return _logged_in(token, principal, await _must_change_pin(principal))

    @post("/logout", status_code=204, **allow(*ANY_ROLE))
    async def logout(self, principal: CurrentPrincipal) -> Response[None]:
        await services.logout(principal)
        response: Response[None] = Response(None, status_code=204)
        response.delete_cookie(TOKEN_COOKIE, path="/")
        return response

    @get("/me", **allow(*ANY_ROLE))
    async def whoami(self, principal: CurrentPrincipal) -> Me:
        return me(principal, must_change_pin=await _must_change_pin(principal))


class VillageUserController(Controller):
    path = "/villages/{village_id:int}/users"
    tags = ["auth"]

    @post("/", **allow(Role.committee, Role.town_admin))
    async def create_user(
        self, village_id: PathId, data: JSONBody[UserCreate], principal: CurrentPrincipal
    ) -> UserCreated:
        role = Role(data.role)
        if (role is Role.villager) != (data.household_id is not None):
            raise InvalidInput(detail="household_id")
        if data.household_id is not None:
            await registry.household(village_id, data.household_id)
        user_id = await services.create_user(
            actor_of(principal), data.username, data.password,
            [Grant(role=role, village_id=village_id, household_id=data.household_id)],
            display_name=data.display_name,
        )
        return UserCreated(user_id=user_id, username=data.username, role=role.value,
                           display_name=data.display_name.strip() or data.username)
