"""Judging a scanned code (a printed card or a phone code) and spending a phone code.

A scanned code is good when this village signed it (:func:`read_code`), it names an active
household, and — a card — it is the card's current version, or — a phone code — it was made in
the current 30 s step or the one before and was not spent (:func:`accept`). Scanning spends
nothing: the sale or the check-in does, with :func:`consume_phone_code`, inside its own
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from backend import cache, clock, db
from backend.cards import codes, issuing
from backend.cards.errors import (
    CardRevoked,
    CodeExpired,
    CodeForged,
    CodeNotYetValid,
    CodeUsed,
    HouseholdInactive,
)
from backend.cards.phone_codes import USED_CODE_TTL_SECONDS, is_used, used_key
from backend.registry import services as registry


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


class CodeHolder(Protocol):
    """What :func:`accept` judges of the household a code names: a registry
    :class:`~backend.registry.records.HouseholdRecord`, or the sale's own :class:`Holder`."""

    @property
    def id(self) -> int: ...
    @property
    def public_id(self) -> str: ...
    @property
    def head_name(self) -> str: ...
    @property
    def number(self) -> str: ...
    @property
    def status(self) -> str: ...


class CardState(Protocol):
    """What :func:`accept` judges of the household's card: an :class:`~backend.cards.issuing.
    CardRow`, or the sale's own :class:`CardVersion`."""

    @property
    def version(self) -> int: ...
    @property
    def pin_hash(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Holder:
    """The household a code names, for a caller that read it in its own statement."""

    id: int
    public_id: str
    head_name: str
    number: str
    status: str


@dataclass(frozen=True, slots=True)
class CardVersion:
    """The card's current version and PIN hash, for a caller that read them itself."""

    version: int
    pin_hash: str | None


def read_code(payload: str, village_id: int) -> codes.CardCode | codes.PhoneCode:
    """A scanned code this village signed, not yet judged against the household and the clock;
    refuses with ``code_unreadable`` or ``code_forged``."""
    code = codes.parse(payload)
    if not codes.mac_is_valid(issuing.secret(), village_id, code):
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
    row = await issuing.card_row(household.id)
    used = isinstance(code, codes.PhoneCode) and await is_used(village_id, code.digest)
    return accept(code, village_id, household, row, used=used, now=now)


def accept(
    code: codes.CardCode | codes.PhoneCode,
    village_id: int,
    household: CodeHolder | None,
    card: CardState | None,
    *,
    used: bool,
    now: datetime | None = None,
) -> Scanned:
    """Judge a signed code against what the database holds: the household it names (None if
    there is none), its card (None before the first issue) and whether the phone code was
    spent. The rules of :func:`resolve`, for a caller that read those rows itself (the sale
    reads them in one statement with the rest of its context)."""
    if household is None:
        raise CodeForged()
    if household.status != "active":
        raise HouseholdInactive()
    named: dict[str, Any] = {
        "household_id": household.id,
        "village_id": village_id,
        "public_id": household.public_id,
        "head_name": household.head_name,
        "number": household.number,
        "has_pin": bool(card and card.pin_hash),
    }
    if isinstance(code, codes.CardCode):
        current = card.version if card else 1
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
    db.require_transaction("consume_phone_code (in the sale's transaction)")
    assert scanned.digest is not None and scanned.time_step is not None
    key = used_key(scanned.village_id, scanned.digest)
    first = await cache.guarded(
        cache.redis().set(key, "1", nx=True, ex=USED_CODE_TTL_SECONDS), True
    )
    if not first or not await db.fetch(
        "INSERT INTO used_phone_code (village, household, digest, time_step, used_at) "
        "VALUES (:village, :household, :digest, :time_step, :used_at) "
        "ON CONFLICT (village, digest) DO NOTHING RETURNING id",
        village=scanned.village_id,
        household=scanned.household_id,
        digest=scanned.digest,
        time_step=scanned.time_step,
        used_at=clock.now(),
    ):
        raise CodeUsed()
