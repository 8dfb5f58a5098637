"""The tests' clock (tests/clock.py): every test starts at ``START``, the real server process
follows it, and nothing outside tests/ can put a server on it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from backend import clock as backend_clock
from backend.audit.services import CLI_ACTOR
from backend.cards import pin_changes
from backend.registry import services as registry
from tests.clock import CONTROL_PATH, START, TestClock
from tests.factories import make_place, make_town


def test_every_test_starts_at_the_same_moment(clock: TestClock) -> None:
    assert timedelta(0) <= backend_clock.now() - START < timedelta(minutes=1)
    assert abs(clock.now() - backend_clock.now()) < timedelta(seconds=1)


async def test_the_clock_moves_forward_only(clock: TestClock) -> None:
    await clock.advance(timedelta(days=3))
    assert timedelta(days=3) <= backend_clock.now() - START < timedelta(days=3, minutes=1)
    try:
        await clock.advance(timedelta(seconds=-1))
    except ValueError:
        pass
    else:
        raise AssertionError("the clock went back")


async def _expires_at(server_url: str, place_id: int, number: str) -> datetime:
    """When the server says the household's phone code expires (now + 60 s on its clock)."""
    code = (await registry.village(place_id)).code
    # A household login hashes the PIN: under load it takes seconds, not httpx's default 5.
    async with httpx.AsyncClient(base_url=server_url, timeout=60) as http:
        login = await http.post(
            "/api/v1/auth/household-login", json={"village": code, "number": number, "pin": "2580"}
        )
        assert login.status_code in (200, 201), login.text
        phone = await http.get(f"/api/v1/villages/{place_id}/phone-code")
        assert phone.status_code == 200, phone.text
        return datetime.fromisoformat(phone.json()["expires_at"])


async def test_the_server_process_follows_the_tests_clock(
    server_url: str, clock: TestClock
) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    household = place.households[0]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "2580")
    first = await _expires_at(server_url, place.village_id, household.number)
    assert timedelta(0) < first - clock.now() <= timedelta(seconds=61)
    await clock.advance(timedelta(days=3))
    later = await _expires_at(server_url, place.village_id, household.number)
    assert timedelta(0) < later - clock.now() <= timedelta(seconds=61)
    assert later - first > timedelta(days=3) - timedelta(minutes=1)


async def test_the_backend_app_has_no_clock_control(
    client: httpx.AsyncClient, clock: TestClock
) -> None:
    """The control route exists only in tests/clockserver.py's wrapper."""
    before = clock.now()
    response = await client.put(CONTROL_PATH, json={"at": "2030-01-01T00:00:00+00:00", "mono": 0.0})
    assert response.status_code in (404, 405)
    assert clock.now() - before < timedelta(minutes=1)


def test_no_setting_puts_a_production_process_on_the_tests_clock() -> None:
    """The launcher's variables (and JIFEN_* ones) do nothing to ``backend`` on its own."""
    env = {**os.environ, "TEST_CLOCK_AT": "2030-01-01T00:00:00+00:00", "TEST_CLOCK_MONOTONIC": "0"}
    probe = (
        "from backend import clock; from backend.app import create_app; create_app(); "
        "assert clock._source is clock._wall; print(clock.now().year)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) != 2030


# The only readers of the wall clock: the clock itself, and the LAN certificates, whose validity
# the tablets judge by their own clocks.
WALL_CLOCK_READERS = {"backend/clock.py", "backend/lan/certificates.py"}


def test_services_read_time_only_through_the_clock() -> None:
    """A ``datetime.now()`` in a service would escape the tests' clock (and its moved notice
    windows) without anything failing until a test happens to run near midnight."""
    root = Path(__file__).resolve().parent.parent
    readers = {
        str(path.relative_to(root))
        for path in (root / "backend").rglob("*.py")
        if "piccolo_migrations" not in path.parts
        and re.search(
            r"datetime\.(now|utcnow|today)\(|date\.today\(|time\.time\(|"
            r"TimestamptzNow\(\)",
            path.read_text(encoding="utf-8"),
        )
    }
    assert readers <= WALL_CLOCK_READERS, sorted(readers - WALL_CLOCK_READERS)
