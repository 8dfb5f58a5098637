"""Deductions the balance floor held back at the close: the committee posts one once when the
balance allows (refused, changing nothing, while it does not), or waives one with its reason in
the audit log; a held deduction is listed by household and rule until decided."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from httpx import AsyncClient

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.ledger import services as ledger
from backend.scoring import period_close
from tests.factories import unique
from tests.scoring.conftest import Village, open_period


async def test_a_held_deduction_posts_once_or_is_waived_with_its_reason(
    client: AsyncClient, village: Village
) -> None:
    place = village.place
    vid = place.village_id
    first, second = (h.id for h in place.households)
    committee, other = village.headers(Role.committee), village.second_committee
    period_id = await open_period(client, village)
    ids = []
    for household in (first, second):
        made = await client.post(
            village.url(f"/periods/{period_id}/evaluations"),
            headers=committee,
            json={"household_id": household, "rule_id": village.rules["HJ02"]},
        )
        ids.append(made.json()["id"])
        await client.post(village.url(f"/evaluations/{ids[-1]}/verify"), headers=other, json={})
    await client.post(village.url(f"/periods/{period_id}/notice"), headers=committee)
    closed = await period_close.close_and_post(
        CLI_ACTOR, vid, period_id, now=clock.now() + timedelta(days=30)
    )
    assert sorted(closed.blocked) == sorted(ids)

    listed = (await client.get(village.url(f"/periods/{period_id}/held"), headers=committee)).json()
    assert [(h["evaluation_id"], h["points"], h["title"], h["can_post"]) for h in listed] == [
        (ids[0], -2, "乱堆乱放", False),
        (ids[1], -2, "乱堆乱放", False),
    ]
    too_soon = await client.post(village.url(f"/evaluations/{ids[0]}/post-held"), headers=committee)
    assert too_soon.status_code == 409 and too_soon.json()["code"] == "held_still_too_large"
    assert "只有 0 分" in too_soon.json()["detail"]
    assert await ledger.balance(vid, first) == 0

    await ledger.award(CLI_ACTOR, vid, first, 5, key=unique("gift"), reason="测试")
    tries = await asyncio.gather(
        *(
            client.post(village.url(f"/evaluations/{ids[0]}/post-held"), headers=committee)
            for _ in range(4)
        )
    )
    assert sorted(r.status_code for r in tries).count(200) >= 1
    assert await ledger.balance(vid, first) == 3
    assert await ledger.earned(vid, first, period_id) == -2

    refused = await client.post(
        village.url(f"/evaluations/{ids[1]}/waive"), headers=committee, json={}
    )
    assert refused.status_code == 400
    waived = await client.post(
        village.url(f"/evaluations/{ids[1]}/waive"),
        headers=committee,
        json={"reason": "家中老人住院，本期免扣"},
    )
    assert waived.status_code == 200, waived.text
    assert (
        await client.get(village.url(f"/periods/{period_id}/held"), headers=committee)
    ).json() == []
    again = await client.post(village.url(f"/evaluations/{ids[1]}/post-held"), headers=committee)
    assert again.status_code == 404
    assert await ledger.balance(vid, second) == 0
    audit = (await client.get(village.url("/audit?page_size=100"), headers=committee)).json()
    [entry] = [e for e in audit["items"] if e["action"] == "evaluation.waive"]
    assert entry["after"]["reason"] == "家中老人住院，本期免扣"
    assert [e["action"] for e in audit["items"]].count("evaluation.post_held") == 1
