"""Cross-evaluation: groups mark other groups; a trimmed mean keeps one group from sinking one."""

from __future__ import annotations

from fractions import Fraction

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.registry import services as registry
from backend.scoring.cross import trimmed_mean
from tests.scoring.conftest import RULES, Village, open_period


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five_markers() -> None:
    assert trimmed_mean([0, 8, 8, 9, 10]) == Fraction(25, 3)
    assert trimmed_mean([0, 8, 8, 8]) == 6
    assert trimmed_mean([7]) == 7


async def test_one_group_giving_zeros_does_not_sink_another(
    client: AsyncClient, village: Village
) -> None:
    vid = village.place.village_id
    committee = village.headers(Role.committee)
    groups = {
        name: (await registry.create_moral_group(CLI_ACTOR, vid, name)).id
        for name in ("甲组", "乙组", "丙组", "丁组")
    }

    async def household(number: str, group: str) -> int:
        row = await registry.create_household(
            CLI_ACTOR,
            vid,
            {"number": number, "head_name": f"户{number}", "moral_group_id": groups[group]},
            [],
        )
        return int(row.id)

    target = await household("T1", "丁组")
    hostile = await household("A1", "甲组")
    fair = [
        await household(n, g)
        for n, g in (("B1", "乙组"), ("B2", "乙组"), ("C1", "丙组"), ("C2", "丙组"))
    ]
    neighbour = await household("T2", "丁组")
    book = (
        await client.put(
            village.url("/rule-book"),
            headers=committee,
            json={
                "rules": [
                    *RULES,
                    {
                        "code": "JC01",
                        "category": "乡风文明",
                        "title": "道德小组交叉评议",
                        "points": 5,
                        "cap": 1,
                    },
                ],
                "note": "加交叉评议",
            },
        )
    ).json()
    cross_rule = next(r["id"] for r in book["rules"] if r["code"] == "JC01")
    period_id = await open_period(client, village)
    base = f"/periods/{period_id}"
    assigned = await client.post(
        village.url(f"{base}/cross-assignments"),
        headers=committee,
        json={
            "pairs": [
                {"marker_group_id": groups[g], "target_group_id": groups["丁组"]}
                for g in ("甲组", "乙组", "丙组")
            ]
        },
    )
    assert assigned.status_code == 200 and len(assigned.json()) == 3

    async def marks(marker: int, household_id: int, mark: int) -> dict:
        response = await client.post(
            village.url(f"{base}/cross-marks"),
            headers=village.headers(Role.grid_officer),
            json={
                "marker_household_id": marker,
                "marks": [
                    {"household_id": household_id, "criterion": c, "mark": mark}
                    for c in ("环境卫生", "邻里团结")
                ],
            },
        )
        body: dict = response.json()
        return body

    assert (await marks(neighbour, target, 10))["code"] == "own_group"
    assert (await marks(target, hostile, 10))["code"] == "not_assigned"
    assert (await marks(hostile, target, 0)) == {"entered": 2}
    for marker in fair:
        assert (await marks(marker, target, 8)) == {"entered": 2}

    results = (await client.get(village.url(f"{base}/cross-results"), headers=committee)).json()
    assert results == [
        {
            "household_id": target,
            "markers": 5,
            "result_tenths": 80,
            "criteria_tenths": {"环境卫生": 80, "邻里团结": 80},
            "points": 5,
            "evaluation_id": None,
        }
    ]

    proposed = await client.post(
        village.url(f"{base}/cross-results"), headers=committee, json={"rule_id": cross_rule}
    )
    assert proposed.status_code == 200
    evaluation_id = proposed.json()[0]["evaluation_id"]
    listed = (
        await client.get(
            village.url(f"{base}/evaluations?household_id={target}"), headers=committee
        )
    ).json()
    assert [(e["id"], e["points"], e["source"], e["state"]) for e in listed] == [
        (evaluation_id, 5, "cross", "proposed")
    ]
    twice = await client.post(
        village.url(f"{base}/cross-results"), headers=committee, json={"rule_id": cross_rule}
    )
    assert twice.json()["code"] == "over_cap"


async def test_stars_per_category_reaching_the_threshold(
    client: AsyncClient, village: Village
) -> None:
    committee, other = village.headers(Role.committee), village.second_committee
    household = village.place.households[0].id
    settings = await client.patch(
        village.url("/scoring-settings"), headers=committee, json={"star_threshold": 10}
    )
    assert settings.status_code == 200 and settings.json()["star_threshold"] == 10
    period_id = await open_period(client, village)
    base = village.url(f"/periods/{period_id}")
    for code in ("HJ01", "HJ01", "XL01", "HJ02"):
        made = await client.post(
            f"{base}/evaluations",
            headers=committee,
            json={"household_id": household, "rule_id": village.rules[code]},
        )
        verified = await client.post(
            village.url(f"/evaluations/{made.json()['id']}/verify"), headers=other, json={}
        )
        assert verified.status_code == 200
    assert (await client.get(f"{base}/stars", headers=committee)).json() == []
    await client.post(f"{base}/notice", headers=committee)
    mine = (await client.get(f"{base}/stars", headers=village.headers(Role.villager))).json()
    assert mine == [
        {
            "household_id": household,
            "stars": 1,
            "categories": ["孝老爱亲"],
            "earned_by_category": {"环境卫生": 8, "孝老爱亲": 10},
        }
    ]
