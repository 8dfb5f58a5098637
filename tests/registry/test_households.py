"""Households over HTTP: create, read, search, update, move — and the refusals."""

from __future__ import annotations

from httpx import AsyncClient

from backend.auth.principal import Role
from backend.registry import services as registry
from tests.factories import World, make_place, make_town


def url(village_id: int, rest: str = "") -> str:
    return f"/api/v1/villages/{village_id}/households{rest}"


async def test_committee_creates_a_household_with_members(
    client: AsyncClient, world: World
) -> None:
    body = {
        "number": "N-100",
        "head_name": "赵福生",
        "address": "幸福街1号",
        "grid_id": world.a.grid_id,
        "moral_group_id": world.a.moral_group_id,
        "hardship": True,
        "hardship_reason": "独居老人，无劳动能力",
        "members": [{"name": "赵福生", "relation": "户主"}, {"name": "钱桂兰", "relation": "配偶"}],
    }
    response = await client.post(
        url(world.a.village_id), json=body, headers=world.a.headers(Role.committee)
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["head_name"] == "赵福生"
    assert created["hardship"] is True
    assert [m["name"] for m in created["members"]] == ["赵福生", "钱桂兰"]
    assert len(created["public_id"]) == 10 and created["public_id"].isupper()

    again = await client.post(
        url(world.a.village_id), json=body, headers=world.a.headers(Role.committee)
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_household_number"


async def test_search_and_paging(client: AsyncClient, world: World) -> None:
    headers = world.a.headers(Role.grid_officer)
    found = (await client.get(url(world.a.village_id, "?q=秀英"), headers=headers)).json()
    assert [h["head_name"] for h in found["items"]] == ["李秀英"]
    page = (
        await client.get(url(world.a.village_id, "?page_size=1&page=2"), headers=headers)
    ).json()
    assert page["page"] == 2 and len(page["items"]) == 1 and page["total"] >= 2
    bad = await client.get(url(world.a.village_id, "?page_size=1000"), headers=headers)
    assert bad.status_code == 400


async def test_moving_a_household_is_audited(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    headers = place.headers(Role.committee)
    new_grid = (
        await client.post(
            f"/api/v1/villages/{place.village_id}/grids", json={"name": "二网格"}, headers=headers
        )
    ).json()
    household = place.households[1]
    moved = await client.patch(
        url(place.village_id, f"/{household.id}"),
        json={"grid_id": new_grid["id"]},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["grid_id"] == new_grid["id"]
    audit = (await client.get(f"/api/v1/villages/{place.village_id}/audit", headers=headers)).json()
    entry = audit["items"][0]
    assert entry["action"] == "household.move"
    assert entry["entity_id"] == str(household.id)
    assert entry["before"] == {"grid": place.grid_id}
    assert entry["after"] == {"grid": new_grid["id"]}
    assert entry["address"] == "127.0.0.1" or entry["address"]


async def test_bad_input_is_refused_and_changes_nothing(client: AsyncClient, world: World) -> None:
    headers = world.a.headers(Role.committee)
    household = world.a.households[1]
    target = url(world.a.village_id, f"/{household.id}")
    before = await registry.household(world.a.village_id, household.id)

    unknown = await client.patch(
        target, json={"head_name": "改名", "colour": "red"}, headers=headers
    )
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "invalid_input"
    assert unknown.json()["errors"][0]["field"] == "colour"

    wrong_type = await client.patch(target, json={"hardship": "yes"}, headers=headers)
    assert wrong_type.status_code == 400
    assert wrong_type.json()["errors"][0]["field"] == "hardship"

    other_grid = await client.patch(target, json={"grid_id": world.b.grid_id}, headers=headers)
    assert other_grid.status_code == 422
    assert other_grid.json()["code"] == "unknown_grid"

    too_long = await client.patch(target, json={"head_name": "名" * 51}, headers=headers)
    assert too_long.status_code == 400

    huge = await client.patch(
        target,
        content=b'{"address": "' + b"x" * 2_000_000 + b'"}',
        headers={**headers, "content-type": "application/json"},
    )
    assert huge.status_code == 413
    assert huge.json()["code"] == "body_too_large"

    missing = await client.patch(
        url(world.a.village_id, "/999999"), json={"head_name": "x"}, headers=headers
    )
    assert missing.status_code == 404

    assert await registry.household(world.a.village_id, household.id) == before


async def test_another_villages_household_is_not_found(client: AsyncClient, world: World) -> None:
    other = world.b.households[0].id
    response = await client.get(
        url(world.a.village_id, f"/{other}"), headers=world.a.headers(Role.committee)
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_villager_sees_only_their_own_household(client: AsyncClient, world: World) -> None:
    headers = world.a.headers(Role.villager)
    own, neighbour = world.a.households[0].id, world.a.households[1].id
    assert (
        await client.get(url(world.a.village_id, f"/{own}"), headers=headers)
    ).status_code == 200
    assert (
        await client.get(url(world.a.village_id, f"/{neighbour}"), headers=headers)
    ).status_code == 404


async def test_messages_follow_accept_language(client: AsyncClient, world: World) -> None:
    target = url(world.a.village_id, "/999999")
    zh = await client.get(target, headers=world.a.headers(Role.committee))
    en = await client.get(
        target, headers={**world.a.headers(Role.committee), "Accept-Language": "en-GB,en;q=0.9"}
    )
    assert zh.json()["detail"] == "找不到该记录。"
    assert en.json()["detail"] == "Not found."
    assert zh.headers["content-type"].startswith("application/problem+json")
