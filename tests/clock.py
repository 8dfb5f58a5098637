"""The tests' clock: every test starts at the same moment (``START``) whatever day the suite runs
on, and a test moves time forward — in this process, in every test server and in every browser
page — with ``await clock.advance(timedelta(days=3))`` (the ``clock`` fixture).

How the processes agree: the clock is an anchor ``(at, mono)`` read as ``at + (monotonic() -
mono)``. Linux's CLOCK_MONOTONIC (Python's ``time.monotonic``) counts from boot for every
process, so the same anchor gives the same moment here and in the server, with time still
flowing between two steps (rows keep their order, a phone code still lives 60 s). The anchor goes
to a server when it starts (``TEST_CLOCK_AT`` / ``TEST_CLOCK_MONOTONIC``, read only by
tests/clockserver.py) and whenever it moves (``PUT /__test__/clock``, an endpoint only
tests/clockserver.py adds). Browser pages get Playwright's clock installed at ``now()`` when they
are opened, and fast-forwarded with the servers, so a page's ``Date.now()`` agrees with the
server's deadlines (the console's close button, the phone code's countdown).

Installed into ``backend.clock`` by tests/conftest.py before anything else runs; a production
server never imports this module (see backend/clock.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx

from backend import clock as backend_clock

if TYPE_CHECKING:
    from playwright.async_api import Browser

START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
"""Where every test begins: Tuesday 1 December 2026, 10:00 in Beijing."""

CONTROL_PATH = "/__test__/clock"


@dataclass(frozen=True)
class Anchor:
    """``at`` was the moment when ``time.monotonic()`` read ``mono``."""

    at: datetime
    mono: float

    def now(self) -> datetime:
        return self.at + timedelta(seconds=time.monotonic() - self.mono)

    def as_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "mono": self.mono}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Anchor:
        return cls(datetime.fromisoformat(data["at"]), float(data["mono"]))


class SettableClock:
    """What ``backend.clock.now()`` reads in a test process or a test server."""

    def __init__(self, anchor: Anchor) -> None:
        self.anchor = anchor

    def now(self) -> datetime:
        return self.anchor.now()

    def install(self) -> None:
        backend_clock._source = self.now


class TestClock:
    """The ``clock`` fixture: this process's clock, and every server and browser that follows
    it. Time only moves forward within a test; each test starts again at ``START``."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self) -> None:
        self.local = SettableClock(Anchor(START, time.monotonic()))
        self.servers: set[str] = set()
        self.browsers: list[Browser] = []

    def now(self) -> datetime:
        return self.local.now()

    def restart(self) -> None:
        """Back to ``START`` (before each test): here and in the servers. Pages opened before
        keep their own time; a test opens its own."""
        self._move(Anchor(START, time.monotonic()))

    async def advance(self, delta: timedelta) -> None:
        """Jump forward by ``delta`` everywhere at once; a page's due timers fire, as when a
        laptop lid is opened again."""
        if delta < timedelta(0):
            raise ValueError("the tests' clock only moves forward")
        self._move(Anchor(self.now() + delta, time.monotonic()))
        for browser in self.browsers:
            for context in browser.contexts if browser.is_connected() else []:
                await context.clock.fast_forward(int(delta.total_seconds() * 1000))

    def environment(self) -> dict[str, str]:
        """For a server about to start: where its clock begins."""
        anchor = self.local.anchor
        return {"TEST_CLOCK_AT": anchor.at.isoformat(), "TEST_CLOCK_MONOTONIC": repr(anchor.mono)}

    def follow(self, url: str) -> None:
        self.servers.add(url)

    def forget(self, url: str) -> None:
        self.servers.discard(url)

    def _move(self, anchor: Anchor) -> None:
        self.local.anchor = anchor
        for url in self.servers:
            httpx.put(f"{url}{CONTROL_PATH}", json=anchor.as_json(), timeout=10).raise_for_status()


CLOCK = TestClock()
