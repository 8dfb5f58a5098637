"""Cards, PINs and phone codes: issuing them, and deciding whether a scanned code is good.

Invariants:
- only the current version of a household's card is accepted; reissuing bumps it, so every
  older print is dead at once, on every kiosk (nothing is cached);
- a phone code is accepted for 30–60 s and pays for at most one sale: its digest is inserted
  in the sale's own transaction under a UNIQUE constraint (Redis only pre-checks, so flushing
  Redis never reopens a spent code);
- a PIN is stored as an argon2id hash; the fifth wrong PIN at the kiosk within 30 days locks
  it until it is set again (or the household's own phone lifts it, :mod:`backend.cards.pins`);
  a correct PIN neither unlocks it nor forgives earlier wrong ones (no fresh guesses after each
  use by the owner).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend import background, cache, clock, db
from backend.audit.services import Actor, record
from backend.auth import services as auth
from backend.cards import codes, pictures
from backend.cards.errors import (
    CardRevoked,
    CodeExpired,
    CodeForged,
    CodeNotYetValid,
    CodeUsed,
    HouseholdInactive,
    PinCurrentRequired,
    PinFormat,
    PinLocked,
    PinNotSet,
    PinWrong,
)
from backend.cards.tables import Card, UsedPhoneCode
from backend.db import engine, write_transaction
from backend.registry import services as registry
from backend.registry.errors import UnknownGrid
from backend.settings import get_settings

PIN_TRIES = 5
PIN_FAILURES_FORGOTTEN_DAYS = 30
PIN_PATTERN = re.compile(r"[0-9]{4,6}")
USED_CODE_TTL_SECONDS = codes.STEP_SECONDS * (codes.STEPS_ACCEPTED + 2)
PRUNE_SECONDS = 3600.0
_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class Scanned:
    """A scanned code this village accepts.

    household_id, village_id, public_id, head_name, number: the household it names.
    kind: ``card`` (printed, long-lived) or ``phone`` (60 s, single use).
    version: the card's version (cards only).
    time_step, digest, expires_at: the phone code's 30 s step, the digest its single-use
    record is keyed by, and when it stops being accepted (phone codes only).
    has_pin: whether the household has a PIN (a sale above the village's threshold asks for it).
    """

    household_id: int
    village_id: int
    public_id: str
    head_name: str
    number: str
    kind: Literal["card", "phone"]
    has_pin: bool
    version: int | None = None
    time_step: int | None = None
    digest: str | None = None
    expires_at: datetime | None = None


def _secret() -> str:
    return get_settings().secret_key


async def _card_row(household_id: int) -> dict[str, Any] | None:
    return (
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


async def _active_household(village_id: int, household_id: int) -> dict[str, Any]:
    household = await registry.household(village_id, household_id)
    if household["status"] != "active":
        raise HouseholdInactive()
    return household


async def _ensure_card(actor: Actor, village_id: int, household_id: int) -> bool:
    """Create the household's card row at version 1 unless it exists; True if created."""
    created = (
        await Card.insert(Card(village=village_id, household=household_id, issued_by=actor.user_id))
        .on_conflict(target=Card.household, action="DO NOTHING")
        .returning(Card.id)
        .run()
    )
    return bool(created)


async def card(village_id: int, household_id: int) -> dict[str, Any]:
    """A household's card as the committee sees it (never the PIN hash)."""
    household = await registry.household(village_id, household_id)
    row = await _card_row(household_id)
    version = row["version"] if row else 1
    return {
        "household_id": household_id,
        "public_id": household["public_id"],
        "number": household["number"],
        "head_name": household["head_name"],
        "version": version,
        "issued_at": row["issued_at"] if row else None,
        "has_pin": bool(row and row["pin_hash"]),
        "pin_locked": bool(row and row["pin_locked_at"]),
        "pin_must_change": bool(row and row["pin_must_change"]),
        "payload": codes.card_payload(_secret(), village_id, household["public_id"], version),
    }


async def card_payload(village_id: int, household_id: int) -> str:
    """What the household's current card encodes. A household with no card row has version 1
    (a card can be printed for it the day it is registered)."""
    return str((await card(village_id, household_id))["payload"])


async def card_sheet_pdf(
    village_id: int, grid_id: int | None = None, household_id: int | None = None
) -> bytes:
    """Printable A4 sheets of the current cards of a village's (or one grid's) active
    households, in household-number order; with ``household_id``, that one card reprinted —
    the same version, so the household's other copies keep working (a lost card is a reissue)."""
    village = await registry.village(village_id)
    if grid_id is not None and grid_id not in {g["id"] for g in await registry.grids(village_id)}:
        raise UnknownGrid()
    households: list[dict[str, Any]] = []
    if household_id is not None:
        households = [await _active_household(village_id, household_id)]
    page = 1
    while household_id is None:
        rows, total = await registry.households(
            village_id, grid_id=grid_id, status="active", page=page, page_size=500
        )
        households += rows
        if not rows or len(households) >= total:
            break
        page += 1
    versions = {
        row["household"]: row["version"]
        for row in await Card.select(Card.household, Card.version)
        .where(Card.village == village_id)
        .run()
    }
    printed = []
    for household in households:
        version = versions.get(household["id"], 1)
        payload = codes.card_payload(_secret(), village_id, household["public_id"], version)
        printed.append(
            pictures.PrintedCard(payload, household["head_name"], household["number"], version)
        )
    return await asyncio.to_thread(pictures.card_sheet_pdf, village["name"], printed)


async def issue_card(actor: Actor, village_id: int, household_id: int) -> dict[str, Any]:
    """Record that the household's card (version 1) was issued; issuing again changes nothing."""
    async with write_transaction():
        await _active_household(village_id, household_id)
        if await _ensure_card(actor, village_id, household_id):
            await record(
                actor,
                "card.issue",
                "card",
                household_id,
                village_id=village_id,
                after={"household": household_id, "version": 1},
            )
    return await card(village_id, household_id)


async def reissue_card(actor: Actor, village_id: int, household_id: int) -> dict[str, Any]:
    """Replace a lost card: the version goes up by one and every older card is refused."""
    async with write_transaction():
        await _active_household(village_id, household_id)
        await _ensure_card(actor, village_id, household_id)
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


def require_pin_format(pin: str) -> None:
    """A PIN is 4–6 ASCII digits. Anything else is refused before any card is read, so a mistyped
    PIN is neither counted toward the lockout nor tells whether a household number exists, and the
    villager is told what a PIN looks like."""
    if not PIN_PATTERN.fullmatch(pin):
        raise PinFormat()


async def set_pin(
    actor: Actor,
    village_id: int,
    household_id: int,
    pin: str,
    *,
    keep_token_hash: str = "",
    must_change: bool = False,
) -> dict[str, Any]:
    """Set or replace the household's PIN (4–6 digits); this also lifts a lockout and ends
    every session of the household's phones (but ``keep_token_hash``, the villager's own).
    ``must_change``: someone other than the household chose it, so it is to be replaced."""
    require_pin_format(pin)
    pin_hash = await asyncio.to_thread(_hasher.hash, pin)
    async with write_transaction():
        await _active_household(village_id, household_id)
        await _ensure_card(actor, village_id, household_id)
        before = await _card_row(household_id)
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
                "had_pin": bool(before and before["pin_hash"]),
                "locked": bool(before and before["pin_locked_at"]),
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
) -> dict[str, Any]:
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


