"""A household's printed card: issuing it, reissuing it (which revokes every older print) and
what it encodes.

Invariant: only the current version of a household's card is accepted; reissuing bumps it, so
every older print is dead at once, on every kiosk (nothing is cached). A household with no card
row has version 1 (a card can be printed for it the day it is registered).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from backend import clock
from backend.audit.services import Actor, record
from backend.auth import services as auth
from backend.cards import codes
from backend.cards.errors import HouseholdInactive
from backend.cards.tables import Card
from backend.db import write_transaction
from backend.registry import services as registry
from backend.registry.records import HouseholdRecord
from backend.settings import get_settings


@dataclass(frozen=True, slots=True)
class HouseholdCard:
    """A household's card as the committee sees it: never the PIN hash, only whether there is
    a PIN, whether the kiosk locked it and whether it is still to be replaced."""

    household_id: int
    public_id: str
    number: str
    head_name: str
    version: int
    issued_at: datetime | None
    has_pin: bool
    pin_locked: bool
    pin_must_change: bool
    payload: str


@dataclass(frozen=True, slots=True)
class CardRow:
    """A household's card row as stored (``pin_hash`` None: no PIN; ``pin_locked_at`` set:
    the kiosk locked the PIN after the fifth wrong one)."""

    version: int
    pin_hash: str | None
    pin_failures: int
    pin_locked_at: datetime | None
    issued_at: datetime | None
    pin_must_change: bool


def secret() -> str:
    """The deployment secret every code's MAC is made under."""
    return get_settings().secret_key


async def card_row(household_id: int) -> CardRow | None:
    """The household's card row as stored (None before the first issue)."""
    row = (
        await Card.select(
            Card.version,
            Card.pin_hash,
            Card.pin_failures,
            Card.pin_locked_at,
            Card.issued_at,
            Card.pin_must_change,
        )
        .where(Card.household == household_id)
        .first()
        .run()
    )
    return CardRow(**row) if row else None


async def active_household(village_id: int, household_id: int) -> HouseholdRecord:
    """The household, refused with ``household_inactive`` unless it is active: only an active
    household gets a card, a PIN or a phone code."""
    household = await registry.household(village_id, household_id)
    if household.status != "active":
        raise HouseholdInactive()
    return household


async def ensure_card(actor: Actor, village_id: int, household_id: int) -> bool:
    """Create the household's card row at version 1 unless it exists; True if created."""
    created = (
        await Card.insert(Card(village=village_id, household=household_id, issued_by=actor.user_id))
        .on_conflict(target=Card.household, action="DO NOTHING")
        .returning(Card.id)
        .run()
    )
    return bool(created)


async def card(village_id: int, household_id: int) -> HouseholdCard:
    """A household's card as the committee sees it."""
    household = await registry.household(village_id, household_id)
    row = await card_row(household_id)
    version = row.version if row else 1
    return HouseholdCard(
        household_id=household_id,
        public_id=household.public_id,
        number=household.number,
        head_name=household.head_name,
        version=version,
        issued_at=row.issued_at if row else None,
        has_pin=bool(row and row.pin_hash),
        pin_locked=bool(row and row.pin_locked_at),
        pin_must_change=bool(row and row.pin_must_change),
        payload=codes.card_payload(secret(), village_id, household.public_id, version),
    )


async def card_payload(village_id: int, household_id: int) -> str:
    """What the household's current card encodes."""
    return (await card(village_id, household_id)).payload


async def issue_card(actor: Actor, village_id: int, household_id: int) -> HouseholdCard:
    """Record that the household's card (version 1) was issued; issuing again changes nothing."""
    async with write_transaction():
        await active_household(village_id, household_id)
        if await ensure_card(actor, village_id, household_id):
            await record(
                actor,
                "card.issue",
                "card",
                household_id,
                village_id=village_id,
                after={"household": household_id, "version": 1},
            )
    return await card(village_id, household_id)


async def reissue_card(actor: Actor, village_id: int, household_id: int) -> HouseholdCard:
    """Replace a lost card: the version goes up by one and every older card is refused."""
    async with write_transaction():
        await active_household(village_id, household_id)
        await ensure_card(actor, village_id, household_id)
        rows = (
            await Card.update(
                {
                    Card.version: Card.version + 1,
                    Card.reissued_at: clock.now(),
                    Card.reissued_by: actor.user_id,
                }
            )
            .where(Card.household == household_id)
            .returning(Card.version)
            .run()
        )
        version = rows[0]["version"]
        ended = await auth.end_household_sessions(household_id)
        await record(
            actor,
            "card.reissue",
            "card",
            household_id,
            village_id=village_id,
            before={"version": version - 1},
            after={"version": version, "sessions_ended": ended},
        )
    return await card(village_id, household_id)
