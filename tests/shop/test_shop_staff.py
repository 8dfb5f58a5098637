"""A shopkeeper runs only the shop their grant names: every operation on one shop that a villager
cannot call is guarded by ``shop_staff`` (backend/http/access.py), so another shop's keeper finds
none of them (404, as for a shop that does not exist), whatever they send — the guard answers
before the body is read, so a 6 MB picture for a shop one does not run is not even parsed."""

from __future__ import annotations

from httpx import AsyncClient

from backend.auth.principal import Role
from tests.factories import World

SHOP_OPERATIONS = 12  # the till's six, the catalogue and stock's six


async def test_another_shops_keeper_finds_none_of_its_operations(
    client: AsyncClient, world: World
) -> None:
    place = world.a
    other = await client.post(
        f"/api/v1/villages/{place.village_id}/shops",
        json={"name": "二号超市"},
        headers=place.headers(Role.committee),
    )
    assert other.status_code == 201
    document = (await client.get("/api/schema/openapi.json")).json()
    refused = []
    for path, item in document["paths"].items():
        if "{shop_id}" not in path:
            continue
        for method, operation in item.items():
            if Role.villager.value in operation["security"][0]["bearer"]:
                continue  # the shelf and its pictures: the whole village sees them
            url = path.format(
                village_id=place.village_id,
                shop_id=other.json()["id"],
                product_id=place.product_id,
                redemption_id=1,
            )
            response = await client.request(
                method.upper(), url, headers=place.headers(Role.shopkeeper)
            )
            assert response.status_code == 404, (method, path, response.text)
            refused.append((method, path))
    assert len(refused) == SHOP_OPERATIONS
