"""A household's PIN: its shape, and the two places it is checked — at the kiosk and at login.

Why two checks: a wrong PIN at the kiosk is typed by someone holding the card, so every wrong
try is counted and the fifth within 30 days locks the card until the PIN is set again
(:func:`check_pin`); a correct PIN neither unlocks it nor forgives earlier wrong ones (no fresh
guesses after each use by the owner). A wrong PIN on the login page can come from anyone on the
network, so it must never lock anything — the login limits slow it down instead
(:mod:`backend.auth.limits`) — and a good one from the household's own phone may lift the
kiosk's lock (:func:`pin_verdict`, :func:`lift_pin_lock`).

A PIN is stored as an argon2id hash; setting one is :mod:`backend.cards.pin_changes`. This
module imports nothing of ``backend.auth``, which imports it for the household's login.
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend import clock
from backend.audit.services import Actor, record
from backend.cards.errors import PinFormat, PinLocked, PinNotSet, PinWrong
from backend.cards.tables import Card
from backend.db import engine, write_transaction
from backend.registry import services as registry

PIN_TRIES = 5
PIN_FAILURES_FORGOTTEN_DAYS = 30
PIN_PATTERN = re.compile(r"[0-9]{4,6}")
Verdict = Literal["good", "good_but_locked", "wrong", "no_pin"]
hasher = PasswordHasher()
# Verified against when there is no PIN to check, so every answer costs the same argon2 work.
_NOBODY = hasher.hash("no household has this pin")


def require_pin_format(pin: str) -> None:
    """A PIN is 4–6 ASCII digits. Anything else is refused before any card is read, so a mistyped
    PIN is neither counted toward the lockout nor tells whether a household number exists, and the
    villager is told what a PIN looks like."""
    if not PIN_PATTERN.fullmatch(pin):
        raise PinFormat()


def _matches(pin_hash: str, pin: str) -> bool:
    try:
        return hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


async def check_pin(village_id: int, household_id: int, pin: str) -> None:
    """Accept the household's PIN at the kiosk or refuse it; every wrong try is counted and
    committed.

    Call it BEFORE opening the sale's transaction: the failure count must survive the refused
    sale, so it is written in a transaction of its own (on SQLite there is only one writer, so
    it could not be written beside an open sale).
    """
    if engine().current_transaction.get() is not None:
        raise RuntimeError("check_pin commits its own transaction: call it before the sale's")
    require_pin_format(pin)
    mine = (Card.household == household_id) & (Card.village == village_id)
    row = await Card.select(Card.pin_hash, Card.pin_locked_at).where(mine).first().run()
    if row is None or row["pin_hash"] is None:
        await registry.household(village_id, household_id)  # another village's: not found
        raise PinNotSet()
    if row["pin_locked_at"] is not None:
        raise PinLocked()
    good = await asyncio.to_thread(_matches, row["pin_hash"], pin)
    async with write_transaction():
        if good:
            # A lock that landed while we were hashing still wins over the correct PIN.
            still_open = await Card.select(Card.id).where(mine & Card.pin_locked_at.is_null()).run()
            if not still_open:
                raise PinLocked()
            return
        now = clock.now()
        await (
            Card.update({Card.pin_failures: 0})
            .where(
                mine
                & Card.pin_locked_at.is_null()
                & (Card.pin_failed_at < now - timedelta(days=PIN_FAILURES_FORGOTTEN_DAYS))
            )
            .run()
        )
        counted = (
            await Card.update(
                {
                    Card.pin_failures: Card.pin_failures + 1,
                    Card.pin_failed_at: now,
                }
            )
            .where(mine & Card.pin_locked_at.is_null())
            .returning(Card.pin_failures)
            .run()
        )
        failures = counted[0]["pin_failures"] if counted else PIN_TRIES
        if failures >= PIN_TRIES:
            await (
                Card.update({Card.pin_locked_at: clock.now()})
                .where(mine & Card.pin_locked_at.is_null())
                .run()
            )
    if failures >= PIN_TRIES:
        raise PinLocked()
    raise PinWrong(tries_left=PIN_TRIES - failures)


async def pin_verdict(village_id: int | None, household_id: int | None, pin: str) -> Verdict:
    """Whether ``pin`` is the household's PIN, counting nothing and locking nothing (the login).
    ``village_id``/``household_id`` None: there is no such household (the work is done anyway)."""
    row = None
    if village_id is not None and household_id is not None:
        row = (
            await Card.select(Card.pin_hash, Card.pin_locked_at)
            .where((Card.household == household_id) & (Card.village == village_id))
            .first()
            .run()
        )
    pin_hash = row["pin_hash"] if row and row["pin_hash"] else None
    good = await asyncio.to_thread(_matches, pin_hash or _NOBODY, pin)
    if pin_hash is None:
        return "no_pin"
    if not good:
        return "wrong"
    return "good_but_locked" if row and row["pin_locked_at"] is not None else "good"


async def lift_pin_lock(actor: Actor, village_id: int, household_id: int) -> None:
    """The household proved its PIN from its own phone: the kiosk's lock and its count go."""
    async with write_transaction():
        lifted = (
            await Card.update(
                {
                    Card.pin_locked_at: None,
                    Card.pin_failures: 0,
                    Card.pin_failed_at: None,
                }
            )
            .where(
                (Card.household == household_id)
                & (Card.village == village_id)
                & Card.pin_locked_at.is_not_null()
            )
            .returning(Card.id)
            .run()
        )
        if lifted:
            await record(
                actor,
                "card.unlock_pin",
                "card",
                household_id,
                village_id=village_id,
                before={"locked": True},
                after={"locked": False},
            )


async def pin_must_change(village_id: int, household_id: int) -> bool:
    """Whether the household's PIN was chosen by someone else and is still to be replaced."""
    row = (
        await Card.select(Card.pin_must_change)
        .where((Card.household == household_id) & (Card.village == village_id))
        .first()
        .run()
    )
    return bool(row and row["pin_must_change"])
