"""Setting a household's PIN (the committee, a PIN letter) and a villager changing their own.

Either way the PIN is hashed (argon2id), the kiosk's lock and its count are lifted, and every
session of the household's phones ends but the villager's own: whoever held an open session
under the old PIN must log in with the new one.
"""

from __future__ import annotations

import asyncio

from backend.audit.services import Actor, record
from backend.auth import services as auth
from backend.cards.errors import PinCurrentRequired
from backend.cards.issuing import HouseholdCard, active_household, card, card_row, ensure_card
from backend.cards.pins import check_pin, hasher, require_pin_format
from backend.cards.tables import Card
from backend.db import write_transaction


async def set_pin(
    actor: Actor,
    village_id: int,
    household_id: int,
    pin: str,
    *,
    keep_token_hash: str = "",
    must_change: bool = False,
) -> HouseholdCard:
    """Set or replace the household's PIN (4–6 digits); this also lifts a lockout and ends
    every session of the household's phones (but ``keep_token_hash``, the villager's own).
    ``must_change``: someone other than the household chose it, so it is to be replaced."""
    require_pin_format(pin)
    pin_hash = await asyncio.to_thread(hasher.hash, pin)
    async with write_transaction():
        await active_household(village_id, household_id)
        await ensure_card(actor, village_id, household_id)
        before = await card_row(household_id)
        await (
            Card.update(
                {
                    Card.pin_hash: pin_hash,
                    Card.pin_failures: 0,
                    Card.pin_locked_at: None,
                    Card.pin_failed_at: None,
                    Card.pin_must_change: must_change,
                }
            )
            .where(Card.household == household_id)
            .run()
        )
        ended = await auth.end_household_sessions(household_id, keep_token_hash=keep_token_hash)
        await record(
            actor,
            "card.set_pin",
            "card",
            household_id,
            village_id=village_id,
            before={
                "had_pin": bool(before and before.pin_hash),
                "locked": bool(before and before.pin_locked_at),
            },
            after={
                "had_pin": True,
                "locked": False,
                "sessions_ended": ended,
                "must_change": must_change,
            },
        )
    return await card(village_id, household_id)


async def change_own_pin(
    actor: Actor,
    village_id: int,
    household_id: int,
    pin: str,
    current_pin: str | None,
    *,
    keep_token_hash: str = "",
) -> HouseholdCard:
    """A villager's change of their own PIN: the current one first, when there is one, so a
    session left open on a phone is not enough to take the card over. A wrong current PIN counts
    toward the lockout exactly as at the kiosk; a malformed PIN, new or current, is refused
    before anything is read or counted."""
    for given in (pin, current_pin):
        if given is not None:
            require_pin_format(given)
    row = (
        await Card.select(Card.pin_hash)
        .where((Card.household == household_id) & (Card.village == village_id))
        .first()
        .run()
    )
    if row is not None and row["pin_hash"] is not None:
        if current_pin is None:
            raise PinCurrentRequired()
        await check_pin(village_id, household_id, current_pin)
    return await set_pin(actor, village_id, household_id, pin, keep_token_hash=keep_token_hash)
