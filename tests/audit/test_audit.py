"""The audit log records who changed what, and only staff may read it."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from backend import clock
from backend.audit.services import Actor
from backend.auth.principal import Role
from backend.cards import pin_changes
from backend.registry import services as registry
from tests.factories import make_place, make_town


async def test_a_change_is_logged_with_actor_before_after_and_address(
    client: AsyncClient,
) -> None:
    place = await make_place((await make_town()).id)
    headers = place.headers(Role.committee)
    response = await client.patch(
        f"/api/v1/villages/{place.village_id}",
        json={"notice_days": 5, "allow_negative_balance": True},
        headers=headers,
    )
    assert response.status_code == 200
    entry = (
        await client.get(f"/api/v1/villages/{place.village_id}/audit", headers=headers)
    ).json()["items"][0]
    assert entry["action"] == "village.update"
    assert entry["before"] == {"notice_days": 3, "allow_negative_balance": False}
    assert entry["after"] == {"notice_days": 5, "allow_negative_balance": True}
    assert entry["actor"] == place.user_ids[Role.committee]
    assert entry["address"]


async def test_a_refused_change_leaves_no_entry(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    headers = place.headers(Role.committee)
    target = f"/api/v1/villages/{place.village_id}/audit"
    total = (await client.get(target, headers=headers)).json()["total"]
    refused = await client.patch(
        f"/api/v1/villages/{place.village_id}", json={"notice_days": 99}, headers=headers
    )
    assert refused.status_code == 400
    assert (await client.get(target, headers=headers)).json()["total"] == total


async def test_town_admin_reads_the_whole_town(client: AsyncClient) -> None:
    town = await make_town()
    first = await make_place(town.id)
    second = await make_place(town.id, with_users=False)
    response = await client.get(
        f"/api/v1/towns/{town.id}/audit?page_size=100", headers=first.headers(Role.town_admin)
    )
    assert response.status_code == 200
    villages = {e["village"] for e in response.json()["items"]}
    assert {first.village_id, second.village_id} <= villages


async def test_the_log_is_filtered_by_person_kind_and_days(client: AsyncClient) -> None:
    """Who did what: part of a name, the kind of thing (household, card …) and a range of days
    in the villages' time zone narrow the page; the total follows the filter."""
    place = await make_place((await make_town()).id)
    vid = place.village_id
    clerk = Actor(user_id=None, name="王会计")
    await registry.update_household(clerk, vid, place.households[0].id, {"address": "东街"})
    await pin_changes.set_pin(
        Actor(user_id=None, name="李主任"), vid, place.households[1].id, "2468"
    )
    url = f"/api/v1/villages/{vid}/audit"
    headers = place.headers(Role.committee)

    async def shown(query: str) -> list[tuple[str, str]]:
        response = await client.get(f"{url}?{query}", headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == len(body["items"])
        return [(e["actor_name"], e["action"]) for e in body["items"]]

    assert await shown("who=会计") == [("王会计", "household.update")]
    assert await shown("kind=card") == [("李主任", "card.set_pin")]
    today = clock.local_now().date()
    assert ("王会计", "household.update") in await shown(f"since={today}&until={today}")
    assert await shown(f"until={today - timedelta(days=1)}") == []
    refused = await client.get(f"{url}?kind=DROP%20TABLE", headers=headers)
    assert refused.status_code == 400
