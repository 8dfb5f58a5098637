"""The life of a period: rules → proposals → 入户核实 → notice → objections → what may post."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from httpx import AsyncClient

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.scoring import evaluations, periods
from backend.scoring.errors import OverCap
from backend.scoring.evaluations import Scorer
from tests.scoring.conftest import Village, committee_living_in, open_period


async def test_the_life_of_a_period(client: AsyncClient, village: Village) -> None:
    place = village.place
    first, second = (h.id for h in place.households)
    committee, other_committee = village.headers(Role.committee), village.second_committee
    period_id = await open_period(client, village)
    proposals = village.url(f"/periods/{period_id}/evaluations")

    async def propose(headers: dict[str, str], household: int, code: str) -> int:
        response = await client.post(
            proposals,
            headers=headers,
            json={"household_id": household, "rule_id": village.rules[code], "note": "巡查发现"},
        )
        assert response.status_code == 201, response.text
        evaluation_id: int = response.json()["id"]
        return evaluation_id

    tidy = await propose(village.headers(Role.grid_officer), second, "HJ01")
    filial = await propose(committee, second, "XL01")
    clutter = await propose(committee, first, "HJ02")
    tidy_first = await propose(committee, first, "HJ01")
    tidy_again = await propose(committee, second, "HJ01")

    over = await client.post(
        proposals,
        headers=committee,
        json={"household_id": second, "rule_id": village.rules["HJ01"]},
    )
    assert over.status_code == 409 and over.json()["code"] == "over_cap"
    assert "最多 2 次" in over.json()["detail"]
    grid_only = await client.post(
        proposals,
        headers=village.headers(Role.grid_officer),
        json={"household_id": second, "rule_id": village.rules["XL01"]},
    )
    assert grid_only.json()["code"] == "role_may_not_propose"
    no_photo = await client.post(
        proposals,
        headers=committee,
        json={"household_id": second, "rule_id": village.rules["ZY01"]},
    )
    assert no_photo.json()["code"] == "evidence_required"
    neighbour = await committee_living_in(place, first)
    own = await client.post(
        proposals, headers=neighbour, json={"household_id": first, "rule_id": village.rules["HJ01"]}
    )
    assert own.status_code == 403 and own.json()["code"] == "own_household"

    def verify_url(evaluation_id: int) -> str:
        return village.url(f"/evaluations/{evaluation_id}/verify")

    mine = await client.post(verify_url(filial), json={}, headers=committee)
    assert mine.status_code == 403 and mine.json()["code"] == "self_verification"
    own_verify = await client.post(verify_url(tidy_first), json={}, headers=neighbour)
    assert own_verify.json()["code"] == "own_household"

    early = await client.post(village.url(f"/periods/{period_id}/notice"), headers=committee)
    assert early.status_code == 409 and early.json()["code"] == "unverified_evaluations"

    for evaluation_id in (tidy, filial, clutter, tidy_first):
        done = await client.post(
            verify_url(evaluation_id), headers=other_committee, json={"note": "入户核实属实"}
        )
        assert done.status_code == 200 and done.json()["state"] == "verified", done.text
    rejected = await client.post(
        village.url(f"/evaluations/{tidy_again}/reject"),
        headers=other_committee,
        json={"reason": "重复录入"},
    )
    assert rejected.json()["state"] == "rejected"

    notice = await client.post(village.url(f"/periods/{period_id}/notice"), headers=committee)
    assert notice.status_code == 200 and notice.json()["state"] == "notice"
    late = await client.post(
        proposals,
        headers=committee,
        json={"household_id": second, "rule_id": village.rules["XL01"]},
    )
    assert late.json()["code"] == "period_not_open"

    villager = village.headers(Role.villager)
    seen = (await client.get(proposals, headers=villager)).json()
    assert sorted(e["id"] for e in seen) == sorted([clutter, tidy_first])
    assert {e["state"] for e in seen} == {"notice"}

    def object_url(evaluation_id: int) -> str:
        return village.url(f"/evaluations/{evaluation_id}/objections")

    # 公示 is public to the village: a villager may object to another household's line.
    overturned = (
        await client.post(
            object_url(filial), headers=villager, json={"reason": "他家老人不是他们照顾的"}
        )
    ).json()
    assert overturned["state"] == "open"
    upheld = (
        await client.post(object_url(clutter), headers=villager, json={"reason": "杂物当天已清理"})
    ).json()
    held = (
        await client.post(object_url(tidy_first), headers=villager, json={"reason": "分数少了"})
    ).json()
    twice = await client.post(object_url(tidy_first), headers=villager, json={"reason": "再提"})
    assert twice.json()["code"] == "objection_already_open"

    def decide(objection: dict) -> str:
        return village.url(f"/objections/{objection['id']}/decision")

    answer = await client.post(
        decide(upheld),
        headers=other_committee,
        json={"uphold": True, "reason": "复查属实，已清理，撤销扣分"},
    )
    assert answer.json()["state"] == "upheld"
    answer = await client.post(
        decide(overturned),
        headers=other_committee,
        json={"uphold": False, "reason": "邻里证实，评分成立"},
    )
    assert answer.json()["state"] == "overturned"
    again = await client.post(
        decide(upheld), headers=other_committee, json={"uphold": False, "reason": "改主意"}
    )
    assert again.json()["code"] == "objection_decided"

    mine_objections = (
        await client.get(village.url(f"/periods/{period_id}/objections"), headers=villager)
    ).json()
    assert {o["id"]: o["decision_reason"] for o in mine_objections} == {
        upheld["id"]: "复查属实，已清理，撤销扣分",
        held["id"]: "",
    }
    everyone = (
        await client.get(village.url(f"/periods/{period_id}/objections"), headers=committee)
    ).json()
    assert {o["filer_name"] for o in everyone if o["id"] == overturned["id"]} != {""}

    to_post = await periods.evaluations_to_post(period_id)
    assert sorted(e.id for e in to_post) == sorted([tidy, filial])
    assert sum(e.points for e in to_post) == 15
    assert {e.key for e in to_post} == {f"evaluation:{tidy}", f"evaluation:{filial}"}

    too_soon = await client.post(village.url(f"/periods/{period_id}/close"), headers=committee)
    assert too_soon.status_code == 409 and too_soon.json()["code"] == "notice_not_over"
    later = clock.now() + timedelta(days=4)
    closed = await periods.close_period(CLI_ACTOR, place.village_id, period_id, now=later)
    assert closed.state == "closed"
    assert sorted(e.id for e in await periods.evaluations_to_post(period_id)) == sorted(
        [tidy, filial]
    )
    assert await periods.mark_posted(tidy) is True
    assert await periods.mark_posted(tidy) is False
    assert [e.id for e in await periods.evaluations_to_post(period_id)] == [filial]

    audit = (await client.get(village.url("/audit?page_size=100"), headers=committee)).json()
    actions = {entry["action"] for entry in audit["items"]}
    assert {
        "rule_book.adopt",
        "period.open",
        "evaluation.propose",
        "evaluation.verify",
        "evaluation.reject",
        "period.notice",
        "objection.file",
        "objection.uphold",
        "objection.overturn",
        "period.close",
    } <= actions


async def test_one_open_period_per_village(client: AsyncClient, village: Village) -> None:
    await open_period(client, village)
    second = await client.post(
        village.url("/periods"),
        headers=village.headers(Role.committee),
        json={
            "name": "2026年12月",
            "kind": "month",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
        },
    )
    assert second.status_code == 409 and second.json()["code"] == "period_already_open"


async def test_concurrent_proposals_never_pass_the_cap(
    client: AsyncClient, village: Village
) -> None:
    """Ten members propose the same cap-1 rule for one household at once: exactly one wins."""
    period_id = await open_period(client, village)
    household = village.place.households[1].id
    scorer = Scorer(user_id=None, name="并发", roles=frozenset({"committee"}))

    async def attempt() -> str:
        try:
            await evaluations.propose(
                scorer, village.place.village_id, period_id, household, village.rules["XL01"]
            )
        except OverCap:
            return "over_cap"
        return "ok"

    outcomes = await asyncio.gather(*(attempt() for _ in range(10)))
    assert sorted(outcomes) == ["ok"] + ["over_cap"] * 9


async def test_notice_lasts_the_villages_notice_days(client: AsyncClient, village: Village) -> None:
    committee = village.headers(Role.committee)
    changed = await client.patch(
        f"/api/v1/villages/{village.place.village_id}", json={"notice_days": 5}, headers=committee
    )
    assert changed.status_code == 200
    period_id = await open_period(client, village)
    closing = await client.post(village.url(f"/periods/{period_id}/close"), headers=committee)
    assert closing.status_code == 409 and closing.json()["code"] == "period_not_in_notice"
    before = clock.now()
    notice = (
        await client.post(village.url(f"/periods/{period_id}/notice"), headers=committee)
    ).json()
    ends_at = datetime.fromisoformat(notice["notice_ends_at"])
    assert timedelta(days=5) <= ends_at - before < timedelta(days=5, minutes=1)
    again = await client.post(village.url(f"/periods/{period_id}/notice"), headers=committee)
    assert again.json()["code"] == "period_not_open"
    grid = await client.post(
        village.url(f"/periods/{period_id}/close"), headers=village.headers(Role.grid_officer)
    )
    assert grid.status_code == 403
