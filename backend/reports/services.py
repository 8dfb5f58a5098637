"""The township dashboard: each village of a town side by side, read from the other domains'
tables (registry, ledger, scoring, shop) without writing anything.

Why its own domain: the figures cut across four domains and belong to none of them; keeping the
cross-domain reads here leaves each domain's services about its own rules.

Figures, per village:
- ``households``: active households; ``participating``: those with any activity — a ledger
  transfer on their account or a (not rejected) evaluation;
- ``issued``: points awarded (awards and bonuses); ``redeemed``: points spent at the
  supermarket in sales that were not voided;
- ``open_objections``: objections waiting for the committee;
- ``stock_value``: shelf value in points (price × stock of active products of its shops).

With a month chosen (``year``, ``month``, in the township's time zone) the flows — participating,
issued, redeemed — count that calendar month only; open objections and stock are today's, since
they are states, not flows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count, Sum

from backend.ledger.tables import Account, Transfer
from backend.registry.tables import Household, Village
from backend.reports.chart import bar_chart
from backend.scoring.tables import Evaluation, Objection
from backend.shop.settlement import month_bounds
from backend.shop.tables import Product, Redemption

AWARD_KINDS = ["award", "bonus"]


class VillageFigures(msgspec.Struct, frozen=True, kw_only=True):
    """One village's row of the dashboard, with its bar chart of issued, redeemed and stock."""

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


async def _sums(table: Any, value: Any, where: Any) -> dict[int, int]:
    """``value`` aggregated per village (Sum or Count aliased ``n``)."""
    rows = (
        await table.select(table.village, value.as_alias("n"))
        .where(where)
        .group_by(table.village)
        .run()
    )
    return {r["village"]: int(r["n"] or 0) for r in rows}


def _within(column: Any, bounds: tuple[datetime, datetime] | None) -> Any:
    """``column`` inside the chosen month, or no condition at all without one."""
    if bounds is None:
        return column.is_not_null()
    return (column >= bounds[0]) & (column < bounds[1])


async def _participating(
    village_ids: list[int], bounds: tuple[datetime, datetime] | None = None
) -> dict[int, int]:
    accounts = {
        r["id"]: (r["village"], r["owner"])
        for r in await Account.select(Account.id, Account.village, Account.owner)
        .where(Account.village.is_in(village_ids) & (Account.kind == "household"))
        .run()
    }
    active: dict[int, set[int]] = defaultdict(set)
    moved = (
        await Transfer.select(Transfer.debit, Transfer.credit)
        .where(Transfer.village.is_in(village_ids) & _within(Transfer.created_at, bounds))
        .distinct()
        .run()
    )
    for row in moved:
        for account in (row["debit"], row["credit"]):
            if account in accounts:
                village, household = accounts[account]
                active[village].add(household)
    scored = (
        await Evaluation.select(Evaluation.village, Evaluation.household)
        .where(
            Evaluation.village.is_in(village_ids)
            & (Evaluation.state != "rejected")
            & _within(Evaluation.created_at, bounds)
        )
        .distinct()
        .run()
    )
    for row in scored:
        active[row["village"]].add(row["household"])
    return {village: len(households) for village, households in active.items()}


async def town_dashboard(
    town_id: int, year: int | None = None, month: int | None = None
) -> list[VillageFigures]:
    """One row per village of the town, by village id, each with its bar chart (SVG); the flows
    of one calendar month when ``year`` and ``month`` are given, of all time otherwise."""
    bounds = month_bounds(year, month) if year and month else None
    villages = (
        await Village.select(Village.id, Village.name, Village.code)
        .where(Village.town == town_id)
        .order_by(Village.id)
        .run()
    )
    ids = [v["id"] for v in villages] or [0]
    households = await _sums(
        Household,
        Count(Household.id),
        Household.village.is_in(ids) & (Household.status == "active"),
    )
    participating = await _participating(ids, bounds)
    issued = await _sums(
        Transfer,
        Sum(Transfer.amount),
        Transfer.village.is_in(ids)
        & Transfer.kind.is_in(AWARD_KINDS)
        & _within(Transfer.created_at, bounds),
    )
    redeemed = await _sums(
        Redemption,
        Sum(Redemption.total),
        Redemption.village.is_in(ids)
        & (Redemption.status == "completed")
        & _within(Redemption.created_at, bounds),
    )
    objections = await _sums(
        Objection, Count(Objection.id), Objection.village.is_in(ids) & (Objection.state == "open")
    )
    stock: dict[int, int] = defaultdict(int)
    for p in (
        await Product.select(Product.village, Product.price, Product.stock)
        .where(Product.village.is_in(ids) & Product.active.eq(True))
        .run()
    ):
        stock[p["village"]] += p["price"] * max(p["stock"], 0)
    rows = []
    for v in villages:
        spent, given, shelf = redeemed.get(v["id"], 0), issued.get(v["id"], 0), stock[v["id"]]
        rows.append(
            VillageFigures(
                village_id=v["id"],
                name=v["name"],
                code=v["code"],
                households=households.get(v["id"], 0),
                participating=participating.get(v["id"], 0),
                issued=given,
                redeemed=spent,
                open_objections=objections.get(v["id"], 0),
                stock_value=shelf,
                chart_svg=bar_chart([("发放", given), ("兑换", spent), ("库存", shelf)]),
            )
        )
    return rows
