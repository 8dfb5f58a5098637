"""The boards API's shapes."""

from __future__ import annotations

from datetime import datetime

import msgspec


class Ranked(msgspec.Struct, kw_only=True):
    household_id: int
    number: str
    head_name: str
    earned: int
    rank: int


class Leaderboard(msgspec.Struct, kw_only=True):
    scope: str
    scope_id: int | None
    period_id: int | None
    items: list[Ranked]


class Rank(msgspec.Struct, kw_only=True):
    household_id: int
    earned: int
    rank: int
    ranked: int
    neighbours: list[Ranked]


class Category(msgspec.Struct, kw_only=True):
    category: str
    points: int


class Listed(msgspec.Struct, kw_only=True):
    rank: int
    household_id: int
    number: str
    head_name: str
    earned: int
    categories: list[Category]


class BoardPreview(msgspec.Struct, kw_only=True):
    village_id: int
    village_name: str
    period_id: int
    period_name: str
    period_state: str
    size: int
    red: list[Listed]
    black: list[Listed]
    rule_text: str
    black_line: int
    hardship_left_off: int


class Board(msgspec.Struct, kw_only=True):
    id: int
    village_id: int
    village_name: str
    period_id: int
    period_name: str
    size: int
    red: list[Listed]
    black: list[Listed]
    rule_text: str
    chain_seq: int
    chain_head: str
    publisher_name: str
    published_at: datetime
    black_line: int
    hardship_left_off: int | None
    """How many hardship households below the line were left off: for the committee and the
    town admin only (None for anyone else, so hardship cannot be inferred)."""
    public_id: str


# What a request with no login may read (the privacy tiers of docs/design.md): a rank, a masked name
# (张*三) and the points — no household ids or numbers, no deduction categories. Full names are
# for the village: the printed poster, logged-in people, a hall screen opened with the
# committee's screen link (``full_names``).


class PublicListed(msgspec.Struct, kw_only=True):
    rank: int
    name: str
    earned: int


class PublicBoard(msgspec.Struct, kw_only=True):
    """``black_withdrawn``: the black board left public view when the next period's board was
    published (its lines are then empty)."""

    public_id: str
    village_name: str
    period_name: str
    size: int
    red: list[PublicListed]
    black: list[PublicListed]
    black_withdrawn: bool
    black_line: int
    rule_text: str
    chain_seq: int
    chain_head: str
    published_at: datetime


class PublicNoticeLine(msgspec.Struct, kw_only=True):
    """A line of the period on notice as the hall screen shows it: with the screen link, the
    head's full name and the rule; without, a masked name and the rule of awards only (never
    what a deduction was for)."""

    name: str
    title: str
    points: int


class PublicNotice(msgspec.Struct, kw_only=True):
    period_name: str
    notice_ends_at: datetime
    lines: list[PublicNoticeLine]


class PublicScreen(msgspec.Struct, kw_only=True):
    village_name: str
    full_names: bool
    board: PublicBoard | None
    top: list[PublicListed]
    notice: PublicNotice | None = None


class ScreenLink(msgspec.Struct, kw_only=True):
    """The hall screen's full-name link: shown once when made; only its hash is kept."""

    token: str
    path: str


class BoardsCheck(msgspec.Struct, kw_only=True):
    """The village's boards in the running server's Redis against the ledger (what
    ``jifen boards check`` asks on the embedded default, where Redis lives in the server)."""

    village_id: int
    differences: list[str]


class PublicUrl(msgspec.Struct, kw_only=True):
    """The address printed QR codes open (``JIFEN_PUBLIC_URL`` or the request's);
    ``warn``: a loopback address, which opens nothing on a villager's phone."""

    url: str
    configured: bool
    warn: bool
