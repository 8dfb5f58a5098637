"""Redis dies in the middle of the day: sales and scoring go on, boards come from SQL, and when
Redis comes back (empty) the boards rebuild themselves and match the ledger."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from httpx import AsyncClient
from redis.asyncio import Redis

from backend import cache
from backend.audit.services import CLI_ACTOR
from backend.boards import leaderboard
from backend.boards.cli import differences
from backend.cards import issuing, phone_codes
from backend.ledger import services as ledger
from backend.settings import is_ci
from backend.shop import redemption_services
from tests.factories import stocked_place, unique


class RedisServer:
    """A private redis-server on a free port, which the test may kill and start again."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        if is_ci():
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    if server.process and server.process.poll() is None:
        server.kill()


async def test_redis_down_then_back(
    client: AsyncClient, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    private = Redis(
        port=redis_server.port,
        decode_responses=True,
        socket_connect_timeout=0.3,
        socket_timeout=0.5,
    )
    monkeypatch.setattr(cache, "redis", lambda: private)
    place = await stocked_place(200)
    first, second = (h.id for h in place.households)
    await ledger.award(CLI_ACTOR, place.village_id, second, 50, key=unique("a"), reason="测试")
    top = await leaderboard.top(place.village_id, None, ("village", None), 5)
    assert [s.household_id for s in top] == [first, second]

    redis_server.kill()
    assert (await client.get("/health")).json()["redis"] == "down"
    phone, _ = await phone_codes.phone_code(place.village_id, first)
    sale = await redemption_services.redeem(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        phone,
        [redemption_services.Line(place.product_id, 2)],
        key=unique("s"),
    )
    assert sale.balance_after == 180
    card = await issuing.card_payload(place.village_id, first)
    await redemption_services.redeem(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        card,
        [redemption_services.Line(place.product_id, 1)],
        key=unique("s"),
    )
    await ledger.award(CLI_ACTOR, place.village_id, second, 300, key=unique("a"), reason="测试")
    during = await leaderboard.top(place.village_id, None, ("village", None), 5)
    assert [(s.household_id, s.earned) for s in during] == [(second, 350), (first, 200)]
    try:
        await redemption_services.redeem(
            CLI_ACTOR,
            place.village_id,
            place.shop_id,
            phone,
            [redemption_services.Line(place.product_id, 1)],
            key=unique("s"),
        )
    except Exception as refused:
        assert getattr(refused, "code", None) == "code_used"
    else:
        raise AssertionError("a spent phone code paid twice while Redis was down")

    redis_server.start()
    after = await leaderboard.top(place.village_id, None, ("village", None), 5)
    assert [(s.household_id, s.earned) for s in after] == [(second, 350), (first, 200)]
    assert await differences(place.village_id) == []
    await private.aclose()
