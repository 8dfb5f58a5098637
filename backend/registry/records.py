"""What the registry services answer: typed records, converted to the API's shapes by the
controllers (``backend/registry/schemas.py``) field for field — except a household's
``hardship_reason``, which the controller withholds from readers who may not see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TownRecord:
    """A town (镇): the villages it runs are its town admins' to see."""

    id: int
    name: str
    code: str


@dataclass(frozen=True, slots=True)
class VillageRecord:
    """A village (村) with the settings its committee keeps: the shop's PIN threshold and daily
    cap, the void window, the boards' size, bonus and black line, the notice days."""

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
    black_line: int
    adjustment_approval_above: int


@dataclass(frozen=True, slots=True)
class VillageGroup:
    """A grid (网格) or a moral group (道德小组): a named group of one village's households."""

    id: int
    village_id: int
    name: str


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """A person of the household; ``status`` (active, moved, deceased) and ``active`` always
    agree — nobody is deleted."""

    id: int
    name: str
    relation: str
    active: bool
    status: str


@dataclass(frozen=True, slots=True)
class HouseholdRecord:
    """A household (户) of one village. ``members`` is empty where a reader does not ask for
    them (a listing, the kiosk's scan)."""

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
    hardship_reason: str
    status: str
    created_at: datetime
    members: tuple[MemberRecord, ...] = ()
