"""Issue 15 #12: a grid officer reads only their own grid's households.

Phones, addresses and the hardship (关怀户) mark of another grid's households are not theirs:
the list leaves them out and a direct read is not found; the committee still sees every grid.
"""

from __future__ import annotations

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.registry import services as registry
from tests.factories import PASSWORD, make_place, make_town, unique


async def test_a_grid_officer_sees_only_their_grid(client: AsyncClient) -> None:
    place = await make_place((await make_town())["id"])
    other_grid = await registry.create_grid(CLI_ACTOR, place.village_id, "二网格")
    neighbour = await registry.create_household(
        CLI_ACTOR, place.village_id,
        {"number": "H9", "head_name": "赵大娘", "grid_id": other_grid["id"],
         "phone": "13900000000", "address": "后街 9 号", "hardship": True,
         "hardship_reason": "低保户"}, [])
    base = f"/api/v1/villages/{place.village_id}/households"
    officer = place.headers(Role.grid_officer)

    listed = (await client.get(f"{base}?page_size=100", headers=officer)).json()
    assert {h["number"] for h in listed["items"]} == {"H1", "H2"}
    assert listed["total"] == 2
    asked = await client.get(f"{base}?grid_id={other_grid['id']}", headers=officer)
    assert asked.json()["items"] == []
    assert (await client.get(f"{base}/{neighbour['id']}", headers=officer)).status_code == 404
    own = await client.get(f"{base}/{place.households[0]['id']}", headers=officer)
    assert own.status_code == 200

    everyone = (await client.get(f"{base}?page_size=100",
                                 headers=place.headers(Role.committee))).json()
    assert everyone["total"] == 3

    name = unique("grid").lower()
    made = await client.post(f"/api/v1/villages/{place.village_id}/users",
                             headers=place.headers(Role.committee),
                             json={"username": name, "password": PASSWORD,
                                   "role": "grid_officer", "grid_id": other_grid["id"]})
    assert made.status_code == 201, made.text
    token = (await client.post("/api/v1/auth/login",
                               json={"username": name, "password": PASSWORD})).json()["token"]
    theirs = (await client.get(base, headers={"Authorization": f"Bearer {token}"})).json()
    assert [h["number"] for h in theirs["items"]] == ["H9"]
    wrong = await client.post(f"/api/v1/villages/{place.village_id}/users",
                              headers=place.headers(Role.committee),
                              json={"username": unique("g").lower(), "password": PASSWORD,
                                    "role": "shopkeeper", "grid_id": other_grid["id"]})
    assert wrong.status_code == 400
