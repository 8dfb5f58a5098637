"""Issue 15 #12: a grid officer reads only their own grid's households.

Phones, addresses and the hardship (关怀户) mark of another grid's households are not theirs:
the list leaves them out and a direct read is not found; the committee still sees every grid.
"""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from piccolo.apps.user.tables import BaseUser

from backend.audit.services import CLI_ACTOR
from backend.audit.tables import AuditEntry
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.auth.tables import RoleGrant
from backend.demo import create_user_by_codes
from backend.errors import DomainError, NotFound
from backend.registry import services as registry
from tests.factories import PASSWORD, make_place, make_town, unique


async def test_a_grid_officer_sees_only_their_grid(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    other_grid = await registry.create_grid(CLI_ACTOR, place.village_id, "二网格")
    neighbour = await registry.create_household(
        CLI_ACTOR,
        place.village_id,
        {
            "number": "H9",
            "head_name": "赵大娘",
            "grid_id": other_grid.id,
            "phone": "13900000000",
            "address": "后街 9 号",
            "hardship": True,
            "hardship_reason": "低保户",
        },
        [],
    )
    base = f"/api/v1/villages/{place.village_id}/households"
    officer = place.headers(Role.grid_officer)

    listed = (await client.get(f"{base}?page_size=100", headers=officer)).json()
    assert {h["number"] for h in listed["items"]} == {"H1", "H2"}
    assert listed["total"] == 2
    asked = await client.get(f"{base}?grid_id={other_grid.id}", headers=officer)
    assert asked.json()["items"] == []
    assert (await client.get(f"{base}/{neighbour.id}", headers=officer)).status_code == 404
    own = await client.get(f"{base}/{place.households[0].id}", headers=officer)
    assert own.status_code == 200

    everyone = (
        await client.get(f"{base}?page_size=100", headers=place.headers(Role.committee))
    ).json()
    assert everyone["total"] == 3

    name = unique("grid").lower()
    made = await client.post(
        f"/api/v1/villages/{place.village_id}/users",
        headers=place.headers(Role.committee),
        json={
            "username": name,
            "password": PASSWORD,
            "role": "grid_officer",
            "grid_id": other_grid.id,
        },
    )
    assert made.status_code == 201, made.text
    token = (
        await client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    ).json()["token"]
    theirs = (await client.get(base, headers={"Authorization": f"Bearer {token}"})).json()
    assert [h["number"] for h in theirs["items"]] == ["H9"]
    wrong = await client.post(
        f"/api/v1/villages/{place.village_id}/users",
        headers=place.headers(Role.committee),
        json={
            "username": unique("g").lower(),
            "password": PASSWORD,
            "role": "shopkeeper",
            "grid_id": other_grid.id,
        },
    )
    assert wrong.status_code == 400


async def test_a_grid_officer_account_needs_a_grid(client: AsyncClient) -> None:
    """Every way of making one (API, ``jifen createuser``, the services the setup and the
    demo use) refuses a grid officer without a grid, in words, and makes nobody."""
    place = await make_place((await make_town()).id)
    users = f"/api/v1/villages/{place.village_id}/users"
    name = unique("nogrid").lower()
    refused = await client.post(
        users,
        headers=place.headers(Role.committee),
        json={"username": name, "password": PASSWORD, "role": "grid_officer"},
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "grid_officer_needs_grid"
    assert "网格" in refused.json()["detail"]
    with pytest.raises(DomainError) as by_service:
        await auth.create_user(
            CLI_ACTOR, name, PASSWORD, [Grant(Role.grid_officer, village_id=place.village_id)]
        )
    assert by_service.value.code == "grid_officer_needs_grid"
    village = await registry.village(place.village_id)
    with pytest.raises(DomainError) as by_cli:
        await create_user_by_codes(name, PASSWORD, Role.grid_officer, None, village.code)
    assert by_cli.value.code == "grid_officer_needs_grid"
    with pytest.raises(NotFound):  # a grid the village does not have
        await create_user_by_codes(
            name, PASSWORD, Role.grid_officer, None, village.code, grid="九网格"
        )
    assert not await BaseUser.exists().where(BaseUser.username == name).run()
    made = await create_user_by_codes(
        name, PASSWORD, Role.grid_officer, None, village.code, grid="一网格"
    )
    grants = await RoleGrant.select(RoleGrant.grid).where(RoleGrant.user == made).run()
    assert grants == [{"grid": place.grid_id}]


async def test_an_old_grid_officer_without_a_grid_sees_nobody_until_given_one(
    client: AsyncClient,
) -> None:
    """A grant made before grids were required (an earlier database) fails closed: no
    household is listed or read until the committee assigns the grid on the users screen."""
    place = await make_place((await make_town()).id)
    other_grid = await registry.create_grid(CLI_ACTOR, place.village_id, "二网格")
    name = unique("oldgrid").lower()
    user_id = await auth.create_user(
        CLI_ACTOR, name, PASSWORD, [Grant(Role.committee, village_id=place.village_id)]
    )
    await (
        RoleGrant.update({RoleGrant.role: Role.grid_officer.value})
        .where(RoleGrant.user == user_id)
        .run()
    )  # as an earlier database left it: no grid
    token = (
        await client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    ).json()["token"]
    officer = {"Authorization": f"Bearer {token}"}
    base = f"/api/v1/villages/{place.village_id}/households"
    listed = (await client.get(base, headers=officer)).json()
    assert listed["items"] == [] and listed["total"] == 0
    own = f"{base}/{place.households[0].id}"
    assert (await client.get(own, headers=officer)).status_code == 404
    me = (await client.get("/api/v1/auth/me", headers=officer)).json()
    assert me["grants"][0]["role"] == "grid_officer" and me["grants"][0]["grid_id"] is None

    users = f"/api/v1/villages/{place.village_id}/users"
    account = next(
        a
        for a in (await client.get(users, headers=place.headers(Role.committee))).json()
        if a["user_id"] == user_id
    )
    assert account["grid_ids"] == []
    assign = f"{users}/{user_id}/grid"
    foreign = await make_place((await make_town()).id)
    wrong = await client.post(
        assign, headers=place.headers(Role.committee), json={"grid_id": foreign.grid_id}
    )
    assert wrong.status_code == 400
    shopkeeper = f"{users}/{place.user_ids[Role.shopkeeper]}/grid"
    not_officer = await client.post(
        shopkeeper, headers=place.headers(Role.committee), json={"grid_id": place.grid_id}
    )
    assert not_officer.status_code == 400
    by_officer = await client.post(assign, headers=officer, json={"grid_id": place.grid_id})
    assert by_officer.status_code == 403
    done = await client.post(
        assign, headers=place.headers(Role.committee), json={"grid_id": other_grid.id}
    )
    assert done.status_code == 204, done.text
    assert (await client.get(base, headers=officer)).json()["total"] == 0  # 二网格 is empty
    await client.post(
        assign, headers=place.headers(Role.committee), json={"grid_id": place.grid_id}
    )
    assert {h["number"] for h in (await client.get(base, headers=officer)).json()["items"]} == {
        "H1",
        "H2",
    }
    entries = (
        await AuditEntry.select(AuditEntry.action)
        .where((AuditEntry.entity_id == str(user_id)) & (AuditEntry.action == "user.grid"))
        .run()
    )
    assert len(entries) == 2
