"""The score sheet round trip: download, fill in, upload — all or nothing, every bad cell named."""

from __future__ import annotations

import io

from httpx import AsyncClient
from openpyxl import load_workbook

from backend.auth.principal import Role
from tests.scoring.conftest import Village, open_period


async def download(client: AsyncClient, village: Village, period_id: int) -> bytes:
    response = await client.get(village.url(f"/periods/{period_id}/score-sheet"),
                                headers=village.headers(Role.grid_officer))
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.content


async def upload(
    client: AsyncClient, village: Village, period_id: int, body: bytes, name: str,
    query: str = "",
) -> tuple[int, dict]:
    response = await client.post(
        village.url(f"/periods/{period_id}/score-sheet{query}"),
        files={"data": (name, body)}, headers=village.headers(Role.committee),
    )
    return response.status_code, response.json()


async def entered(client: AsyncClient, village: Village, period_id: int) -> list[dict]:
    response = await client.get(village.url(f"/periods/{period_id}/evaluations"),
                                headers=village.headers(Role.committee))
    rows: list[dict] = response.json()
    return rows


async def test_an_upload_with_one_bad_cell_changes_nothing(
    client: AsyncClient, village: Village
) -> None:
    period_id = await open_period(client, village)
    workbook = load_workbook(io.BytesIO(await download(client, village, period_id)))
    sheet = workbook.active
    assert sheet is not None
    assert [c.value for c in sheet[2]][:3] == ["户号", "户主", "HJ01 门前三包，庭院整洁 (+5)"]
    assert [sheet["A3"].value, sheet["B3"].value] == ["H1", "王建国"]
    sheet["C3"] = 2     # HJ01 twice for H1
    sheet["E4"] = 1     # HJ02 乱堆乱放 once for H2
    sheet["D4"] = "两次"  # not a number
    bad = io.BytesIO()
    workbook.save(bad)

    status, body = await upload(client, village, period_id, bad.getvalue(), "sheet.xlsx")
    assert status == 422 and body["code"] == "bad_sheet"
    assert [(p["row"], p["column"]) for p in body["problems"]] == [(4, "D")]
    assert "两次" in body["problems"][0]["message"]
    assert await entered(client, village, period_id) == []

    sheet["D4"] = 1
    good = io.BytesIO()
    workbook.save(good)
    status, preview = await upload(client, village, period_id, good.getvalue(), "sheet.xlsx",
                                   "?dry_run=true")
    assert status == 200 and preview["dry_run"] is True, preview
    assert sorted((e["household_number"], e["rule_code"], e["times"])
                  for e in preview["entries"]) == [("H1", "HJ01", 2), ("H2", "HJ02", 1),
                                                   ("H2", "XL01", 1)]
    assert await entered(client, village, period_id) == []

    status, result = await upload(client, village, period_id, good.getvalue(), "sheet.xlsx")
    assert status == 200 and len(result["evaluation_ids"]) == 4
    assert sum(e["points"] for e in await entered(client, village, period_id)) == 5 * 2 - 2 + 10

    status, again = await upload(client, village, period_id, good.getvalue(), "sheet.xlsx")
    assert status == 422
    assert {(p["row"], p["column"]) for p in again["problems"]} == {(3, "C"), (4, "D")}
    assert len(await entered(client, village, period_id)) == 4


async def test_a_gbk_csv_imports_chinese_names(client: AsyncClient, village: Village) -> None:
    period_id = await open_period(client, village)
    text = (f"评议周期,2026年11月,周期编号,{period_id}\r\n"
            "户号,户主,HJ01 门前三包，庭院整洁 (+5),XL01 孝老爱亲 (+10)\r\n"
            "H1,王建国,1,\r\nH2,李秀英,,1\r\n")
    status, body = await upload(client, village, period_id, text.encode("gbk"), "sheet.csv")
    assert status == 200, body
    assert len(body["evaluation_ids"]) == 2

    shifted = text.replace("H1,王建国", "H1,李秀英").replace("1,\r\n", "2,\r\n")
    status, body = await upload(client, village, period_id,
                                b"\xef\xbb\xbf" + shifted.encode("utf-8"), "sheet.csv")
    assert status == 422
    assert body["problems"][0]["row"] == 3 and body["problems"][0]["column"] == "B"
    assert "王建国" in body["problems"][0]["message"]


async def test_batch_grid_is_all_or_nothing(client: AsyncClient, village: Village) -> None:
    period_id = await open_period(client, village)
    first, second = (h["id"] for h in village.place.households)
    url = village.url(f"/periods/{period_id}/evaluations/batch")
    cells = [{"household_id": first, "rule_id": village.rules["HJ01"], "times": 1},
             {"household_id": second, "rule_id": village.rules["HJ01"], "times": 3},
             {"household_id": 999999, "rule_id": village.rules["HJ02"]}]
    refused = await client.post(url, json={"cells": cells},
                                headers=village.headers(Role.committee))
    assert refused.status_code == 422
    assert [p["index"] for p in refused.json()["problems"]] == [1, 2]
    assert await entered(client, village, period_id) == []
    done = await client.post(url, json={"cells": cells[:1]},
                             headers=village.headers(Role.committee))
    assert done.status_code == 200 and len(done.json()["evaluation_ids"]) == 1


async def test_wrong_period_and_unknown_rule_are_named(
    client: AsyncClient, village: Village
) -> None:
    period_id = await open_period(client, village)
    text = ("评议周期,2026年10月,周期编号,1\r\n户号,户主,ZZ99 不存在,HJ01\r\n"
            "H9,,1,\r\nH1,,,x\r\n")
    status, body = await upload(client, village, period_id, text.encode(), "sheet.csv")
    assert status == 422
    assert [(p["row"], p["column"]) for p in body["problems"]] == [
        (1, "D"), (2, "C"), (3, "A"), (4, "D")]
