"""Volunteer hours, the attendance sheet (xlsx) and the paper sign-in sheet (PDF).

Hours count what was confirmed or at least finished, never a struck name: an activity's length
(start to end) for each household that attended, and for the member who came where the organiser
picked one. The paper sheet lists each household's number and head with a signature line and
no QR code: a card's code is spendable at the shop, and a sheet goes from hand to hand (the
organiser enters who signed by hand in the check-in page).
"""

from __future__ import annotations

import asyncio
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from PIL import Image, ImageDraw

from backend.activities.records import VolunteerHoursRecord
from backend.activities.services import activity, attendances
from backend.activities.tables import Attendance
from backend.printing.fonts import cjk_font
from backend.registry import services as registry
from backend.settings import get_settings
from backend.spreadsheets import defuse

BOLD = Font(bold=True)
SOURCE_ZH = {"card": "积分卡", "phone": "付款码", "manual": "手工"}
A4 = (1654, 2339)
MARGIN, ROW, PER_PAGE = 90, 170, 12


def _zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


async def volunteer_hours(village_id: int, year: int) -> list[VolunteerHoursRecord]:
    """Minutes volunteered in ``year`` per household (``member_id`` None) and per member."""
    zone = _zone()
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    rows = (
        await Attendance.select(
            Attendance.household,
            Attendance.household.number,
            Attendance.household.head_name,
            Attendance.member,
            Attendance.member.name,
            Attendance.activity.starts_at,
            Attendance.activity.ends_at,
        )
        .where(
            (Attendance.village == village_id)
            & (Attendance.struck.eq(False))
            & Attendance.activity._.status.is_in(["finished", "confirmed"])
            & (Attendance.activity._.starts_at >= start)
            & (Attendance.activity._.starts_at < end)
        )
        .run()
    )
    totals: dict[tuple[int, int | None], VolunteerHoursRecord] = {}
    for row in rows:
        minutes = int((row["activity.ends_at"] - row["activity.starts_at"]).total_seconds() // 60)
        keys: list[tuple[int, int | None]] = [(row["household"], None)]
        if row["member"] is not None:
            keys.append((row["household"], row["member"]))
        for household_id, member_id in keys:
            so_far = totals.get((household_id, member_id))
            totals[(household_id, member_id)] = VolunteerHoursRecord(
                household_id=household_id,
                number=row["household.number"],
                head_name=row["household.head_name"],
                member_id=member_id,
                member_name=row["member.name"] if member_id else "",
                minutes=minutes + (so_far.minutes if so_far else 0),
                activities=1 + (so_far.activities if so_far else 0),
            )
    return sorted(totals.values(), key=lambda e: (e.number, e.member_id or 0))


async def attendance_xlsx(village_id: int, activity_id: int) -> tuple[str, bytes]:
    """The activity's attendance as a sheet: who, when, how, and whether it was struck."""
    current = await activity(village_id, activity_id)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "签到表"
    zone = _zone()
    sheet.append([current.title])
    starts, ends = current.starts_at.astimezone(zone), current.ends_at.astimezone(zone)
    sheet.append(
        [
            f"{current.place}  {starts:%Y-%m-%d %H:%M} — {ends:%H:%M}"
            f"  组织者：{current.organiser_name}"
        ]
    )
    sheet.append(["序号", "户号", "户主", "参加人", "签到时间", "方式", "状态", "说明"])
    for cell in sheet[3]:
        cell.font = BOLD
    for n, item in enumerate(await attendances(village_id, activity_id), start=1):
        sheet.append(
            [
                n,
                item.number,
                item.head_name,
                item.member_name,
                f"{item.checked_in_at.astimezone(zone):%Y-%m-%d %H:%M}",
                SOURCE_ZH.get(item.source, item.source),
                "已划去" if item.struck else "有效",
                item.strike_reason or item.problem,
            ]
        )
    out = io.BytesIO()
    defuse(book).save(out)
    return f"attendance-{activity_id}.xlsx", out.getvalue()


def sign_in_pages(title: str, subtitle: str, rows: list[tuple[str, str]]) -> list[Image.Image]:
    """A4 pages of (household number, head) rows, each with a signature line."""
    pages = []
    for first in range(0, max(len(rows), 1), PER_PAGE):
        page = Image.new("L", A4, 255)
        draw = ImageDraw.Draw(page)
        draw.text((MARGIN, 60), title, font=cjk_font(56), fill=0)
        draw.text((MARGIN, 135), subtitle, font=cjk_font(30), fill=0)
        top = 200
        for number, head in rows[first : first + PER_PAGE]:
            draw.text((MARGIN, top + 50), f"{number}  {head}户", font=cjk_font(36), fill=0)
            draw.text((A4[0] - 620, top + 50), "签名：", font=cjk_font(32), fill=0)
            draw.line((A4[0] - 520, top + 95, A4[0] - MARGIN, top + 95), fill=0, width=2)
            draw.line((MARGIN, top + ROW, A4[0] - MARGIN, top + ROW), fill=160, width=1)
            top += ROW
        pages.append(page)
    return pages


async def sign_in_sheet_pdf(village_id: int, activity_id: int) -> bytes:
    """A4 sign-in sheets: every active household with a signature line (no spendable code)."""
    current = await activity(village_id, activity_id)
    rows = [(h.number, h.head_name) for h in await registry.active_households(village_id)]
    when = current.starts_at.astimezone(_zone())
    subtitle = f"{current.place}  {when:%Y年%m月%d日 %H:%M}  签到表"
    images = await asyncio.to_thread(sign_in_pages, current.title, subtitle, rows)
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return out.getvalue()
