"""HTTP for logging in and out and for creating a village's users."""

from __future__ import annotations

import dataclasses

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from backend.auth import accounts, household, limits, services
from backend.auth.principal import Grant, Principal, Role
from backend.auth.schemas import (
    GridAssign,
    HouseholdLoginRequest,
    LoginRequest,
    LoginResponse,
    Me,
    OwnPasswordChange,
    PasswordSet,
    SessionsEnded,
    UserCreate,
    UserCreated,
)
from backend.cards import pins
from backend.errors import InvalidInput
from backend.http.access import ANY_ROLE, PUBLIC, TOKEN_COOKIE, CurrentPrincipal, allow
from backend.http.callers import CurrentActor
from backend.http.input import PathId
from backend.registry import services as registry
from backend.settings import get_settings

STAFF_ROLES = (Role.town_admin, Role.committee, Role.grid_officer, Role.shopkeeper)
UserId = PathId


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
            return await pins.pin_must_change(grant.village_id, grant.household_id)
    return False


def _logged_in(
    request: Request,
    token: str,
    principal: Principal,
    subject: str,
    must_change_pin: bool = False,
) -> Response[LoginResponse]:
    """The token in the body (for API clients) and as an HttpOnly cookie (for the pages), with
    a device cookie that keeps this browser's attempts apart from strangers' (see
    :mod:`backend.auth.limits`). Both are ``Secure`` when the request came over HTTPS."""
    secure = request.url.scheme == "https"
    response = Response(
        LoginResponse(token=token, user=me(principal, must_change_pin=must_change_pin))
    )
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure,
        max_age=get_settings().token_days * 86400,
        path="/",
    )
    if not limits.known_device(request.cookies.get(limits.DEVICE_COOKIE), subject):
        response.set_cookie(
            limits.DEVICE_COOKIE,
            limits.device_cookie(subject),
            httponly=True,
            samesite="strict",
            secure=secure,
            max_age=limits.DEVICE_COOKIE_DAYS * 86400,
            path="/api/v1/auth/",
        )
    return response


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/login", **PUBLIC)
    async def login(
        self, data: JSONBody[LoginRequest], request: Request
    ) -> Response[LoginResponse]:
        address = request.client.host if request.client else ""
        token, principal = await services.login(
            data.username, data.password, address, request.cookies.get(limits.DEVICE_COOKIE)
        )
        return _logged_in(request, token, principal, limits.user_subject(data.username))

    @post("/household-login", **PUBLIC)
    async def household_login(
        self, data: JSONBody[HouseholdLoginRequest], request: Request
    ) -> Response[LoginResponse]:
        address = request.client.host if request.client else ""
        done = await household.login(
            data.village, data.number, data.pin, address, request.cookies.get(limits.DEVICE_COOKIE)
        )
        return _logged_in(
            request,
            done.token,
            done.principal,
            done.subject,
            await _must_change_pin(done.principal),
        )

    @post("/logout", status_code=204, **allow(*ANY_ROLE, before_pin_change=True))
    async def logout(self, principal: CurrentPrincipal) -> Response[None]:
        await services.logout(principal)
        response: Response[None] = Response(None, status_code=204)
        response.delete_cookie(TOKEN_COOKIE, path="/")
        return response

    @get("/me", **allow(*ANY_ROLE, before_pin_change=True))
    async def whoami(self, principal: CurrentPrincipal) -> Me:
        return me(principal, must_change_pin=await _must_change_pin(principal))

    @post("/password", status_code=204, **allow(*STAFF_ROLES))
    async def change_password(
        self, data: JSONBody[OwnPasswordChange], principal: CurrentPrincipal
    ) -> None:
        """The caller's own password; every other login of theirs ends."""
        await accounts.change_own_password(principal, data.current_password, data.new_password)


class VillageUserController(Controller):
    path = "/villages/{village_id:int}/users"
    tags = ["auth"]

    @post("/", **allow(Role.committee, Role.town_admin))
    async def create_user(
        self,
        village_id: PathId,
        data: JSONBody[UserCreate],
        actor: CurrentActor,
        principal: CurrentPrincipal,
    ) -> UserCreated:
        role = Role(data.role)
        if (role is Role.villager) != (data.household_id is not None):
            raise InvalidInput(detail="household_id")
        if data.household_id is not None:
            await registry.household(village_id, data.household_id)
        if data.grid_id is not None and (
            role is not Role.grid_officer or not await registry.grid_in(village_id, data.grid_id)
        ):
            raise InvalidInput(detail="grid_id")
        await accounts.check_may_create(principal, village_id, role)
        user_id = await services.create_user(
            actor,
            data.username,
            data.password,
            [
                Grant(
                    role=role,
                    village_id=village_id,
                    household_id=data.household_id,
                    grid_id=data.grid_id,
                )
            ],
            display_name=data.display_name,
        )
        return UserCreated(
            user_id=user_id,
            username=data.username,
            role=role.value,
            display_name=data.display_name.strip() or data.username,
        )

    @get("/", **allow(Role.committee, Role.town_admin))
    async def list_users(
        self, village_id: PathId, principal: CurrentPrincipal
    ) -> list[accounts.Account]:
        """Everyone with a role in the village, and whether the caller may manage them."""
        return await accounts.village_accounts(principal, village_id)

    @post("/{user_id:int}/password", status_code=204, **allow(Role.committee, Role.town_admin))
    async def set_password(
        self,
        village_id: PathId,
        user_id: UserId,
        data: JSONBody[PasswordSet],
        principal: CurrentPrincipal,
    ) -> None:
        await accounts.set_password(principal, village_id, user_id, data.password)

    @post("/{user_id:int}/deactivate", status_code=204, **allow(Role.committee, Role.town_admin))
    async def deactivate(
        self, village_id: PathId, user_id: UserId, principal: CurrentPrincipal
    ) -> None:
        await accounts.set_active(principal, village_id, user_id, False)

    @post("/{user_id:int}/grid", status_code=204, **allow(Role.committee, Role.town_admin))
    async def assign_grid(
        self,
        village_id: PathId,
        user_id: UserId,
        data: JSONBody[GridAssign],
        principal: CurrentPrincipal,
    ) -> None:
        """The grid a grid officer looks after (one left without reads no household)."""
        await accounts.assign_grid(principal, village_id, user_id, data.grid_id)

    @post("/{user_id:int}/activate", status_code=204, **allow(Role.committee, Role.town_admin))
    async def activate(
        self, village_id: PathId, user_id: UserId, principal: CurrentPrincipal
    ) -> None:
        await accounts.set_active(principal, village_id, user_id, True)

    @post("/{user_id:int}/end-sessions", status_code=200, **allow(Role.committee, Role.town_admin))
    async def end_sessions(
        self, village_id: PathId, user_id: UserId, principal: CurrentPrincipal
    ) -> SessionsEnded:
        return SessionsEnded(ended=await accounts.end_sessions_of(principal, village_id, user_id))
