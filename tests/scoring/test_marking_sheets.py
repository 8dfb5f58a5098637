"""Cross-evaluation marking sheets: whom a marker's group marks, with the criteria across and the
marks so far — on screen for staff, and as A4 paper for members without phones."""

from __future__ import annotations

import re
from dataclasses import replace

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.registry import services as registry
from backend.scoring.marksheet import (
    PER_PAGE,
    MarkingSheet,
    SheetHousehold,
    SheetRow,
    sheet_pages,
)
from tests.scoring.conftest import Village, open_period


async def groups_and_households(vid: int) -> tuple[dict[str, int], dict[str, int]]:
    """甲组 (A1, A2), 乙组 (B1, B2), 丙组 (C1), and N in no group."""
    groups = {
        name: (await registry.create_moral_group(CLI_ACTOR, vid, name)).id
        for name in ("甲组", "乙组", "丙组")
    }
    households = {}
    for number, group in (
        ("A1", "甲组"),
        ("A2", "甲组"),
        ("B1", "乙组"),
        ("B2", "乙组"),
        ("C1", "丙组"),
        ("N", None),
    ):
        row = await registry.create_household(
            CLI_ACTOR,
            vid,
            {
                "number": number,
                "head_name": f"户{number}",
                "moral_group_id": groups[group] if group else None,
            },
            [],
        )
        households[number] = row.id
    return groups, households


async def test_a_sheet_lists_the_assigned_groups_households_with_the_marks_so_far(
    client: AsyncClient, village: Village
) -> None:
    vid = village.place.village_id
    groups, ids = await groups_and_households(vid)
    committee, officer = village.headers(Role.committee), village.headers(Role.grid_officer)
    period_id = await open_period(client, village)
    base = village.url(f"/periods/{period_id}")
    assigned = await client.post(
        f"{base}/cross-assignments",
        headers=committee,
        json={
            "pairs": [
                {"marker_group_id": groups["甲组"], "target_group_id": groups["乙组"]},
                {"marker_group_id": groups["乙组"], "target_group_id": groups["丙组"]},
            ]
        },
    )
    assert assigned.status_code == 200
    entered = await client.post(
        f"{base}/cross-marks",
        headers=officer,
        json={
            "marker_household_id": ids["A1"],
            "marks": [{"household_id": ids["B1"], "criterion": "环境卫生", "mark": 8}],
        },
    )
    assert entered.json() == {"entered": 1}

    sheet = await client.get(f"{base}/cross-sheets/{ids['A1']}", headers=officer)
    assert sheet.status_code == 200, sheet.text
    body = sheet.json()
    assert body["marker"] == {
        "household_id": ids["A1"],
        "number": "A1",
        "head_name": "户A1",
        "group_name": "甲组",
    }
    assert body["criteria"] == ["环境卫生", "孝老爱亲", "志愿服务"]
    assert [(h["number"], h["group_name"], h["marks"]) for h in body["households"]] == [
        ("B1", "乙组", {"环境卫生": 8}),
        ("B2", "乙组", {}),
    ]
    assert body["period_state"] == "open"

    nobody = (await client.get(f"{base}/cross-sheets/{ids['C1']}", headers=committee)).json()
    assert nobody["households"] == []
    lonely = await client.get(f"{base}/cross-sheets/{ids['N']}", headers=committee)
    assert lonely.status_code == 422 and lonely.json()["code"] == "unknown_moral_group"
    missing = await client.get(f"{base}/cross-sheets/{10**6}", headers=committee)
    assert missing.status_code == 404


async def test_paper_sheets_for_one_member_one_group_or_every_marker(
    client: AsyncClient, village: Village
) -> None:
    vid = village.place.village_id
    groups, ids = await groups_and_households(vid)
    committee = village.headers(Role.committee)
    period_id = await open_period(client, village)
    base = village.url(f"/periods/{period_id}")
    await client.post(
        f"{base}/cross-assignments",
        headers=committee,
        json={
            "pairs": [
                {"marker_group_id": groups["甲组"], "target_group_id": groups["乙组"]},
                {"marker_group_id": groups["乙组"], "target_group_id": groups["甲组"]},
            ]
        },
    )

    async def pages(**params: int) -> int:
        response = await client.get(f"{base}/cross-sheets.pdf", params=params, headers=committee)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        found = re.search(rb"/Count (\d+)", response.content)
        assert found is not None
        return int(found.group(1))

    assert await pages(household_id=ids["A1"]) == 1
    assert await pages(group_id=groups["甲组"]) == 2
    assert await pages() == 4
    both = await client.get(
        f"{base}/cross-sheets.pdf",
        headers=committee,
        params={"household_id": ids["A1"], "group_id": groups["甲组"]},
    )
    assert both.status_code == 400
    unknown = await client.get(
        f"{base}/cross-sheets.pdf", headers=committee, params={"group_id": 10**6}
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_moral_group"


def test_a_long_sheet_runs_over_pages_and_an_empty_one_says_so() -> None:
    row = SheetRow(household_id=1, number="B1", head_name="户B1", group_name="乙组", marks={})
    sheet = MarkingSheet(
        period_id=1,
        period_name="2026年11月",
        period_state="open",
        marker=SheetHousehold(household_id=2, number="A1", head_name="户A1", group_name="甲组"),
        criteria=["环境卫生", "孝老爱亲"],
        households=[row] * (PER_PAGE + 1),
    )
    assert len(sheet_pages("西黄须村", [sheet])) == 2
    assert len(sheet_pages("西黄须村", [replace(sheet, households=[])])) == 1
    [blank] = sheet_pages("西黄须村", [])
    darkest, _lightest = blank.getextrema()
    assert isinstance(darkest, int) and darkest < 128  # the note is printed