def _pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


async def check_pin(village_id: int, household_id: int, pin: str) -> None:
    """Accept the household's PIN or refuse it; every wrong try is counted and committed.

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
    good = await asyncio.to_thread(_pin_matches, row["pin_hash"], pin)
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


async def phone_code(
    village_id: int, household_id: int, now: datetime | None = None
) -> tuple[str, datetime]:
    """A fresh phone code for the household's page, and the first instant it is refused."""
    household = await _active_household(village_id, household_id)
    step = codes.time_step(now or clock.now())
    payload = codes.phone_payload(_secret(), village_id, household["public_id"], step)
    return payload, codes.phone_code_expires_at(step)


def _used_key(village_id: int, digest: str) -> str:
    return f"{{v{village_id}}}:phone_code:{digest}"


async def _is_used(village_id: int, digest: str) -> bool:
    if await cache.guarded(cache.redis().exists(_used_key(village_id, digest)), 0):
        return True
    return bool(
        await UsedPhoneCode.exists()
        .where((UsedPhoneCode.village == village_id) & (UsedPhoneCode.digest == digest))
        .run()
    )


def read_code(payload: str, village_id: int) -> codes.CardCode | codes.PhoneCode:
    """A scanned code this village signed, not yet judged against the household and the clock;
    refuses with ``code_unreadable`` or ``code_forged``."""
    code = codes.parse(payload)
    if not codes.mac_is_valid(_secret(), village_id, code):
        raise CodeForged()
    return code


