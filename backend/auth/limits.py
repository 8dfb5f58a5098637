"""Login limits: counted in Redis, and closed when Redis cannot count.

Why each rule is there:
- **Fail closed.** A limit that cannot be read is not a limit: if Redis does not answer, a
  login is refused with ``login_limits_unavailable`` (503) instead of being let through
  uncounted. Logged-in sessions, sales and the boards go on without Redis; only new logins wait.
- **Nobody can lock a user out.** Failures are counted per account (or household), per address,
  and for households per village and overall; an attacker can fill those counters. A browser
  that has logged in to that account before carries a signed *device cookie* (the OWASP
  "device cookie" defence against lockout): its attempts are counted on that device alone, so
  the owner's own phone or kiosk still gets in while strangers are throttled.
- **A growing delay, not a hard lock.** Past its limit a counter's window doubles with each
  further failure (15 min, 30 min, 1 h … at most a day), and a good login from the owner's
  device clears it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from backend import cache
from backend.auth.errors import LoginLimitsUnavailable, TooManyLoginFailures
from backend.settings import get_settings

log = logging.getLogger("jifen.auth")
T = TypeVar("T")
WINDOW_SECONDS = 15 * 60
LONGEST_DELAY_SECONDS = 24 * 3600
DEVICE_COOKIE = "jifen_device"
DEVICE_COOKIE_DAYS = 365


@dataclass(frozen=True, slots=True)
class Counter:
    """One failure counter: its Redis key and how many failures it allows per window."""

    key: str
    limit: int


@dataclass(frozen=True, slots=True)
class Device:
    """A browser that logged in to ``subject`` before: ``device_id`` is random, and the cookie
    carries an HMAC over both, so it cannot be made up for someone else's account."""

    device_id: str
    subject: str


async def _strict(operation: Awaitable[T]) -> T:
    """Run a Redis call for a limit; if Redis fails, refuse the login (fail closed)."""
    try:
        return await operation
    except cache.UNAVAILABLE as exc:
        cache.failures["count"] += 1
        log.warning("login refused: the login limits cannot be counted (%s)", exc)
        raise LoginLimitsUnavailable(retry_after=30) from exc


def _mac(device_id: str, subject: str) -> str:
    message = f"device|{device_id}|{subject}".encode()
    return hmac.new(get_settings().secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def device_cookie(subject: str) -> str:
    """A new device cookie's value for a login that just succeeded."""
    device_id = secrets.token_urlsafe(12)
    return f"{device_id}.{subject}.{_mac(device_id, subject)}"


def known_device(cookie: str | None, subject: str) -> Device | None:
    """The device behind a cookie, if the cookie is genuine and was given for this subject."""
    if not cookie:
        return None
    device_id, _, rest = cookie.partition(".")
    named, _, mac = rest.rpartition(".")
    if named != subject or not device_id or not hmac.compare_digest(mac, _mac(device_id, named)):
        return None
    return Device(device_id=device_id, subject=subject)


def user_subject(username: str) -> str:
    return "u:" + username.lower()


def household_subject(village_code: str, number: str) -> str:
    return f"h:{village_code.upper()}:{number.upper()}"


def counters(subject: str, address: str, device: Device | None, *extra: Counter) -> list[Counter]:
    """The counters a login attempt is judged by: the device's own, or else the subject's,
    the address's and any wider ones (a village's, all households')."""
    settings = get_settings()
    if device is not None:
        return [Counter(f"login:fail:device:{device.device_id}", settings.login_failures_per_user)]
    return [
        Counter(f"login:fail:subject:{subject}", settings.login_failures_per_user),
        Counter(f"login:fail:addr:{address}", settings.login_failures_per_address),
        *extra,
    ]


async def refuse_if_over(judged_by: list[Counter]) -> None:
    """Refuse (429, with how long to wait) if any counter is at its limit; refuse (503) if
    Redis cannot say."""
    pipe = cache.redis().pipeline(transaction=False)
    for counter in judged_by:
        pipe.get(counter.key)
        pipe.ttl(counter.key)
    answers: list[Any] = await _strict(pipe.execute())
    for i, counter in enumerate(judged_by):
        count, ttl = int(answers[2 * i] or 0), int(answers[2 * i + 1] or 0)
        if count >= counter.limit:
            raise TooManyLoginFailures(retry_after=max(ttl, 1))


async def count_failure(judged_by: list[Counter]) -> None:
    """Count one failure on each counter. Past its limit a counter's window doubles with each
    failure (the growing delay), up to a day."""
    pipe = cache.redis().pipeline(transaction=False)
    for counter in judged_by:
        pipe.incr(counter.key)
        pipe.expire(counter.key, WINDOW_SECONDS, nx=True)
    answers: list[Any] = await _strict(pipe.execute())
    longer = cache.redis().pipeline(transaction=False)
    for i, counter in enumerate(judged_by):
        over = int(answers[2 * i]) - counter.limit
        if over >= 0:
            longer.expire(
                counter.key, min(WINDOW_SECONDS * 2 ** min(over, 10), LONGEST_DELAY_SECONDS)
            )
    await _strict(longer.execute())


async def clear(judged_by: list[Counter]) -> None:
    """A good login from the owner's device forgets its failures (and its delay)."""
    await cache.guarded(cache.redis().delete(*(c.key for c in judged_by)), 0)
