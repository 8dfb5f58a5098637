"""The score sheet round trip: download, fill in, upload — all or nothing, every bad cell named."""

from __future__ import annotations

import asyncio
import io

from httpx import AsyncClient
from openpyxl import load_workbook

from backend.auth.principal import Role
from tests.scoring.conftest import Village, open_period


async def download(client: AsyncClient, village: Village, period_id: int) -> bytes:
    response = await client.get(
        village.url(f"/periods/{period_id}/score-sheet"), headers=village.headers(Role.grid_officer)
    )
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.content


async def upload(
    client: AsyncClient,
    village: Village,
    period_id: int,
    body: bytes,
    name: str,
    query: str = "",
) -> tuple[int, dict]:
    response = await client.post(
        village.url(f"/periods/{period_id}/score-sheet{query}"),
        files={"data": (name, body)},
        headers=village.headers(Role.committee),
    )
    return response.status_code, response.json()


async def entered(client: AsyncClient, village: Village, period_id: int) -> list[dict]:
    response = await client.get(
        village.url(f"/periods/{period_id}/evaluations"), headers=village.headers(Role.committee)
    )
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
    sheet["C3"] = 2  # HJ01 twice for H1
    sheet["E4"] = 1  # HJ02 乱堆乱放 once for H2
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
    status, preview = await upload(
        client, village, period_id, good.getvalue(), "sheet.xlsx", "?dry_run=true"
    )
    assert status == 200 and preview["dry_run"] is True, preview
    assert sorted(
        (e["household_number"], e["rule_code"], e["times"]) for e in preview["entries"]
    ) == [("H1", "HJ01", 2), ("H2", "HJ02", 1), ("H2", "XL01", 1)]
    assert await entered(client, village, period_id) == []

    status, result = await upload(client, village, period_id, good.getvalue(), "sheet.xlsx")
    assert status == 200 and len(result["evaluation_ids"]) == 4
    assert sum(e["points"] for e in await entered(client, village, period_id)) == 5 * 2 - 2 + 10

    sheet["C3"] = 1
    more = io.BytesIO()
    workbook.save(more)
    status, again = await upload(client, village, period_id, more.getvalue(), "sheet.xlsx")
    assert status == 422
    assert {(p["row"], p["column"]) for p in again["problems"]} == {(3, "C"), (4, "D")}
    assert len(await entered(client, village, period_id)) == 4


async def test_a_gbk_csv_imports_chinese_names(client: AsyncClient, village: Village) -> None:
    period_id = await open_period(client, village)
    text = (
        f"评议周期,2026年11月,周期编号,{period_id}\r\n"
        "户号,户主,HJ01 门前三包，庭院整洁 (+5),XL01 孝老爱亲 (+10)\r\n"
        "H1,王建国,1,\r\nH2,李秀英,,1\r\n"
    )
    status, body = await upload(client, village, period_id, text.encode("gbk"), "sheet.csv")
    assert status == 200, body
    assert len(body["evaluation_ids"]) == 2

    shifted = text.replace("H1,王建国", "H1,李秀英").replace("1,\r\n", "2,\r\n")
    status, body = await upload(
        client, village, period_id, b"\xef\xbb\xbf" + shifted.encode("utf-8"), "sheet.csv"
    )
    assert status == 422
    assert body["problems"][0]["row"] == 3 and body["problems"][0]["column"] == "B"
    assert "王建国" in body["problems"][0]["message"]


async def test_batch_grid_is_all_or_nothing(client: AsyncClient, village: Village) -> None:
    period_id = await open_period(client, village)
    first, second = (h.id for h in village.place.households)
    url = village.url(f"/periods/{period_id}/evaluations/batch")
    cells = [
        {"household_id": first, "rule_id": village.rules["HJ01"], "times": 1},
        {"household_id": second, "rule_id": village.rules["HJ01"], "times": 3},
        {"household_id": 999999, "rule_id": village.rules["HJ02"]},
    ]
    refused = await client.post(url, json={"cells": cells}, headers=village.headers(Role.committee))
    assert refused.status_code == 422
    assert [p["index"] for p in refused.json()["problems"]] == [1, 2]
    assert await entered(client, village, period_id) == []
    done = await client.post(
        url, json={"cells": cells[:1]}, headers=village.headers(Role.committee)
    )
    assert done.status_code == 200 and len(done.json()["evaluation_ids"]) == 1


