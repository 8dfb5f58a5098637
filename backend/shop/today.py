"""Today's sales at one shop, as the till lists them: so a sale can be reprinted or voided
after the page was reloaded, and the shopkeeper can answer "did that go through?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from backend import clock
from backend.registry import services as registry
from backend.shop import catalogue
from backend.shop.redemption_services import local_midnight
from backend.shop.tables import Redemption, RedemptionLine


@dataclass(frozen=True, slots=True)
class SoldItem:
    """One line of a listed sale: the product's ``name`` and ``unit`` as sold, and how many."""

    name: str
    unit: str
    quantity: int


@dataclass(frozen=True, slots=True)
class TodaysSale:
    """One sale of today at this shop.

    ``id`` and ``receipt_no`` name it; ``household_number`` and ``head_name`` say to whom;
    ``items`` what; ``total`` for how many points; ``created_at`` when and ``shopkeeper`` by
    whom; ``status`` is ``completed`` or ``voided`` (then ``void_reason``); ``voidable`` says
    whether the village's void window is still open for it.
    """

    id: int
    receipt_no: str
    household_number: str
    head_name: str
    items: list[SoldItem]
    total: int
    created_at: datetime
    shopkeeper: str
    status: str
    void_reason: str
    voidable: bool


async def todays_sales(village_id: int, shop_id: int, limit: int = 200) -> list[TodaysSale]:
    """This shop's sales to this village's households since the village's midnight, newest
    first (at most ``limit``)."""
    await catalogue.shop(village_id, shop_id)
    village = await registry.village(village_id)
    now = clock.now()
    rows = (
        await Redemption.select(
            Redemption.id,
            Redemption.receipt_no,
            Redemption.total,
            Redemption.created_at,
            Redemption.actor_name,
            Redemption.status,
            Redemption.void_reason,
            Redemption.household.number,
            Redemption.household.head_name,
        )
        .where(
            (Redemption.village == village_id)
            & (Redemption.shop == shop_id)
            & (Redemption.created_at >= local_midnight(now))
        )
        .order_by(Redemption.id, ascending=False)
        .limit(limit)
        .run()
    )
    items: dict[int, list[SoldItem]] = {row["id"]: [] for row in rows}
    if rows:
        for line in (
            await RedemptionLine.select(
                RedemptionLine.redemption,
                RedemptionLine.name,
                RedemptionLine.unit,
                RedemptionLine.quantity,
            )
            .where(RedemptionLine.redemption.is_in(list(items)))
            .order_by(RedemptionLine.id)
            .run()
        ):
            items[line["redemption"]].append(
                SoldItem(name=line["name"], unit=line["unit"], quantity=line["quantity"])
            )
    window = timedelta(hours=village.void_window_hours)
    return [
        TodaysSale(
            id=row["id"],
            receipt_no=row["receipt_no"],
            household_number=row["household.number"],
            head_name=row["household.head_name"],
            items=items[row["id"]],
            total=row["total"],
            created_at=row["created_at"],
            shopkeeper=row["actor_name"],
            status=row["status"],
            void_reason=row["void_reason"],
            voidable=row["status"] == "completed" and now - row["created_at"] <= window,
        )
        for row in rows
    ]
