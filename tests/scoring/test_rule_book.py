"""The rule book: versioned copy-on-write, and its Excel round trip."""

from __future__ import annotations

import io

from httpx import AsyncClient
from openpyxl import load_workbook

from backend.auth.principal import Role
from tests.scoring.conftest import RULES, Village, open_period


async def test_excel_round_trip_and_bad_cells(client: AsyncClient, village: Village) -> None:
    committee = village.headers(Role.committee)
    exported = await client.get(village.url("/rule-book/xlsx"), headers=committee)
    assert exported.status_code == 200
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook.active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == [
        "编号",
        "类别",
        "内容",
        "分值",
        "每期上限",
        "需要照片",
        "可提议角色",
    ]
    assert [c.value for c in sheet[4]] == [
        "HJ02",
        "环境卫生",
        "乱堆乱放",
        -2,
        3,
        "否",
        "村委、网格员",
    ]
    sheet.append(["YF01", "移风易俗", "高价彩礼", -10, 1, "否", "村委"])
    sheet.append(["YF02", "移风易俗", "红白事简办", "五", 0, "也许", "村长"])
    bad = io.BytesIO()
    workbook.save(bad)
    refused = await client.post(
        village.url("/rule-book/xlsx"),
        headers=committee,
        files={"data": ("rules.xlsx", bad.getvalue())},
    )
    assert refused.status_code == 422 and refused.json()["code"] == "bad_sheet"
    assert [(p["row"], p["column"]) for p in refused.json()["problems"]] == [
        (7, "D"),
        (7, "E"),
        (7, "F"),
        (7, "G"),
    ]
    assert (await client.get(village.url("/rule-book"), headers=committee)).json()["version"] == 1

    sheet.delete_rows(7)
    good = io.BytesIO()
    workbook.save(good)
    adopted = await client.post(
        village.url("/rule-book/xlsx"),
        headers=committee,
        files={"data": ("rules.xlsx", good.getvalue())},
    )
    assert adopted.status_code == 201, adopted.text
    book = adopted.json()
    assert book["version"] == 2 and book["rules"][-1]["points"] == -10
    assert len(book["rules"]) == len(RULES) + 1


async def test_an_evaluation_keeps_the_rule_version_it_used(
    client: AsyncClient, village: Village
) -> None:
    committee = village.headers(Role.committee)
    period_id = await open_period(client, village)
    household = village.place.households[1].id
    old_rule = village.rules["HJ01"]
    made = await client.post(
        village.url(f"/periods/{period_id}/evaluations"),
        headers=committee,
        json={"household_id": household, "rule_id": old_rule},
    )
    assert made.status_code == 201
    changed = [dict(r, points=8) if r["code"] == "HJ01" else r for r in RULES]
    book = (
        await client.put(
            village.url("/rule-book"),
            headers=committee,
            json={"rules": changed, "note": "提高分值"},
        )
    ).json()
    assert book["version"] == 2
    assert {r["code"]: r["points"] for r in book["rules"]}["HJ01"] == 8
    listed = (
        await client.get(village.url(f"/periods/{period_id}/evaluations"), headers=committee)
    ).json()
    assert [(e["rule_id"], e["points"]) for e in listed] == [(old_rule, 5)]
    stale = await client.post(
        village.url(f"/periods/{period_id}/evaluations"),
        headers=committee,
        json={"household_id": household, "rule_id": old_rule},
    )
    assert stale.status_code == 422 and stale.json()["code"] == "unknown_rule"

    zero = await client.put(
        village.url("/rule-book"), headers=committee, json={"rules": [dict(RULES[0], points=0)]}
    )
    assert zero.status_code == 400


async def test_editing_one_rule_makes_a_new_version(client: AsyncClient, village: Village) -> None:
    committee = village.headers(Role.committee)
    edited = await client.patch(
        village.url("/rule-book/rules/HJ02"),
        headers=committee,
        json={"points": -3, "title": "柴草杂物乱堆乱放"},
    )
    assert edited.status_code == 200, edited.text
    book = edited.json()
    assert book["version"] == 2
    rule = next(r for r in book["rules"] if r["code"] == "HJ02")
    assert (rule["points"], rule["title"], rule["cap"]) == (-3, "柴草杂物乱堆乱放", 3)
    assert rule["id"] != village.rules["HJ02"]
    missing = await client.patch(
        village.url("/rule-book/rules/NOPE"), headers=committee, json={"points": 1}
    )
    assert missing.status_code == 404
    audit = (await client.get(village.url("/audit"), headers=committee)).json()["items"]
    assert audit[0]["action"] == "rule_book.adopt" and audit[0]["after"]["version"] == 2


async def test_an_unchanged_export_imported_again_makes_no_version(
    client: AsyncClient, village: Village
) -> None:
    """Version numbers count changes: the same rules again (imported or saved) adopt nothing."""
    committee = village.headers(Role.committee)
    exported = await client.get(village.url("/rule-book/xlsx"), headers=committee)
    again = await client.post(
        village.url("/rule-book/xlsx"),
        headers=committee,
        files={"data": ("rules.xlsx", exported.content)},
    )
    assert again.status_code == 201, again.text
    assert (again.json()["version"], again.json()["unchanged"]) == (1, True)
    same = await client.put(
        village.url("/rule-book"), headers=committee, json={"rules": RULES, "note": "再存一次"}
    )
    assert (same.json()["version"], same.json()["unchanged"]) == (1, True)
    audit = (await client.get(village.url("/audit"), headers=committee)).json()["items"]
    assert [a["action"] for a in audit].count("rule_book.adopt") == 1


async def test_a_new_version_needs_a_note(client: AsyncClient, village: Village) -> None:
    committee = village.headers(Role.committee)
    changed = [dict(r, points=9) if r["code"] == "HJ01" else r for r in RULES]
    for body in ({"rules": changed}, {"rules": changed, "note": "  "}):
        refused = await client.put(village.url("/rule-book"), headers=committee, json=body)
        assert refused.status_code == 400, refused.text
        assert "note" in refused.text
    assert (await client.get(village.url("/rule-book"), headers=committee)).json()["version"] == 1
