"""The cards API's shapes. The PIN hash never leaves the service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.http.input import Strict

# The PIN's format (4–6 digits) is the cards service's rule, refused there as ``pin_format`` with
# a message a villager can read. The schema only documents it (Litestar copies the ``extra`` of
# ``extra_json_schema`` into the OpenAPI document): a msgspec constraint here would answer the
# generic ``invalid_input`` before the service is asked. Every request that carries a PIN uses it.
Pin = Annotated[
    str,
    msgspec.Meta(
        description="4–6 digits; any other PIN is refused with pin_format",
        extra_json_schema={"extra": {"pattern": r"^[0-9]{4,6}$"}},
    ),
]
Payload = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Card(msgspec.Struct, kw_only=True):
    household_id: int
    public_id: str
    number: str
    head_name: str
    version: int
    issued_at: datetime | None
    has_pin: bool
    pin_locked: bool
    payload: str
    pin_must_change: bool = False


class PinSet(Strict):
    """A new PIN; a villager changing their own also gives the current one (staff need not)."""

    pin: Pin
    current_pin: Pin | None = None


class PhoneCode(msgspec.Struct, kw_only=True):
    payload: str
    expires_at: datetime
    seconds: int


class ScanRequest(Strict):
    code: Payload


class Scanned(msgspec.Struct, kw_only=True):
    """Who the scanned code names, for the kiosk screen (the balance comes from the ledger)."""

    household_id: int
    public_id: str
    number: str
    head_name: str
    kind: Literal["card", "phone"]
    has_pin: bool
    version: int | None
    expires_at: datetime | None
