"""The village's own household roster (花名册) imported from Excel: all or nothing, every bad cell
named by row and column, title rows and column order the clerk's."""

from __future__ import annotations

import io
from collections.abc import Sequence

from httpx import AsyncClient
from openpyxl import Workbook

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.registry import roster
from backend.registry import services as registry
from tests.factories import World, make_place, make_town

HEADER = ["户号", "户主", "家庭成员", "住址", "网格", "道德小组", "关怀户", "电话"]


def roster_xlsx(*rows: Sequence[object], title: str = "东风村农户花名册（2026年）") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([title])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    [
        "R-001",
        "赵福生",
        "钱桂兰（妻）、赵小明（子）",
        "幸福街1号",
        "一网格",
        "第一道德小组",
        "否",
        "13800000001",
    ],
    ["R-002", "孙秀英", "孙秀英、周大山（夫）", "幸福街2号", "新网格", "新道德小组", "是", ""],
    ["R-003", "吴老汉", "", "", "", "", "", ""],
]


async def test_a_roster_with_title_rows_adds_every_household_and_makes_new_groups() -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    preview = await roster.import_roster(CLI_ACTOR, vid, roster_xlsx(*GOOD), dry_run=True)
    assert preview == roster.RosterResult(
        True, ("R-001", "R-002", "R-003"), ("新网格",), ("新道德小组",)
    )
    assert (await registry.households(vid, query="R-"))[1] == 0

    done = await roster.import_roster(CLI_ACTOR, vid, roster_xlsx(*GOOD))
    assert done.numbers == ("R-001", "R-002", "R-003") and not done.dry_run
    rows, total = await registry.households(vid, query="R-")
    assert total == 3
    by_number = {r.number: await registry.household(vid, r.id) for r in rows}
    first, second, third = (by_number[n] for n in ("R-001", "R-002", "R-003"))
    assert [(m.name, m.relation) for m in first.members] == [
        ("赵福生", "户主"),
        ("钱桂兰", "妻"),
        ("赵小明", "子"),
    ]
    assert first.grid_id == place.grid_id and first.moral_group_id == place.moral_group_id
    assert first.phone == "13800000001" and not first.hardship
    assert second.hardship and [m.name for m in second.members] == ["孙秀英", "周大山"]
    grids = {g.name: g.id for g in await registry.grids(vid)}
    assert second.grid_id == grids["新网格"]
    assert third.grid_id is None and [m.relation for m in third.members] == ["户主"]


async def test_one_bad_row_adds_nothing_and_every_bad_cell_is_named(
    client: AsyncClient, world: World
) -> None:
    vid = world.a.village_id
    existing = world.a.households[0].number
    bad = roster_xlsx(
        *GOOD,
        ["R-004", "", "张三（子", "", "", "", "也许", "电话号"],
        ["R-001", "重复户", "", "", "", "", "", ""],
        [existing, "老住户", "", "", "", "", "", ""],
    )
    response = await client.post(
        f"/api/v1/villages/{vid}/households/roster",
        files={"data": ("花名册.xlsx", bad)},
        headers={**world.a.headers(Role.committee), "Accept-Language": "en"},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "bad_sheet"
    assert [(p["row"], p["column"], p["kind"]) for p in body["problems"]] == [
        (7, "B", "bad_head_name"),
        (7, "C", "bad_members"),
        (7, "G", "bad_yes_no"),
        (7, "H", "bad_phone"),
        (8, "A", "duplicate_number_in_sheet"),
        (9, "A", "household_number_taken"),
    ]
    assert body["problems"][4]["message"] == "household number “R-001” repeats row 4"
    assert (await registry.households(vid, query="R-"))[1] == 0
    assert "新网格" not in {g.name for g in await registry.grids(vid)}

    for role in (Role.grid_officer, Role.villager, Role.shopkeeper):
        refused = await client.post(
            f"/api/v1/villages/{vid}/households/roster",
            files={"data": ("r.xlsx", roster_xlsx(*GOOD))},
            headers=world.a.headers(role),
        )
        assert refused.status_code == 403, role
    other = await client.post(
        f"/api/v1/villages/{vid}/households/roster",
        files={"data": ("r.xlsx", roster_xlsx(*GOOD))},
        headers=world.b.headers(Role.committee),
    )
    assert other.status_code == 404

    done = await client.post(
        f"/api/v1/villages/{vid}/households/roster",
        files={"data": ("r.xlsx", roster_xlsx(*GOOD))},
        headers=world.a.headers(Role.committee),
    )
    assert done.status_code == 200, done.text
    assert done.json() == {
        "dry_run": False,
        "numbers": ["R-001", "R-002", "R-003"],
        "new_grids": ["新网格"],
        "new_moral_groups": ["新道德小组"],
    }


async def test_a_sheet_without_the_required_columns_says_which() -> None:
    place = await make_place((await make_town()).id)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["户号", "姓名"])
    sheet.append(["R-1", "张三"])
    out = io.BytesIO()
    book.save(out)
    try:
        await roster.import_roster(CLI_ACTOR, place.village_id, out.getvalue())
    except roster.BadSheet as refused:
        assert [p.as_dict("zh-CN")["message"] for p in refused.params["problems"]] == [
            "表头缺少“户主”列"
        ]
    else:
        raise AssertionError("a roster without 户主 was accepted")
