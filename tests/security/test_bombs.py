"""Issue 15 #10: small uploads that unpack huge are refused before they are decoded, and what
is decoded runs off the event loop.

Each test uploads through real HTTP while a ticker on the same event loop measures the longest
time the loop was held: before the fix a 12000×12000 picture and a 100 KB score sheet held it
for seconds (every other request of the server waited), now they are refused in milliseconds.
"""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from collections.abc import Awaitable
from datetime import date

import httpx
import pytest
from openpyxl import Workbook
from PIL import Image

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.scoring import periods, rules
from backend.spreadsheets import SheetTooLarge, xlsx_rows
from tests.factories import TIDY_YARD, make_place, make_town, unique

LONGEST_PAUSE = 0.5  # seconds the event loop may be held; a refusal takes milliseconds


async def longest_pause(request: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    """Run the request while a ticker measures the longest gap between its 10 ms ticks."""
    done = asyncio.Event()
    longest = 0.0

    async def tick() -> None:
        nonlocal longest
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            longest = max(longest, now - last)
            last = now

    ticker = asyncio.create_task(tick())
    try:
        response = await request
    finally:
        done.set()
        await ticker
    return response, longest


def picture_bomb() -> bytes:
    """A 1-bit 12000×12000 PNG: ~20 KB on the wire, 144 million pixels decoded."""
    out = io.BytesIO()
    Image.new("1", (12000, 12000), 1).save(out, format="PNG", optimize=True)
    return out.getvalue()


def sheet_bomb(rows: int = 5000, columns: int = 500) -> bytes:
    """A real xlsx whose first sheet is replaced by ``rows`` × ``columns`` cells of 1: about
    100 KB zipped, 40 MB of XML and 2.5 million cells unzipped."""
    book = Workbook()
    assert book.active is not None
    book.active.append(["户号"])
    plain = io.BytesIO()
    book.save(plain)
    row = "<row>" + "<c><v>1</v></c>" * columns + "</row>"
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + row * rows
        + "</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for member in source.infolist():
            body = (
                sheet.encode() if member.filename.endswith("sheet1.xml") else (source.read(member))
            )
            bomb.writestr(member.filename, body)
    return out.getvalue()


async def test_a_picture_bomb_is_refused_from_its_header(client: httpx.AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    body = picture_bomb()
    assert len(body) < 100_000
    url = (
        f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/products/"
        f"{place.product_id}/picture"
    )
    response, pause = await longest_pause(
        client.post(
            url,
            files={"data": ("bomb.png", body, "image/png")},
            headers=place.headers(Role.shopkeeper),
        )
    )
    assert response.status_code == 422 and response.json()["code"] == "bad_picture"
    assert pause < LONGEST_PAUSE, f"the event loop was held {pause:.2f} s"


async def test_spreadsheet_bombs_are_refused_without_holding_the_server(
    client: httpx.AsyncClient,
) -> None:
    place = await make_place((await make_town()).id)
    await rules.adopt_rule_book(CLI_ACTOR, place.village_id, [TIDY_YARD])
    period = await periods.open_period(
        CLI_ACTOR,
        place.village_id,
        name=unique("P"),
        kind="month",
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
    )
    body = sheet_bomb()
    assert len(body) < 1_000_000
    base = f"/api/v1/villages/{place.village_id}"
    for url in (f"{base}/periods/{period.id}/score-sheet", f"{base}/rule-book/xlsx"):
        response, pause = await longest_pause(
            client.post(
                url, files={"data": ("bomb.xlsx", body)}, headers=place.headers(Role.committee)
            )
        )
        assert response.status_code == 422, (url, response.text)
        assert "太大" in response.json()["problems"][0]["message"]
        assert pause < LONGEST_PAUSE, f"{url}: the event loop was held {pause:.2f} s"


def test_reading_a_sheet_stops_at_its_time_limit() -> None:
    """Within the unpacked-size limit a sheet can still be slow to read: the reader gives up."""
    body = sheet_bomb(rows=2000, columns=20)
    assert len(xlsx_rows(body, max_rows=5000, max_cols=30)) == 2000
    with pytest.raises(SheetTooLarge):
        xlsx_rows(body, max_rows=5000, max_cols=30, seconds=0.0)
