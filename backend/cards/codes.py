"""The two QR payloads, as pure functions: building, parsing and checking them (no database).

Printed card: ``JF1:<public id>:<version>:<MAC>``.
Phone code:   ``JF2:<public id>:<time step>:<nonce>:<MAC>``.

Every character is in the QR alphanumeric set (digits, upper-case letters, ``:``), so a cheap
scanner reads the code at low resolution. The MAC is HMAC-SHA-256 under the deployment secret
over a label naming the kind of code, the village id and every field, truncated to 100 bits:
changing any character, using another deployment's secret or another village's code fails.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from backend.cards.errors import CodeUnreadable

CARD_PREFIX = "JF1"
PHONE_PREFIX = "JF2"
MAC_CHARS = 20  # 100 bits of base32
NONCE_BYTES = 10  # 80 random bits → 16 base32 characters
STEP_SECONDS = 30
STEPS_ACCEPTED = 2  # the current step and the one before: a code lives 30–60 s
QR_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
MAX_PAYLOAD_CHARS = 120

_B32 = "[A-Z2-7]"
_CARD = re.compile(rf"JF1:({_B32}{{10}}):([1-9][0-9]{{0,8}}):({_B32}{{{MAC_CHARS}}})")
_PHONE = re.compile(
    rf"JF2:({_B32}{{10}}):([1-9][0-9]{{0,11}}):({_B32}{{16}}):({_B32}{{{MAC_CHARS}}})"
)


@dataclass(frozen=True, slots=True)
class CardCode:
    """A parsed printed card: whose it is and which issue of the card (older ones are dead)."""

    public_id: str
    version: int
    mac: str


@dataclass(frozen=True, slots=True)
class PhoneCode:
    """A parsed phone code: whose, which 30-second step it was made in, and its random nonce."""

    public_id: str
    time_step: int
    nonce: str
    mac: str

    @property
    def digest(self) -> str:
        """What the single-use record stores: one per code, whatever case it was typed in."""
        canonical = f"{PHONE_PREFIX}:{self.public_id}:{self.time_step}:{self.nonce}:{self.mac}"
        return hashlib.sha256(canonical.encode()).hexdigest()


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def _mac(secret: str, label: str, village_id: int, *fields: object) -> str:
    message = "|".join(["jifen", label, str(village_id), *(str(f) for f in fields)]).encode()
    return _b32(hmac.new(secret.encode(), message, hashlib.sha256).digest())[:MAC_CHARS]


def card_payload(secret: str, village_id: int, public_id: str, version: int) -> str:
    mac = _mac(secret, "card.v1", village_id, public_id, version)
    return f"{CARD_PREFIX}:{public_id}:{version}:{mac}"


def phone_payload(
    secret: str, village_id: int, public_id: str, time_step: int, nonce: str | None = None
) -> str:
    nonce = nonce or _b32(secrets.token_bytes(NONCE_BYTES))
    mac = _mac(secret, "phone.v1", village_id, public_id, time_step, nonce)
    return f"{PHONE_PREFIX}:{public_id}:{time_step}:{nonce}:{mac}"


def parse(payload: str) -> CardCode | PhoneCode:
    """Read a scanned payload; whitespace around it and lower case (a scanner's Caps Lock) are
    forgiven, anything else that is not exactly one of the two shapes is unreadable."""
    text = payload.strip().upper()
    if len(text) > MAX_PAYLOAD_CHARS:
        raise CodeUnreadable()
    if match := _CARD.fullmatch(text):
        return CardCode(match[1], int(match[2]), match[3])
    if match := _PHONE.fullmatch(text):
        return PhoneCode(match[1], int(match[2]), match[3], match[4])
    raise CodeUnreadable()


def mac_is_valid(secret: str, village_id: int, code: CardCode | PhoneCode) -> bool:
    """Constant-time check that this village, under this secret, made this code."""
    if isinstance(code, CardCode):
        expected = _mac(secret, "card.v1", village_id, code.public_id, code.version)
    else:
        expected = _mac(secret, "phone.v1", village_id, code.public_id, code.time_step, code.nonce)
    return hmac.compare_digest(expected.encode(), code.mac.encode())


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def phone_code_expires_at(step: int) -> datetime:
    """The first instant a code of ``step`` is refused."""
    return datetime.fromtimestamp((step + STEPS_ACCEPTED) * STEP_SECONDS, tz=UTC)


def is_qr_alphanumeric(payload: str) -> bool:
    return all(ch in QR_ALPHANUMERIC for ch in payload)
