"""Issue 15 #9: one committee member alone cannot post a big adjustment.

Above the village's ``adjustment_approval_above`` (default 100) an adjustment is a request that
a *different* committee member approves (posted once) or refuses (nothing posted); the limit
can be raised only by the town admin.
"""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from backend.auth.principal import Role
from tests.factories import Place, make_place, make_town, make_user


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def balance(client: AsyncClient, place: Place) -> int:
    household = place.households[0].id
    response = await client.get(
        f"/api/v1/villages/{place.village_id}/households/{household}/points",
        headers=place.headers(Role.committee),
    )
    return int(response.json()["balance"])


async def test_a_big_adjustment_needs_a_second_committee_member(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    household = place.households[0].id
    base = f"/api/v1/villages/{place.village_id}"
    first = place.headers(Role.committee)
    _, second_token, _ = await make_user(Role.committee, place)
    second = {"Authorization": f"Bearer {second_token}"}

    alone = await client.post(
        f"{base}/households/{household}/adjustments",
        headers={**first, **key()},
        json={"amount": 1_000_000, "reason": "我自己加的"},
    )
    assert alone.status_code == 409 and alone.json()["code"] == "adjustment_needs_approval"
    small = await client.post(
        f"{base}/households/{household}/adjustments",
        headers={**first, **key()},
        json={"amount": 100, "reason": "补录"},
    )
    assert small.status_code == 201, small.text
    assert await balance(client, place) == 100

    proposal = {"household_id": household, "amount": 5000, "reason": "修路捐工"}
    idem = key()
    made = await client.post(
        f"{base}/adjustment-requests", headers={**first, **idem}, json=proposal
    )
    assert made.status_code == 201, made.text
    again = await client.post(
        f"{base}/adjustment-requests", headers={**first, **idem}, json=proposal
    )
    assert again.json()["id"] == made.json()["id"]
    request_id = made.json()["id"]
    own = await client.post(f"{base}/adjustment-requests/{request_id}/approve", headers=first)
    assert own.status_code == 403 and own.json()["code"] == "own_adjustment_request"
    assert await balance(client, place) == 100

    approved = await client.post(f"{base}/adjustment-requests/{request_id}/approve", headers=second)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["transfer_id"]
    assert await balance(client, place) == 5100
    twice = await client.post(f"{base}/adjustment-requests/{request_id}/approve", headers=second)
    assert twice.status_code == 409 and twice.json()["code"] == "adjustment_request_decided"
    assert await balance(client, place) == 5100

    refused = await client.post(
        f"{base}/adjustment-requests",
        headers={**first, **key()},
        json={**proposal, "amount": -3000},
    )
    response = await client.post(
        f"{base}/adjustment-requests/{refused.json()['id']}/refuse",
        headers=second,
        json={"reason": "没有依据"},
    )
    assert response.json()["status"] == "refused"
    assert await balance(client, place) == 5100
    pending = await client.get(f"{base}/adjustment-requests", headers=first)
    assert pending.json() == []


async def test_only_the_town_admin_raises_the_limit(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    url = f"/api/v1/villages/{place.village_id}"
    raised = await client.patch(
        url,
        headers=place.headers(Role.committee),
        json={"adjustment_approval_above": 10_000_000 // 10},
    )
    assert raised.status_code == 403
    assert raised.json()["code"] == "approval_limit_needs_town_admin"
    lowered = await client.patch(
        url, headers=place.headers(Role.committee), json={"adjustment_approval_above": 50}
    )
    assert lowered.status_code == 200 and lowered.json()["adjustment_approval_above"] == 50
    by_town = await client.patch(
        url, headers=place.headers(Role.town_admin), json={"adjustment_approval_above": 500}
    )
    assert by_town.status_code == 200 and by_town.json()["adjustment_approval_above"] == 500
