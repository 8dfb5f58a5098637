"""The township dashboard's API shape."""

from __future__ import annotations

import msgspec


class VillageFigures(msgspec.Struct, kw_only=True):
    village_id: int
    name: str
    code: str
    households: int
    participating: int
    issued: int
    redeemed: int
    open_objections: int
    stock_value: int
    chart_svg: str


class TownDashboard(msgspec.Struct, kw_only=True):
    town_id: int
    villages: list[VillageFigures]
    # The month the flows count (both null: all time).
    year: int | None = None
    month: int | None = None
