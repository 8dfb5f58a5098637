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


class Screen(msgspec.Struct, kw_only=True):
    village_id: int
    village_name: str
    board: Board | None
    top: list[Ranked]
