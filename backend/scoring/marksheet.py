"""The cross-evaluation marking sheet (交叉评议表) of a marker household: the households its moral
group is assigned to mark in a period, a column per criterion — on screen for staff typing a
sheet in (with the marks already entered), and on A4 paper for members without phones.

The criteria are the categories of the village's current rule book, the words the stars and the
boards already use, so a household's marks and its points speak of the same things.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from backend.errors import NotFound
from backend.printing.fonts import cjk_font
from backend.printing.paper import A4, pdf
from backend.registry.errors import UnknownMoralGroup
from backend.registry.tables import Household, MoralGroup, Village
from backend.scoring.cross import assignments
from backend.scoring.periods import period
from backend.scoring.rules import current_rule_book
from backend.scoring.tables import CrossMark

MARGIN, TOP, ROW, FOOT = 90, 250, 70, 170
FIXED = (("户号", 200), ("户主", 220), ("小组", 260))
PER_PAGE = (A4[1] - TOP - FOOT) // ROW - 1
WHO = (
    Household.id,
    Household.number,
    Household.head_name,
    Household.moral_group,
    Household.moral_group.name,
)


@dataclass(frozen=True, slots=True)
class SheetHousehold:
    """A household as a sheet names it: number, head, moral group."""

    household_id: int
    number: str
    head_name: str
    group_name: str


@dataclass(frozen=True, slots=True)
class SheetRow(SheetHousehold):
    """A household to mark, with the marks this marker already gave it (criterion → 0–10)."""

    marks: dict[str, int]


@dataclass(frozen=True, slots=True)
class MarkingSheet:
    """What one marker household marks in a period: ``criteria`` across, ``households`` down."""

    period_id: int
    period_name: str
    period_state: str
    marker: SheetHousehold
    criteria: list[str]
    households: list[SheetRow]


def _who(row: dict[str, Any]) -> SheetHousehold:
    return SheetHousehold(row["id"], row["number"], row["head_name"], row["moral_group.name"] or "")


async def criteria(village_id: int) -> list[str]:
    """The rule book's categories, in the book's order."""
    book = await current_rule_book(village_id)
    return list(dict.fromkeys(rule.category for rule in book.rules))


async def _sheets(
    village_id: int, period_id: int, markers: list[dict[str, Any]]
) -> list[MarkingSheet]:
    current = await period(village_id, period_id)
    columns = await criteria(village_id)
    targets_of: dict[int, list[int]] = defaultdict(list)
    for pair in await assignments(village_id, period_id):
        targets_of[pair.marker_group_id].append(pair.target_group_id)
    marked = (
        await Household.select(*WHO)
        .where(
            (Household.village == village_id)
            & (Household.status == "active")
            & Household.moral_group.is_in(
                sorted({g for t in targets_of.values() for g in t}) or [0]
            )
        )
        .order_by(Household.number)
        .run()
    )
    given: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for row in (
        await CrossMark.select(
            CrossMark.marker, CrossMark.household, CrossMark.criterion, CrossMark.mark
        )
        .where(
            (CrossMark.village == village_id)
            & (CrossMark.period == period_id)
            & CrossMark.marker.is_in([m["id"] for m in markers] or [0])
        )
        .run()
    ):
        given[(row["marker"], row["household"])][row["criterion"]] = row["mark"]
    return [
        MarkingSheet(
            period_id=period_id,
            period_name=current.name,
            period_state=current.state,
            marker=_who(marker),
            criteria=columns,
            households=[
                SheetRow(
                    household_id=h["id"],
                    number=h["number"],
                    head_name=h["head_name"],
                    group_name=h["moral_group.name"] or "",
                    marks=given[(marker["id"], h["id"])],
                )
                for h in marked
                if h["moral_group"] in targets_of[marker["moral_group"]]
            ],
        )
        for marker in markers
    ]


async def marking_sheet(village_id: int, period_id: int, marker_id: int) -> MarkingSheet:
    """One marker's sheet; a household outside every moral group marks nobody and is refused."""
    marker = (
        await Household.select(*WHO)
        .where((Household.id == marker_id) & (Household.village == village_id))
        .first()
        .run()
    )
    if marker is None:
        raise NotFound()
    if marker["moral_group"] is None:
        raise UnknownMoralGroup()
    [sheet] = await _sheets(village_id, period_id, [marker])
    return sheet


