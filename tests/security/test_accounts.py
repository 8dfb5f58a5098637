"""Issue 15 #2, #9 and #12: passwords, deactivation and ending sessions; who manages whom.

Every request is real HTTP through the app on the test database; a token that "ends" is proved
dead by the next request with it, and a refusal is proved to have changed nothing.
"""

from __future__ import annotations

from httpx import AsyncClient

from backend.auth.principal import Role
from tests.factories import PASSWORD, Place, make_place, make_town, make_user, unique

NEW_PASSWORD = "桂花开了-village-2026"


async def login(client: AsyncClient, username: str, password: str) -> int:
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    return response.status_code


async def me(client: AsyncClient, token: str) -> int:
    response = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def fresh_place() -> Place:
    return await make_place((await make_town()).id)


def users_url(place: Place, user_id: int | None = None, what: str = "") -> str:
    base = f"/api/v1/villages/{place.village_id}/users"
    return base if user_id is None else f"{base}/{user_id}/{what}"


async def test_a_new_password_ends_every_session_of_the_account(client: AsyncClient) -> None:
    place = await fresh_place()
    shop = place.user_ids[Role.shopkeeper]
    second = (
        await client.post(
            "/api/v1/auth/login",
            json={"username": place.usernames[Role.shopkeeper], "password": PASSWORD},
        )
    ).json()["token"]
    response = await client.post(
        users_url(place, shop, "password"),
        headers=place.headers(Role.committee),
        json={"password": NEW_PASSWORD},
    )
    assert response.status_code == 204, response.text
    assert await me(client, place.tokens[Role.shopkeeper]) == 401
    assert await me(client, second) == 401
    assert await login(client, place.usernames[Role.shopkeeper], PASSWORD) == 401
    assert await login(client, place.usernames[Role.shopkeeper], NEW_PASSWORD) == 201


async def test_deactivation_ends_sessions_and_logins_until_reactivated(
    client: AsyncClient,
) -> None:
    place = await fresh_place()
    grid = place.user_ids[Role.grid_officer]
    committee = place.headers(Role.committee)
    assert (
        await client.post(users_url(place, grid, "deactivate"), headers=committee)
    ).status_code == 204
    assert await me(client, place.tokens[Role.grid_officer]) == 401
    assert await login(client, place.usernames[Role.grid_officer], PASSWORD) == 401
    listed = {
        u["user_id"]: u for u in (await client.get(users_url(place), headers=committee)).json()
    }
    assert listed[grid]["active"] is False and listed[grid]["sessions"] == 0
    assert (
        await client.post(users_url(place, grid, "activate"), headers=committee)
    ).status_code == 204
    assert await login(client, place.usernames[Role.grid_officer], PASSWORD) == 201


async def test_end_sessions_keeps_the_password(client: AsyncClient) -> None:
    place = await fresh_place()
    villager = place.user_ids[Role.villager]
    response = await client.post(
        users_url(place, villager, "end-sessions"), headers=place.headers(Role.committee)
    )
    assert response.status_code == 200 and response.json() == {"ended": 1}
    assert await me(client, place.tokens[Role.villager]) == 401
    assert await login(client, place.usernames[Role.villager], PASSWORD) == 201
    audit = await client.get(
        f"/api/v1/villages/{place.village_id}/audit", headers=place.headers(Role.committee)
    )
    assert "user.end_sessions" in audit.text


async def test_a_committee_member_cannot_make_or_take_over_a_committee_account(
    client: AsyncClient,
) -> None:
    """Four eyes: a second committee account of one's own would verify one's own proposals."""
    place = await fresh_place()
    committee = place.headers(Role.committee)
    made = await client.post(
        users_url(place),
        headers=committee,
        json={"username": unique("second").lower(), "password": NEW_PASSWORD, "role": "committee"},
    )
    assert made.status_code == 403 and made.json()["code"] == "committee_needs_town_admin"
    other, other_token, other_name = await make_user(Role.committee, place)
    for what, body in (
        ("password", {"password": NEW_PASSWORD}),
        ("deactivate", None),
        ("end-sessions", None),
    ):
        response = await client.post(users_url(place, other, what), headers=committee, json=body)
        assert response.status_code == 403 and response.json()["code"] == "account_not_yours"
    assert await me(client, other_token) == 200
    assert await login(client, other_name, PASSWORD) == 201
    town_admin = place.headers(Role.town_admin)
    made = await client.post(
        users_url(place),
        headers=town_admin,
        json={"username": unique("second").lower(), "password": NEW_PASSWORD, "role": "committee"},
    )
    assert made.status_code == 201, made.text
    assert (
        await client.post(users_url(place, other, "deactivate"), headers=town_admin)
    ).status_code == 204
    assert await me(client, other_token) == 401


async def test_accounts_of_another_village_are_not_found(client: AsyncClient) -> None:
    place, other = await fresh_place(), await fresh_place()
    target = other.user_ids[Role.shopkeeper]
    response = await client.post(
        users_url(place, target, "deactivate"), headers=place.headers(Role.committee)
    )
    assert response.status_code == 404
    assert await me(client, other.tokens[Role.shopkeeper]) == 200


async def test_own_password_change_keeps_this_login_and_ends_the_others(
    client: AsyncClient,
) -> None:
    place = await fresh_place()
    name = place.usernames[Role.committee]
    other = (
        await client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    ).json()["token"]
    wrong = await client.post(
        "/api/v1/auth/password",
        headers=place.headers(Role.committee),
        json={"current_password": "not-it-at-all", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 401
    response = await client.post(
        "/api/v1/auth/password",
        headers=place.headers(Role.committee),
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204, response.text
    assert await me(client, place.tokens[Role.committee]) == 200
    assert await me(client, other) == 401


async def test_short_common_and_obvious_passwords_are_refused(client: AsyncClient) -> None:
    place = await fresh_place()
    shop = place.user_ids[Role.shopkeeper]
    name = place.usernames[Role.shopkeeper]
    cases = {
        "short-pw": "weak_password",
        "password2024!": "common_password",
        "woaini1314520": "common_password",
        "1234567890": "common_password",
        "aaaaaaaaaaaa": "common_password",
        "qwertyuiop": "common_password",
        f"{name}-2026": "common_password",
        "Jifen-Demo": "common_password",
    }
    for password, code in cases.items():
        response = await client.post(
            users_url(place, shop, "password"),
            headers=place.headers(Role.committee),
            json={"password": password},
        )
        assert response.status_code == 400 and response.json()["code"] == code, password
        if name not in password:
            made = await client.post(
                users_url(place),
                headers=place.headers(Role.committee),
                json={
                    "username": unique("pw").lower(),
                    "password": password,
                    "role": "grid_officer",
                    "grid_id": place.grid_id,
                },
            )
            assert made.status_code == 400, password
    assert await me(client, place.tokens[Role.shopkeeper]) == 200
    assert await login(client, name, PASSWORD) == 201
