"""The registry's API shapes. Unknown fields are refused, so a typo never passes silently."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.http.input import Strict, plain

Name = Annotated[str, plain(1, 50)]
Relation = Annotated[str, plain(1, 20)]
Title = Annotated[str, plain(1, 100)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Address = Annotated[str, plain(0, 200)]
Phone = Annotated[str, msgspec.Meta(max_length=32, pattern=r"^[0-9+\- ]*$")]
Id = Annotated[int, msgspec.Meta(ge=1)]
HouseholdStatus = Literal["active", "moved"]
MemberStatus = Literal["active", "moved", "deceased"]
Reason = Annotated[str, plain(0, 200)]


class Town(msgspec.Struct, kw_only=True):
    id: int
    name: str
    code: str


class TownCreate(Strict):
    name: Title
    code: Code


class Village(msgspec.Struct, kw_only=True):
    id: int
    town_id: int
    name: str
    code: str
    allow_negative_balance: bool
    notice_days: int
    board_size: int
    pin_threshold: int
    daily_cap: int
    void_window_hours: int
    red_bonus: int
    board_include_idle: bool
    black_line: int = 0
    adjustment_approval_above: int


class VillageCreate(Strict):
    name: Title
    code: Code
    allow_negative_balance: bool = False
    notice_days: Annotated[int, msgspec.Meta(ge=1, le=30)] = 3
    board_size: Annotated[int, msgspec.Meta(ge=1, le=50)] = 5


class VillageUpdate(Strict):
    name: Title | msgspec.UnsetType = msgspec.UNSET
    allow_negative_balance: bool | msgspec.UnsetType = msgspec.UNSET
    notice_days: Annotated[int, msgspec.Meta(ge=1, le=30)] | msgspec.UnsetType = msgspec.UNSET
    board_size: Annotated[int, msgspec.Meta(ge=1, le=50)] | msgspec.UnsetType = msgspec.UNSET
    pin_threshold: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    daily_cap: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | msgspec.UnsetType = msgspec.UNSET
    void_window_hours: Annotated[int, msgspec.Meta(ge=0, le=720)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    red_bonus: Annotated[int, msgspec.Meta(ge=0, le=10_000)] | msgspec.UnsetType = msgspec.UNSET
    board_include_idle: bool | msgspec.UnsetType = msgspec.UNSET
    # The black board lists only households whose period result is below this line.
    black_line: Annotated[int, msgspec.Meta(ge=-10_000, le=10_000)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    adjustment_approval_above: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | (
        msgspec.UnsetType
    ) = msgspec.UNSET


class Grid(msgspec.Struct, kw_only=True):
    id: int
    village_id: int
    name: str


class MoralGroup(Grid, kw_only=True):
    pass


class GroupCreate(Strict):
    name: Title


class Member(msgspec.Struct, kw_only=True):
    """A person of the household; ``status`` says whether they still live there (``active``),
    moved away or died — nobody is deleted."""

    id: int
    name: str
    relation: str
    active: bool
    status: MemberStatus = "active"


class MemberCreate(Strict):
    name: Name
    relation: Relation


class MemberUpdate(Strict):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    relation: Relation | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    status: MemberStatus | msgspec.UnsetType = msgspec.UNSET


class Household(msgspec.Struct, kw_only=True):
    """A household as the API shows it. ``hardship_reason`` (why it is 关怀户) is given to the
    committee and town admins only: absent for grid officers and villagers, never public."""

    id: int
    village_id: int
    number: str
    public_id: str
    head_name: str
    address: str
    phone: str
    grid_id: int | None
    moral_group_id: int | None
    hardship: bool
    status: str
    created_at: datetime
    members: list[Member] = msgspec.field(default_factory=list)
    hardship_reason: str | msgspec.UnsetType = msgspec.UNSET


class HouseholdCreate(Strict):
    number: Code
    head_name: Name
    address: Address = ""
    phone: Phone = ""
    grid_id: Id | None = None
    moral_group_id: Id | None = None
    hardship: bool = False
    hardship_reason: Reason = ""
    members: Annotated[list[MemberCreate], msgspec.Meta(max_length=30)] = msgspec.field(
        default_factory=list
    )


class HouseholdUpdate(Strict):
    head_name: Name | msgspec.UnsetType = msgspec.UNSET
    address: Address | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType = msgspec.UNSET
    grid_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    moral_group_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    hardship: bool | msgspec.UnsetType = msgspec.UNSET
    hardship_reason: Reason | msgspec.UnsetType = msgspec.UNSET
    status: HouseholdStatus | msgspec.UnsetType = msgspec.UNSET


class HouseholdPage(msgspec.Struct, kw_only=True):
    items: list[Household]
    total: int
    page: int
    page_size: int


class RosterResult(msgspec.Struct, kw_only=True):
    """What a roster import added (or would add, with ``dry_run``)."""

    dry_run: bool
    numbers: list[str]
    new_grids: list[str]
    new_moral_groups: list[str]
