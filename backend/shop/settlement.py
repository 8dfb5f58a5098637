"""The monthly settlement (对账单) of a shop, as the xlsx the township pays or thanks it by."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font

from backend.settings import get_settings
from backend.shop import catalogue
from backend.shop.tables import Redemption, RedemptionLine, StockMovement
from backend.spreadsheets import defuse

BOLD = Font(bold=True)


@dataclass(frozen=True, slots=True)
class SettledGoods:
    """One product (by the name and unit it was sold under) over the month's completed sales."""

    name: str
    unit: str
    quantity: int
    points: int


@dataclass(frozen=True, slots=True)
class Donation:
    """One restock of the month, with who gave it and its value in fen (None: not known)."""

    created_at: datetime
    product_name: str
    product_unit: str
    quantity: int
    donor: str
    value_fen: int | None


@dataclass(frozen=True, slots=True)
class Settlement:
    """A shop's month (``month`` as ``YYYY-MM``): completed and voided sales, the points the
    completed ones took, the goods they took, and the donated stock."""

    shop: str
    month: str
    sales: int
    voided: int
    points: int
    goods: list[SettledGoods]
    donations: list[Donation]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    zone = ZoneInfo(get_settings().timezone)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


async def settlement(village_id: int, shop_id: int, year: int, month: int) -> Settlement:
    """Points redeemed, goods and quantities, and donated stock of one shop in one month."""
    shop = await catalogue.shop(village_id, shop_id)
    start, end = month_bounds(year, month)
    in_month = (
        (Redemption.shop == shop_id)
        & (Redemption.created_at >= start)
        & (Redemption.created_at < end)
    )
    sales = (
        await Redemption.select(Redemption.id, Redemption.total, Redemption.status)
        .where(in_month)
        .run()
    )
    completed = [s["id"] for s in sales if s["status"] == "completed"]
    goods: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for line in (
        await RedemptionLine.select(
            RedemptionLine.name,
            RedemptionLine.unit,
            RedemptionLine.quantity,
            RedemptionLine.subtotal,
        )
        .where(RedemptionLine.redemption.is_in(completed or [0]))
        .run()
    ):
        goods[(line["name"], line["unit"])][0] += line["quantity"]
        goods[(line["name"], line["unit"])][1] += line["subtotal"]
    donations = (
        await StockMovement.select(
            StockMovement.created_at,
            StockMovement.product.name.as_alias("product_name"),
            StockMovement.product.unit.as_alias("product_unit"),
            StockMovement.quantity,
            StockMovement.donor,
            StockMovement.value_fen,
        )
        .where(
            (StockMovement.shop == shop_id)
            & (StockMovement.kind == "restock")
            & (StockMovement.created_at >= start)
            & (StockMovement.created_at < end)
        )
        .order_by(StockMovement.id)
        .run()
    )
    return Settlement(
        shop=shop.name,
        month=f"{year}-{month:02d}",
        sales=len(completed),
        voided=len(sales) - len(completed),
        points=sum(s["total"] for s in sales if s["status"] == "completed"),
        goods=[
            SettledGoods(name=n, unit=u, quantity=q, points=p)
            for (n, u), (q, p) in sorted(goods.items())
        ],
        donations=[Donation(**row) for row in donations],
    )


def settlement_xlsx(report: Settlement) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    summary.append([f"{report.shop} {report.month} 积分兑换对账单"])
    summary["A1"].font = BOLD
    for row in (
        ("兑换笔数", report.sales),
        ("撤销笔数", report.voided),
        ("兑换积分合计", report.points),
    ):
        summary.append(list(row))
    goods = book.create_sheet("商品")
    goods.append(["商品", "单位", "数量", "积分"])
    for item in report.goods:
        goods.append([item.name, item.unit, item.quantity, item.points])
    donated = book.create_sheet("捐赠入库")
    donated.append(["日期", "商品", "数量", "单位", "捐赠方", "价值（元）"])
    for gift in report.donations:
        donated.append(
            [
                gift.created_at.astimezone(ZoneInfo(get_settings().timezone)).strftime("%Y-%m-%d"),
                gift.product_name,
                gift.quantity,
                gift.product_unit,
                gift.donor,
                None if gift.value_fen is None else gift.value_fen / 100,
            ]
        )
    for sheet in (goods, donated):
        for cell in sheet[1]:
            cell.font = BOLD
    buffer = io.BytesIO()
    defuse(book).save(buffer)
    return buffer.getvalue()