async def marking_sheets(
    village_id: int, period_id: int, *, group_id: int | None = None
) -> list[MarkingSheet]:
    """The sheet of every active member of ``group_id``, or of every group assigned to mark
    in the period, in household-number order."""
    if group_id is not None:
        groups = [group_id]
        if (
            not await MoralGroup.exists()
            .where((MoralGroup.id == group_id) & (MoralGroup.village == village_id))
            .run()
        ):
            raise UnknownMoralGroup()
    else:
        groups = sorted({a.marker_group_id for a in await assignments(village_id, period_id)})
    markers = (
        await Household.select(*WHO)
        .where(
            (Household.village == village_id)
            & (Household.status == "active")
            & Household.moral_group.is_in(groups or [0])
        )
        .order_by(Household.number)
        .run()
    )
    return await _sheets(village_id, period_id, markers)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int = 28) -> Any:
    while size > 14 and draw.textlength(text, font=cjk_font(size)) > width - 10:
        size -= 2
    return cjk_font(size)


def _page(
    village: str, sheet: MarkingSheet, rows: list[SheetRow], number: int, pages: int
) -> Image.Image:
    page = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(page)
    marker = sheet.marker
    draw.text(
        (MARGIN, 55),
        f"{village} {sheet.period_name} 道德小组交叉评议表",
        font=cjk_font(50),
        fill=0,
    )
    draw.text(
        (MARGIN, 130),
        f"评议人：{marker.number} {marker.head_name}户（{marker.group_name}）",
        font=cjk_font(32),
        fill=0,
    )
    draw.text((MARGIN, 182), "每项填 0–10 的整数分；不评本组的户。", font=cjk_font(26), fill=90)
    draw.text(
        (A4[0] - MARGIN, 140), f"第 {number}/{pages} 页", font=cjk_font(26), fill=0, anchor="ra"
    )
    columns = list(FIXED)
    free = A4[0] - 2 * MARGIN - sum(w for _, w in FIXED)
    width = free // max(len(sheet.criteria), 1)
    columns += [(c, width) for c in sheet.criteria]
    top = TOP
    for cells in [
        [c for c, _ in columns],
        *[[h.number, h.head_name, h.group_name] for h in rows],
    ]:
        left = MARGIN
        for (_, w), text in zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True):
            draw.rectangle((left, top, left + w, top + ROW), outline=0, width=2)
            draw.text(
                (left + w // 2, top + ROW // 2), text, font=_fit(draw, text, w), fill=0, anchor="mm"
            )
            left += w
        top += ROW
    if not sheet.households:
        draw.text((MARGIN, top + 40), "本期没有安排本组评议其他小组。", font=cjk_font(32), fill=0)
    if number == pages:
        draw.text(
            (MARGIN, A4[1] - FOOT + 40),
            "评议人签名：________________    日期：____年____月____日",
            font=cjk_font(32),
            fill=0,
        )
    return page


def sheet_pages(village: str, sheets: list[MarkingSheet]) -> list[Image.Image]:
    """A4 pages, each sheet starting on a page of its own; a blank note when there is none."""
    images = []
    for sheet in sheets:
        rows = sheet.households
        chunks = [rows[n : n + PER_PAGE] for n in range(0, len(rows), PER_PAGE)] or [[]]
        images += [
            _page(village, sheet, chunk, n, len(chunks)) for n, chunk in enumerate(chunks, start=1)
        ]
    if not images:
        page = Image.new("L", A4, 255)
        ImageDraw.Draw(page).text(
            (MARGIN, 60), f"{village}：本期还没有安排交叉评议。", font=cjk_font(40), fill=0
        )
        images.append(page)
    return images


async def marking_sheets_pdf(village_id: int, sheets: list[MarkingSheet]) -> bytes:
    village = await Village.select(Village.name).where(Village.id == village_id).first().run()
    name = village["name"] if village else ""
    return await asyncio.to_thread(lambda: pdf(sheet_pages(name, sheets)))
