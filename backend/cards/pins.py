"""The PIN as a login (the villager's phone), apart from the PIN at the kiosk.

Why apart: a wrong PIN at the kiosk is typed by someone holding the card, and five of them lock
the card (:func:`backend.cards.services.check_pin`). A wrong PIN on the login page can come
from anyone on the network, so it must never lock anything — the login limits slow it down
instead (:mod:`backend.auth.limits`) — and a good one from the household's own phone may lift
the kiosk's lock.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.audit.services import Actor, record
from backend.cards.tables import Card
from backend.db import write_transaction

Verdict = Literal["good", "good_but_locked", "wrong", "no_pin"]
_hasher = PasswordHasher()
# Verified against when there is no PIN to check, so every answer costs the same argon2 work.
_NOBODY = _hasher.hash("no household has this pin")


def _matches(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


async def pin_verdict(village_id: int | None, household_id: int | None, pin: str) -> Verdict:
    """Whether ``pin`` is the household's PIN, counting nothing and locking nothing.
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
