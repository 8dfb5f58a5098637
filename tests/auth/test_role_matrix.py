"""Every API operation × every role, walked from the OpenAPI document.

A role the operation does not declare gets 403; no token gets 401; a declared role from another
village gets 404 for this village's objects, the same answer as for an id that does not exist.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from httpx import AsyncClient

from backend.auth.principal import Role
from tests.factories import Place, World, add_scoring

METHODS = ("get", "post", "put", "patch", "delete")


async def operations(client: AsyncClient) -> list[tuple[str, str, set[Role] | None]]:
    document = (await client.get("/api/schema/openapi.json")).json()
    found = []
    for path, item in document["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method in METHODS:
            if method not in item:
                continue
            security = item[method].get("security")
            roles = None if not security else {Role(r) for r in security[0]["bearer"]}
            found.append((method, path, roles))
    return found


def fill(path: str, place: Place) -> str:
    household = place.households[0]
    values: dict[str, Any] = {
        "village_id": place.village_id,
        "town_id": place.town_id,
        "household_id": household.id,
        "member_id": household.members[0].id,
        "shop_id": place.shop_id,
        "product_id": place.product_id,
        "objection_id": 1,
        "request_id": 1,
        "user_id": place.user_ids[Role.shopkeeper],
        "rule_code": "HJ01",
        **place.scoring,
    }

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise AssertionError(f"the matrix test does not know how to fill {{{name}}}")
        return str(values[name])

    return re.sub(r"\{(\w+)\}", value, path)


async def call(client: AsyncClient, method: str, url: str, headers: dict[str, str]) -> int:
    kwargs: dict[str, Any] = {"headers": headers}
    if method in ("post", "put", "patch"):
        kwargs["json"] = {}
    response = await client.request(method.upper(), url, **kwargs)
    return response.status_code


async def test_every_operation_declares_who_may_call_it(client: AsyncClient) -> None:
    public = {("post", "/api/v1/auth/login"), ("post", "/api/v1/auth/household-login")}
    for method, path, roles in await operations(client):
        if (method, path) in public or path.startswith("/api/v1/public/"):
            assert roles is None
        else:
            assert roles, f"{method.upper()} {path} declares no roles"


async def test_undeclared_roles_get_403_and_anonymous_gets_401(
    client: AsyncClient, world: World
) -> None:
    checked = 0
    await add_scoring(world.a)
    for method, path, roles in await operations(client):
        if roles is None:
            continue
        url = fill(path, world.a)
        assert await call(client, method, url, {}) == 401, f"{method} {path} without token"
        for role in set(Role) - roles:
            status = await call(client, method, url, world.a.headers(role))
            assert status == 403, f"{method.upper()} {path} as {role}: {status}"
            checked += 1
    assert checked > 20


async def test_declared_roles_of_another_village_get_404(client: AsyncClient, world: World) -> None:
    checked = 0
    await add_scoring(world.a)
    for method, path, roles in await operations(client):
        if roles is None or ("{village_id}" not in path and "{town_id}" not in path):
            continue
        url = fill(path, world.a)
        for role in roles:
            outsider = world.elsewhere if role is Role.town_admin else world.b
            status = await call(client, method, url, outsider.headers(role))
            assert status == 404, f"{method.upper()} {path} as {role} of another place: {status}"
            checked += 1
    assert checked > 10


@pytest.mark.parametrize("role", list(Role))
async def test_declared_roles_pass_the_guard_in_their_own_village(
    client: AsyncClient, world: World, role: Role
) -> None:
    await add_scoring(world.a)
    for method, path, roles in await operations(client):
        if roles is None or role not in roles or method != "get":
            continue
        response = await client.get(fill(path, world.a), headers=world.a.headers(role))
        assert response.status_code == 200, f"GET {path} as {role}: {response.text}"
