"""Findings 1 and 5 against the real server: public event streams are capped per address and
in all and cannot take the Redis connections the login limits need; client addresses come from
X-Forwarded-For only when the proxy is trusted (issue 15)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack

import httpx
import pytest

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Grant, Role
from backend.auth.services import create_user
from backend.registry import services as registry
from tests.factories import World, make_place, make_town, unique
from tests.server import ServerProcess


def server_with(name: str, **env: str) -> Iterator[str]:
    server = ServerProcess(name)
    server.env.update(env)
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def capped_server(database: None) -> Iterator[str]:
    """Trusts loopback as its proxy; at most 3 streams per address and 6 in all."""
    yield from server_with(
        "capped-server",
        JIFEN_TRUSTED_PROXIES="127.0.0.1",
        JIFEN_EVENT_STREAMS_PER_ADDRESS="3",
        JIFEN_EVENT_STREAMS="6",
    )


@pytest.fixture(scope="module")
def crowded_server(database: None) -> Iterator[str]:
    """Lets one address open 150 streams: the Redis pool must still serve the logins."""
    yield from server_with(
        "crowded-server", JIFEN_EVENT_STREAMS_PER_ADDRESS="150", JIFEN_EVENT_STREAMS="150"
    )


async def village_code() -> str:
    place = await make_place((await make_town()).id, with_users=False)
    return (await registry.village(place.village_id)).code


OPEN: list[object] = []


async def open_stream(
    stack: AsyncExitStack, client: httpx.AsyncClient, url: str, address: str | None = None
) -> int:
    headers = {"X-Forwarded-For": address} if address else {}
    response = await stack.enter_async_context(client.stream("GET", url, headers=headers))
    if response.status_code == 200:
        # Read up to the first event by hand: leaving an `async for` over the lines would
        # close the generator, and with it the connection.
        lines = response.aiter_lines()
        OPEN.append(lines)
        while not (await anext(lines)).startswith("data:"):
            pass
    return response.status_code


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        yield client


async def test_streams_are_capped_per_address_and_in_all(
    capped_server: str, http: httpx.AsyncClient
) -> None:
    url = f"{capped_server}/api/v1/public/villages/{await village_code()}/events"
    async with AsyncExitStack() as stack:
        first = [await open_stream(stack, http, url, "192.0.2.1") for _ in range(4)]
        second = [await open_stream(stack, http, url, "192.0.2.2") for _ in range(3)]
        refused = await http.get(url, headers={"X-Forwarded-For": "192.0.2.3"})
    assert first == [200, 200, 200, 429] and second == [200, 200, 200]
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_streams"
    assert int(refused.headers["retry-after"]) > 0
    async with AsyncExitStack() as stack:  # closed streams give their places back
        await asyncio.sleep(0)
        for _ in range(50):
            if await open_stream(stack, http, url, "192.0.2.1") == 200:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("closed streams were never given back")


async def test_an_untrusted_client_cannot_name_its_own_address(
    server_url: str, http: httpx.AsyncClient
) -> None:
    """The default server trusts no proxy: eight streams 'from' eight addresses are eight
    from one, and the ninth is refused."""
    url = f"{server_url}/api/v1/public/villages/{await village_code()}/events"
    async with AsyncExitStack() as stack:
        answers = [await open_stream(stack, http, url, f"198.51.100.{n}") for n in range(9)]
    assert answers == [200] * 8 + [429]


async def test_a_trusted_proxys_clients_are_counted_apart(capped_server: str, world: World) -> None:
    username = unique("px").lower()
    await create_user(
        CLI_ACTOR,
        username,
        "correct-horse-battery",
        [Grant(Role.committee, village_id=world.a.village_id)],
    )
    login = f"{capped_server}/api/v1/auth/login"
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(20):
            await client.post(
                login,
                json={"username": unique("nobody"), "password": "x"},
                headers={"X-Forwarded-For": "203.0.113.9"},
            )
        outsider = await client.post(
            login,
            json={"username": username, "password": "correct-horse-battery"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        neighbour = await client.post(
            login,
            json={"username": username, "password": "correct-horse-battery"},
            headers={"X-Forwarded-For": "203.0.113.10"},
        )
    assert outsider.status_code == 429
    assert neighbour.status_code == 201, neighbour.text


async def test_open_streams_leave_redis_to_health_and_the_login_limits(
    crowded_server: str, http: httpx.AsyncClient, world: World
) -> None:
    username = unique("crowd").lower()
    await create_user(
        CLI_ACTOR,
        username,
        "correct-horse-battery",
        [Grant(Role.committee, village_id=world.a.village_id)],
    )
    url = f"{crowded_server}/api/v1/public/villages/{await village_code()}/events"
    async with AsyncExitStack() as stack:
        opened = await asyncio.gather(*(open_stream(stack, http, url) for _ in range(110)))
        assert opened == [200] * 110
        health = await http.get(f"{crowded_server}/health")
        answers = [
            await http.post(
                f"{crowded_server}/api/v1/auth/login",
                json={"username": username, "password": "wrong"},
            )
            for _ in range(7)
        ]
    assert health.status_code == 200 and health.json()["redis"] == "ok"
    assert [a.status_code for a in answers] == [401] * 5 + [429, 429]


def test_compose_trusts_exactly_its_own_proxy() -> None:
    import yaml

    from backend.settings import PROJECT_ROOT

    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    proxy = compose["services"]["proxy"]["networks"]["default"]["ipv4_address"]
    assert compose["services"]["app"]["environment"]["JIFEN_TRUSTED_PROXIES"] == proxy