async def test_wrong_period_and_unknown_rule_are_named(
    client: AsyncClient, village: Village
) -> None:
    period_id = await open_period(client, village)
    text = "评议周期,2026年10月,周期编号,1\r\n户号,户主,ZZ99 不存在,HJ01\r\nH9,,1,\r\nH1,,,x\r\n"
    status, body = await upload(client, village, period_id, text.encode(), "sheet.csv")
    assert status == 422
    assert [(p["row"], p["column"]) for p in body["problems"]] == [
        (1, "D"),
        (2, "C"),
        (3, "A"),
        (4, "D"),
    ]


async def test_the_same_sheet_twice_is_refused_naming_the_first_upload(
    client: AsyncClient, village: Village
) -> None:
    """Both uploads used to say "saved": every score entered twice. The second is now refused
    even when the file's bytes differ (saved again, or as CSV instead of xlsx)."""
    period_id = await open_period(client, village)
    workbook = load_workbook(io.BytesIO(await download(client, village, period_id)))
    sheet = workbook.active
    assert sheet is not None
    sheet["C3"] = 1
    first = io.BytesIO()
    workbook.save(first)
    status, body = await upload(client, village, period_id, first.getvalue(), "sheet.xlsx")
    assert status == 200 and len(body["evaluation_ids"]) == 1, body

    csv_text = (
        f"评议周期,2026年11月,周期编号,{period_id}\r\n"
        "户号,户主,HJ01 门前三包，庭院整洁 (+5)\r\nH1,王建国,1\r\n"
    )
    for again, name in ((first.getvalue(), "sheet.xlsx"), (csv_text.encode(), "again.csv")):
        status, refused = await upload(client, village, period_id, again, name)
        assert status == 409 and refused["code"] == "sheet_already_uploaded", refused
        assert refused["uploaded_by"] and refused["count"] == 1
        assert "已于" in refused["detail"] and refused["uploaded_by"] in refused["detail"]
    assert len(await entered(client, village, period_id)) == 1


async def test_title_rows_above_the_header_and_repeated_rows(
    client: AsyncClient, village: Village
) -> None:
    """Clerks put a title (and blank rows) above the header; a household's row pasted twice
    word for word is one entry, and the answer says which row repeated which."""
    period_id = await open_period(client, village)
    workbook = load_workbook(io.BytesIO(await download(client, village, period_id)))
    sheet = workbook.active
    assert sheet is not None
    sheet.insert_rows(1, 2)
    sheet["A1"] = "西黄须村2026年11月文明积分评分表"
    sheet["C5"] = 1  # H1 HJ01 once
    sheet["E6"] = 2  # H2 HJ02 twice
    sheet.append(["H1", "王建国", 1])  # the same H1 row again
    sheet.append(["H2", "李秀英", None, 1])  # H2 again, with other scores
    worse = io.BytesIO()
    workbook.save(worse)
    status, body = await upload(client, village, period_id, worse.getvalue(), "title.xlsx")
    assert status == 422
    assert [(p["row"], p["column"], p["kind"]) for p in body["problems"]] == [
        (8, "A", "duplicate_household_row")
    ]
    assert "第6行" in body["problems"][0]["message"]
    assert await entered(client, village, period_id) == []

    sheet.delete_rows(8)
    title = io.BytesIO()
    workbook.save(title)
    status, body = await upload(client, village, period_id, title.getvalue(), "title.xlsx")
    assert status == 200, body
    assert len(body["evaluation_ids"]) == 3
    assert body["repeats"] == [{"row": 7, "first_row": 5}]


