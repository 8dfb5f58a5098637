"""The tenant tree: town → village → grid, and the households that earn and spend.

Nothing here is hard-deleted: a household that moves away is marked ``moved`` so its ledger and
history stay readable. Every foreign key restricts deletion for the same reason.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from backend.clock import ClockNow


class Town(Table):
    """A township (镇): the unit a town admin oversees; villages belong to one."""

    id: Serial
    name = Varchar(length=100)
    code = Varchar(length=32, unique=True)
    created_at = Timestamptz(default=ClockNow())


DEFAULT_PIN_THRESHOLD = 20


class Village(Table):
    """A village (村): the unit of rules, boards and ledger; every hot table carries its id."""

    id: Serial
    town = ForeignKey(references=Town, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=100)
    code = Varchar(length=32, unique=True)
    allow_negative_balance = Boolean(default=False)
    notice_days = Integer(default=3)
    board_size = Integer(default=5)
    # Sales above this many points ask for the household's PIN (0: never). Not 0 by default:
    # a printed card without a PIN check is cash to whoever finds it.
    pin_threshold = Integer(default=DEFAULT_PIN_THRESHOLD)
    daily_cap = Integer(default=0)
    void_window_hours = Integer(default=24)
    red_bonus = Integer(default=0)
    board_include_idle = Boolean(default=False)
    black_line = Integer(default=0)
    screen_token = Varchar(length=64, default="")
    # An adjustment of more points than this needs a second committee member's approval.
    adjustment_approval_above = Integer(default=100)
    created_at = Timestamptz(default=ClockNow())


class Grid(Table):
    """A grid (网格): the households one grid officer looks after."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=100)
    created_at = Timestamptz(default=ClockNow())


class MoralGroup(Table):
    """A moral group (道德小组): households that cross-evaluate the other groups each quarter."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=100)
    created_at = Timestamptz(default=ClockNow())


class Household(Table):
    """A household (户): earns points, spends them, and is ranked.

    ``number`` is the 户号 people say aloud and type at login; ``public_id`` is the random
    base32 id printed in card QR codes, so cards reveal nothing guessable.
    """

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    grid = ForeignKey(references=Grid, on_delete=OnDelete.restrict, null=True)
    moral_group = ForeignKey(references=MoralGroup, on_delete=OnDelete.restrict, null=True)
    number = Varchar(length=32)
    public_id = Varchar(length=16)  # unique per village
    head_name = Varchar(length=50)
    address = Varchar(length=200, default="")
    phone = Varchar(length=32, default="")
    hardship = Boolean(default=False)
    # Why the committee marked the household 关怀户: for the committee only, never shown on a
    # public or villager page.
    hardship_reason = Varchar(length=200, default="")
    status = Varchar(length=16, default="active")
    created_at = Timestamptz(default=ClockNow())
    updated_at = Timestamptz(default=ClockNow())


class Member(Table):
    """A person in a household: who turned up to a clean-up, whose name is on the card."""

    id: Serial
    household = ForeignKey(references=Household, on_delete=OnDelete.restrict, null=False)
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=50)
    relation = Varchar(length=20)
    active = Boolean(default=True)
    # active, moved (迁出) or deceased (去世); ``active`` is true exactly when status is active.
    status = Varchar(length=16, default="active")
    created_at = Timestamptz(default=ClockNow())
