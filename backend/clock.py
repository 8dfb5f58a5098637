"""The one clock every service reads: ``now()`` instead of ``datetime.now(UTC)``.

Why one clock: a period's notice window, a phone code's 60 s, a sale's void window and a
session's expiry are all decided by the server's idea of "now". Tests must be able to say "the
notice window has ended" to the real server process without waiting three days, and must not
depend on the date they happen to run on.

The rule: in production this module reads the wall clock, and nothing in ``backend/`` — no
setting, no environment variable, no endpoint, no command — can make it read anything else.
The only way to change it is Python code running inside the process that replaces ``_source``:
the tests do that in their own process (tests/conftest.py) and in the server they start through
their own launcher (``python -m tests.clockserver``, never ``python -m backend serve``), which
also adds the control endpoint that moves it. Neither is importable from an installed backend.

``TimestamptzNow`` column defaults go through ``ClockNow`` so rows stamped by the database layer
agree with the times the services compute.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from piccolo.columns.defaults.timestamptz import TimestamptzNow


def _wall() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _wall
"""What ``now()`` reads. The wall clock, unless a test launcher in tests/ replaced it."""


def now() -> datetime:
    """The current moment, an aware datetime in UTC."""
    return _source()


def local_now() -> datetime:
    """The current moment in the deployment's time zone (JIFEN_TIMEZONE): for "today", "this
    month" and "this year" as the village counts them."""
    from backend.settings import get_settings

    return now().astimezone(ZoneInfo(get_settings().timezone))


class ClockNow(TimestamptzNow):
    """A ``Timestamptz`` default read from ``now()`` (Piccolo's own reads the wall clock)."""

    def python(self) -> datetime:
        return now()
