"""公示 for the village: every villager reads the period's whole list during notice and may object
to any line; the household objected to never learns who objected; after the close the decision
and its reason stay in both households' views."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.scoring import periods
from tests.factories import make_user
from tests.scoring.conftest import Village, open_period


async def test_the_notice_is_the_villages_and_decisions_reach_both_households(
    client: AsyncClient, village: Village
) -> None:
    place = village.place
    _first, second = place.households
    committee, other = village.headers(Role.committee), village.second_committee
    period_id = await open_period(client, village)
    proposals = village.url(f"/periods/{period_id}/evaluations")
    made = await client.post(
        proposals,
        headers=committee,
        json={"household_id": second.id, "rule_id": village.rules["XL01"]},
    )
    evaluation_id = made.json()["id"]
    await client.post(village.url(f"/evaluations/{evaluation_id}/verify"), headers=other, json={})
    notice_url = village.url(f"/periods/{period_id}/notice")
    villager = village.headers(Role.villager)  # the first household's villager
    early = (await client.get(notice_url, headers=villager)).json()
    assert early["state"] == "open" and early["lines"] == []
    await client.post(village.url(f"/periods/{period_id}/notice"), headers=committee)

    notice = (await client.get(notice_url, headers=villager)).json()
    assert notice["notice_ends_at"] and [
        (line["head_name"], line["number"], line["points"], line["has_evidence"])
        for line in notice["lines"]
    ] == [(second.head_name, second.number, 10, False)]
    assert notice["lines"][0]["verifier_name"]

    filed = await client.post(
        village.url(f"/evaluations/{evaluation_id}/objections"),
        headers=villager,
        json={"reason": "他家老人由女儿照顾"},
    )
    assert filed.status_code == 201, filed.text
    assert (await client.get(notice_url, headers=villager)).json()["lines"][0][
        "objection"
    ] == "open"

    _id, token, _name = await make_user(Role.villager, place, household_id=second.id)
    neighbour = {"Authorization": f"Bearer {token}"}
    about_them = (
        await client.get(village.url(f"/periods/{period_id}/objections"), headers=neighbour)
    ).json()
    assert [o["filer_name"] for o in about_them] == [""]
    staff_view = (
        await client.get(village.url(f"/periods/{period_id}/objections"), headers=committee)
    ).json()
    assert staff_view[0]["filer_name"] != ""

    await client.post(
        village.url(f"/objections/{filed.json()['id']}/decision"),
        headers=other,
        json={"uphold": False, "reason": "村委入户核实，评分成立"},
    )
    await periods.close_period(
        CLI_ACTOR, place.village_id, period_id, now=clock.now() + timedelta(days=30)
    )
    for headers, mine in ((villager, True), (neighbour, False)):
        outcomes = (await client.get(village.url("/objections/mine"), headers=headers)).json()
        assert [
            (o["state"], o["decision_reason"], o["mine"], bool(o["filer_name"])) for o in outcomes
        ] == [("overturned", "村委入户核实，评分成立", mine, mine)]
    assert (await client.get(village.url("/objections/mine"), headers=committee)).status_code == 403
