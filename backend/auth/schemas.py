"""The auth API's shapes."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from backend.cards.schemas import Pin
from backend.http.input import Strict, plain

Username = Annotated[str, plain(1, 100)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
DisplayName = Annotated[str, msgspec.Meta(max_length=40)]


class LoginRequest(Strict):
    username: Username
    password: Password


class HouseholdLoginRequest(Strict):
    """户号 + PIN, e.g. village ``XHX``, number ``XHX-001``."""

    village: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    number: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    pin: Pin


class GrantOut(msgspec.Struct, kw_only=True):
    role: str
    town_id: int | None
    village_id: int | None
    household_id: int | None
    shop_id: int | None
    grid_id: int | None = None


class Me(msgspec.Struct, kw_only=True):
    user_id: int
    username: str
    display_name: str
    grants: list[GrantOut]
    must_change_pin: bool = False  # a household's PIN chosen by someone else: change it first


class LoginResponse(msgspec.Struct, kw_only=True):
    token: str
    user: Me


class UserCreate(Strict):
    """A user of one village; town admins are made with ``jifen createuser``."""

    username: Username
    password: Password
    role: Literal["committee", "grid_officer", "shopkeeper", "villager"]
    household_id: Annotated[int, msgspec.Meta(ge=1)] | None = None
    grid_id: Annotated[int, msgspec.Meta(ge=1)] | None = None
    """A grid officer's grid: they then read only its households."""
    display_name: DisplayName = ""


class GridAssign(Strict):
    """The grid a grid officer looks after."""

    grid_id: Annotated[int, msgspec.Meta(ge=1)]


class UserCreated(msgspec.Struct, kw_only=True):
    user_id: int
    username: str
    display_name: str
    role: str


class PasswordSet(Strict):
    """A new password for another account (the committee's or town admin's users screen)."""

    password: Password


class OwnPasswordChange(Strict):
    current_password: Password
    new_password: Password


class SessionsEnded(msgspec.Struct, kw_only=True):
    ended: int
