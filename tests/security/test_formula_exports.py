"""Issue 15 #11: names typed by people never come back as live formulas in an export.

A head of household called ``=HYPERLINK(…)``, a product called ``=cmd|…`` and a donor called
``@SUM(…)`` are written into the ledger CSV and xlsx, the shop's settlement, an activity's
attendance sheet and a period's score sheet; each file is opened the way Excel would read it
(openpyxl without ``data_only``, the CSV as text) and no cell may be a formula.
"""

from __future__ import annotations

import csv
import io

import httpx
from openpyxl import load_workbook

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.ledger import services as ledger
from backend.registry import services as registry
from backend.shop import catalogue
from backend.spreadsheets import FORMULA_LEADS
from tests.factories import add_scoring, make_place, make_town, unique

HEAD = '=HYPERLINK("http://evil.example/","点我领奖")'
PRODUCT = "=cmd|' /C calc'!A0"
DONOR = "@SUM(1+1)*cmd|' /C calc'!A0"
REASON = "+1+1"


def formula_cells(body: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(body))  # formulas kept, as Excel would see them
    return [
        f"{sheet.title}!{cell.coordinate}={cell.value}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def texts(body: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(body))
    return [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


async def test_exports_write_people_s_text_as_text(client: httpx.AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    household = place.households[0].id
    await registry.update_household(CLI_ACTOR, place.village_id, household, {"head_name": HEAD})
    await catalogue.update_product(
        CLI_ACTOR, place.village_id, place.shop_id, place.product_id, {"name": PRODUCT}
    )
    await catalogue.restock(
        CLI_ACTOR, place.village_id, place.shop_id, place.product_id, 5, DONOR, None
    )
    await ledger.award(CLI_ACTOR, place.village_id, household, 3, key=unique("f"), reason=REASON)
    scoring = await add_scoring(place)
    committee = place.headers(Role.committee)
    base = f"/api/v1/villages/{place.village_id}"

    sheets = {
        "ledger.xlsx": f"{base}/ledger/export?format=xlsx",
        "settlement": f"{base}/shops/{place.shop_id}/settlement",
        "attendance": f"{base}/activities/{scoring['activity_id']}/attendances/xlsx",
        "score sheet": f"{base}/periods/{scoring['period_id']}/score-sheet",
    }
    for what, url in sheets.items():
        response = await client.get(url, headers=committee)
        assert response.status_code == 200, (what, response.text)
        assert formula_cells(response.content) == [], what
    assert HEAD in texts((await client.get(sheets["ledger.xlsx"], headers=committee)).content)
    settlement = texts((await client.get(sheets["settlement"], headers=committee)).content)
    assert PRODUCT in settlement and DONOR in settlement

    response = await client.get(f"{base}/ledger/export?format=csv", headers=committee)
    assert response.status_code == 200
    fields = [
        f for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for f in row
    ]
    assert "'" + HEAD in fields
    assert not [f for f in fields if f.startswith(FORMULA_LEADS) and not f.lstrip("-").isdigit()]
