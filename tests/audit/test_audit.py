"""The audit log records who changed what, and only staff may read it."""

from __future__ import annotations

from httpx import AsyncClient

from backend.auth.principal import Role
from tests.factories import make_place, make_town


async def test_a_change_is_logged_with_actor_before_after_and_address(
    client: AsyncClient,
) -> None:
    place = await make_place((await make_town())["id"])
    headers = place.headers(Role.committee)
    response = await client.patch(
        f"/api/v1/villages/{place.village_id}",
        json={"notice_days": 5, "allow_negative_balance": True}, headers=headers,
    )
    assert response.status_code == 200
    entry = (await client.get(f"/api/v1/villages/{place.village_id}/audit",
                              headers=headers)).json()["items"][0]
    assert entry["action"] == "village.update"
    assert entry["before"] == {"notice_days": 3, "allow_negative_balance": False}
    assert entry["after"] == {"notice_days": 5, "allow_negative_balance": True}
    assert entry["actor"] == place.user_ids[Role.committee]
    assert entry["address"]


async def test_a_refused_change_leaves_no_entry(client: AsyncClient) -> None:
    place = await make_place((await make_town())["id"])
    headers = place.headers(Role.committee)
    target = f"/api/v1/villages/{place.village_id}/audit"
    total = (await client.get(target, headers=headers)).json()["total"]
    refused = await client.patch(f"/api/v1/villages/{place.village_id}",
                                 json={"notice_days": 99}, headers=headers)
    assert refused.status_code == 400
    assert (await client.get(target, headers=headers)).json()["total"] == total


async def test_town_admin_reads_the_whole_town(client: AsyncClient) -> None:
    town = await make_town()
    first = await make_place(town["id"])
    second = await make_place(town["id"], with_users=False)
    response = await client.get(f"/api/v1/towns/{town['id']}/audit?page_size=100",
                                headers=first.headers(Role.town_admin))
    assert response.status_code == 200
    villages = {e["village"] for e in response.json()["items"]}
    assert {first.village_id, second.village_id} <= villages