async def test_sheet_problems_speak_english_when_asked(
    client: AsyncClient, village: Village
) -> None:
    period_id = await open_period(client, village)
    text = (
        f"我村评分表\r\n评议周期,2026年11月,周期编号,{period_id}\r\n"
        "户号,户主,HJ01\r\nH9,,1\r\nH1,,x\r\n"
    )
    response = await client.post(
        village.url(f"/periods/{period_id}/score-sheet"),
        files={"data": ("s.csv", text.encode())},
        headers={**village.headers(Role.committee), "Accept-Language": "en"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The sheet has 2 problem(s); nothing was changed."
    assert [(p["row"], p["column"], p["message"]) for p in body["problems"]] == [
        (4, "A", "this village has no household number “H9”"),
        (5, "C", "“x” is not a whole number from 0 to 100"),
    ]

    no_header = "评分表\r\n,,\r\n姓名,分数\r\n"
    response = await client.post(
        village.url(f"/periods/{period_id}/score-sheet"),
        files={"data": ("s.csv", no_header.encode())},
        headers=village.headers(Role.committee),
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["message"] == "找不到表头行（第一列应为“户号”）"


async def test_bulk_verify_is_all_or_none(client: AsyncClient, village: Village) -> None:
    """ "Verify all I checked": four-eyes for each line, and one refusal verifies none."""
    period_id = await open_period(client, village)
    first, second = (h.id for h in village.place.households)
    cells = [
        {"household_id": first, "rule_id": village.rules["HJ01"], "times": 2},
        {"household_id": second, "rule_id": village.rules["XL01"], "times": 1},
    ]
    entered_by_first = await client.post(
        village.url(f"/periods/{period_id}/evaluations/batch"),
        json={"cells": cells},
        headers=village.headers(Role.committee),
    )
    ids = entered_by_first.json()["evaluation_ids"]
    url = village.url("/evaluations/verify")

    own = await client.post(
        url,
        json={"evaluation_ids": ids, "note": "入户看过"},
        headers=village.headers(Role.committee),
    )
    assert own.status_code == 403 and own.json()["code"] == "self_verification"
    assert {e["state"] for e in await entered(client, village, period_id)} == {"proposed"}

    done = await client.post(
        url, json={"evaluation_ids": ids[:2], "note": "入户看过"}, headers=village.second_committee
    )
    assert done.status_code == 200, done.text
    assert [e["state"] for e in done.json()] == ["verified", "verified"]
    again = await client.post(
        url, json={"evaluation_ids": ids, "note": ""}, headers=village.second_committee
    )
    assert again.status_code == 409  # two were verified already: the third is not either
    states = {e["id"]: e["state"] for e in await entered(client, village, period_id)}
    assert [states[i] for i in ids] == ["verified", "verified", "proposed"]


async def test_two_uploads_of_one_sheet_at_the_same_moment(
    client: AsyncClient, village: Village
) -> None:
    """Two clerks press upload together: one sheet is entered, the other gets the readable 409
    naming it — never a 500 from the unique index (on PostgreSQL both really run at once)."""
    period_id = await open_period(client, village)
    workbook = load_workbook(io.BytesIO(await download(client, village, period_id)))
    sheet = workbook.active
    assert sheet is not None
    for cell in ("C3", "C4", "D3"):  # a sheet of its own each round: one other score
        for other in ("C3", "C4", "D3"):
            sheet[other] = 1 if other == cell else None
        filled = io.BytesIO()
        workbook.save(filled)
        answers = await asyncio.gather(
            *[upload(client, village, period_id, filled.getvalue(), "sheet.xlsx") for _ in range(2)]
        )
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200, 409], answers
        refused = next(body for status, body in answers if status == 409)
        assert refused["code"] == "sheet_already_uploaded" and "已于" in refused["detail"]
    assert len(await entered(client, village, period_id)) == 3
