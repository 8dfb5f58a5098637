"""Finding 1 and 5: the login limits hold when Redis does not, and no stranger can lock a user
out (issue 15)."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from backend import cache
from backend.audit.services import CLI_ACTOR
from backend.auth import limits
from backend.auth.principal import Grant, Role
from backend.auth.services import create_user
from tests.factories import PASSWORD, World, unique
from tests.security.conftest import ClientAt, new_address
from tests.server import free_port

LOGIN = "/api/v1/auth/login"


async def committee_user(world: World) -> str:
    username = unique("sec").lower()
    await create_user(
        CLI_ACTOR, username, PASSWORD, [Grant(Role.committee, village_id=world.a.village_id)]
    )
    return username


async def test_with_redis_unreachable_logins_are_refused_not_let_through(
    client_at: ClientAt, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    username = await committee_user(world)
    nowhere = Redis(
        port=free_port(),
        socket_connect_timeout=0.2,
        socket_timeout=0.2,
        retry=Retry(NoBackoff(), 0),
    )
    monkeypatch.setattr(cache, "redis", lambda: nowhere)
    async with client_at(new_address()) as client:
        answers = [
            await client.post(LOGIN, json={"username": username, "password": "guess"})
            for _ in range(8)
        ]
        right = await client.post(LOGIN, json={"username": username, "password": PASSWORD})
        household = await client.post(
            "/api/v1/auth/household-login", json={"village": "XX", "number": "1", "pin": "1234"}
        )
    assert {a.status_code for a in answers} == {503}
    assert answers[0].json()["code"] == "login_limits_unavailable"
    assert answers[0].json()["detail"].startswith("暂时无法登录")
    assert int(answers[0].headers["retry-after"]) > 0
    assert right.status_code == 503 and household.status_code == 503
    await nowhere.aclose()


async def test_a_stranger_cannot_lock_the_owner_out_of_their_own_browser(
    client_at: ClientAt, world: World
) -> None:
    username = await committee_user(world)
    async with client_at(new_address()) as owner:
        first = await owner.post(LOGIN, json={"username": username, "password": PASSWORD})
        assert first.status_code == 201 and owner.cookies.get(limits.DEVICE_COOKIE)
        for n in range(3):
            async with client_at(new_address()) as stranger:
                for _ in range(5 if n == 0 else 1):
                    await stranger.post(LOGIN, json={"username": username, "password": "nope"})
                locked = await stranger.post(
                    LOGIN, json={"username": username, "password": PASSWORD}
                )
                assert locked.status_code == 429, locked.text
        again = await owner.post(LOGIN, json={"username": username, "password": PASSWORD})
    assert again.status_code == 201, again.text


async def test_a_device_cookie_made_for_one_account_opens_no_other(world: World) -> None:
    cookie = limits.device_cookie(limits.user_subject("alice"))
    assert limits.known_device(cookie, limits.user_subject("alice")) is not None
    assert limits.known_device(cookie, limits.user_subject("bob")) is None
    forged = cookie.replace("u:alice", "u:bob")
    assert limits.known_device(forged, limits.user_subject("bob")) is None


async def test_failures_past_the_limit_make_the_wait_grow(
    client_at: ClientAt, world: World
) -> None:
    username = await committee_user(world)
    async with client_at(new_address()) as stranger:
        for _ in range(5):
            await stranger.post(LOGIN, json={"username": username, "password": "nope"})
        key = f"login:fail:subject:{limits.user_subject(username)}"
        first_wait = await cache.redis().ttl(key)
        await limits.count_failure([limits.Counter(key, 5)])
        await limits.count_failure([limits.Counter(key, 5)])
    assert first_wait <= limits.WINDOW_SECONDS < await cache.redis().ttl(key)
