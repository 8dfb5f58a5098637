"""Logging in and out, tokens at rest, and the lockout after repeated failures."""

from __future__ import annotations

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.auth.tables import AuthToken
from tests.factories import PASSWORD, World, unique


async def new_user(world: World) -> str:
    username = unique("login").lower()
    await auth.create_user(
        CLI_ACTOR, username, PASSWORD, [Grant(Role.committee, village_id=world.a.village_id)]
    )
    return username


async def test_login_gives_a_token_and_a_cookie_and_logout_revokes_it(
    client: AsyncClient, world: World
) -> None:
    username = await new_user(world)
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    token = response.json()["token"]
    assert response.json()["user"]["grants"][0]["role"] == "committee"
    assert "jifen_token" in response.headers.get("set-cookie", "")
    assert not await AuthToken.exists().where(AuthToken.token_hash == token).run()
    assert await AuthToken.exists().where(AuthToken.token_hash == auth.token_hash(token)).run()

    headers = {"Authorization": f"Bearer {token}"}
    me = await client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == username

    client.cookies.clear()
    client.cookies.set("jifen_token", token)
    cookie_me = await client.get("/api/v1/auth/me")
    assert cookie_me.status_code == 200

    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401


async def test_wrong_password_and_unknown_user_get_the_same_refusal(
    client: AsyncClient, world: World
) -> None:
    username = await new_user(world)
    wrong = await client.post("/api/v1/auth/login", json={"username": username, "password": "no"})
    unknown = await client.post(
        "/api/v1/auth/login", json={"username": "nobody-here", "password": "no"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "login_failed"
    assert wrong.json()["detail"] == "用户名或密码不正确。"


async def test_repeated_failures_lock_the_username_out(client: AsyncClient, world: World) -> None:
    username = await new_user(world)
    for _ in range(5):
        response = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": "wrong-guess"}
        )
        assert response.status_code == 401
    locked = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_login_failures"
    assert int(locked.headers["retry-after"]) > 0


async def test_garbage_tokens_are_refused(client: AsyncClient) -> None:
    for header in ("Bearer nonsense", "Bearer ", "Basic abc"):
        response = await client.get("/api/v1/auth/me", headers={"Authorization": header})
        assert response.status_code == 401


async def test_short_passwords_are_refused(client: AsyncClient, world: World) -> None:
    response = await client.post(
        f"/api/v1/villages/{world.a.village_id}/users",
        json={"username": unique("weak").lower(), "password": "short", "role": "shopkeeper"},
        headers=world.a.headers(Role.committee),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "weak_password"


async def test_committee_creates_a_villager_bound_to_a_household_of_its_village(
    client: AsyncClient, world: World
) -> None:
    headers = world.a.headers(Role.committee)
    target = f"/api/v1/villages/{world.a.village_id}/users"
    foreign = await client.post(
        target,
        headers=headers,
        json={
            "username": unique("v").lower(),
            "password": PASSWORD,
            "role": "villager",
            "household_id": world.b.households[0].id,
        },
    )
    assert foreign.status_code == 404
    missing = await client.post(
        target,
        headers=headers,
        json={"username": unique("v").lower(), "password": PASSWORD, "role": "villager"},
    )
    assert missing.status_code == 400
    username = unique("v").lower()
    created = await client.post(
        target,
        headers=headers,
        json={
            "username": username,
            "password": PASSWORD,
            "role": "villager",
            "household_id": world.a.households[1].id,
        },
    )
    assert created.status_code == 201, created.text
    login = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    grant = login.json()["user"]["grants"][0]
    assert grant["household_id"] == world.a.households[1].id