async def resolve(payload: str, *, village_id: int, now: datetime | None = None) -> Scanned:
    """The household a scanned code names, if this village accepts the code now.

    Refuses with ``code_unreadable``, ``code_forged``, ``household_inactive``,
    ``card_revoked``, ``code_expired``, ``code_not_yet_valid`` or ``code_used``. Scanning does
    not spend a phone code: the sale does, with :func:`consume_phone_code`.
    """
    code = read_code(payload, village_id)
    household = await registry.household_by_public_id(village_id, code.public_id)
    if household is None:
        raise CodeForged()
    row = await _card_row(household["id"])
    used = isinstance(code, codes.PhoneCode) and await _is_used(village_id, code.digest)
    return accept(code, village_id, household, row, used=used, now=now)


def accept(
    code: codes.CardCode | codes.PhoneCode,
    village_id: int,
    household: dict[str, Any] | None,
    card_row: dict[str, Any] | None,
    *,
    used: bool,
    now: datetime | None = None,
) -> Scanned:
    """Judge a signed code against what the database holds: the household it names (``id``,
    ``public_id``, ``head_name``, ``number``, ``status``; None if there is none), its card row
    (``version``, ``pin_hash``; None before the first issue) and whether the phone code was
    spent. The rules of :func:`resolve`, for a caller that read those rows itself (the sale
    reads them in one statement with the rest of its context)."""
    if household is None:
        raise CodeForged()
    if household["status"] != "active":
        raise HouseholdInactive()
    named: dict[str, Any] = {
        "household_id": household["id"],
        "village_id": village_id,
        "public_id": household["public_id"],
        "head_name": household["head_name"],
        "number": household["number"],
        "has_pin": bool(card_row and card_row["pin_hash"]),
    }
    if isinstance(code, codes.CardCode):
        current = card_row["version"] if card_row else 1
        if code.version < current:
            raise CardRevoked(version=code.version)
        if code.version > current:
            raise CodeForged()
        return Scanned(kind="card", version=code.version, **named)
    step = codes.time_step(now or clock.now())
    if code.time_step > step:
        raise CodeNotYetValid()
    if code.time_step <= step - codes.STEPS_ACCEPTED:
        raise CodeExpired()
    if used:
        raise CodeUsed()
    return Scanned(
        kind="phone",
        time_step=code.time_step,
        digest=code.digest,
        expires_at=codes.phone_code_expires_at(code.time_step),
        **named,
    )


async def consume_phone_code(scanned: Scanned) -> None:
    """Spend a phone code, inside the sale's own transaction; a card is not spent (no-op).

    The used-code row commits or vanishes with the sale. A second use — a replay, or the same
    code at another kiosk at the same moment — raises ``code_used``, which must propagate so
    the sale's transaction rolls back. Redis ``SET NX`` refuses most replays before the
    database is asked; the UNIQUE digest decides. The Redis mark outlives a sale that is
    refused after this call (for about two minutes), so call it as the sale's last check; the
    villager's page shows a new code every 30 s anyway.
    """
    if scanned.kind != "phone":
        return
    if engine().current_transaction.get() is None:
        raise RuntimeError("consume_phone_code must run inside the sale's write_transaction")
    assert scanned.digest is not None and scanned.time_step is not None
    key = _used_key(scanned.village_id, scanned.digest)
    first = await cache.guarded(
        cache.redis().set(key, "1", nx=True, ex=USED_CODE_TTL_SECONDS), True
    )
    if not first or not await db.fetch(
        "INSERT INTO used_phone_code (village, household, digest, time_step, used_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (village, digest) DO NOTHING RETURNING id",
        scanned.village_id,
        scanned.household_id,
        scanned.digest,
        scanned.time_step,
        clock.now(),
    ):
        raise CodeUsed()


async def prune_used_phone_codes(now: datetime | None = None) -> int:
    """Forget spent phone codes older than a day; returns how many were forgotten.

    Safe because a code that old is refused as expired before its single-use record is looked
    up; the day of margin covers servers whose clocks disagree by minutes.
    """
    cutoff = (now or clock.now()) - timedelta(days=1)
    async with write_transaction():
        gone = (
            await UsedPhoneCode.delete()
            .where(UsedPhoneCode.used_at < cutoff)
            .returning(UsedPhoneCode.id)
            .run()
        )
    return len(gone)


async def _prune_now(stop: asyncio.Event) -> None:
    await prune_used_phone_codes()


# The server prunes on its own, so a village needs no cron job for it (``jifen cards
# prune-codes`` does the same by hand).
background_prune = background.every(PRUNE_SECONDS, _prune_now, "phone-code pruning")


async def pin_must_change(village_id: int, household_id: int) -> bool:
    """Whether the household's PIN was chosen by someone else and is still to be replaced."""
    row = (
        await Card.select(Card.pin_must_change)
        .where((Card.household == household_id) & (Card.village == village_id))
        .first()
        .run()
    )
    return bool(row and row["pin_must_change"])
