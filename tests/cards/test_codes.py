"""The payload formats on their own: what a forger, a scanner or another village can do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.cards import codes
from backend.cards.errors import CodeUnreadable

SECRET = "deployment-secret"
PUBLIC_ID = "ABCDEFGHJK"


def test_a_card_payload_reads_back_and_is_qr_alphanumeric() -> None:
    payload = codes.card_payload(SECRET, 7, PUBLIC_ID, 3)
    assert payload.startswith("JF1:ABCDEFGHJK:3:")
    assert codes.is_qr_alphanumeric(payload)
    code = codes.parse(payload)
    assert code == codes.CardCode(PUBLIC_ID, 3, payload.rsplit(":", 1)[1])
    assert codes.mac_is_valid(SECRET, 7, code)


def test_the_mac_carries_at_least_80_bits() -> None:
    mac = codes.card_payload(SECRET, 7, PUBLIC_ID, 1).rsplit(":", 1)[1]
    assert len(mac) * 5 >= 80


def test_a_phone_payload_is_alphanumeric_with_a_fresh_nonce_each_time() -> None:
    first = codes.phone_payload(SECRET, 7, PUBLIC_ID, 58_000_000)
    second = codes.phone_payload(SECRET, 7, PUBLIC_ID, 58_000_000)
    assert first != second
    assert codes.is_qr_alphanumeric(first)
    assert codes.mac_is_valid(SECRET, 7, codes.parse(first))


@pytest.mark.parametrize("position", range(20))
def test_changing_any_character_of_the_mac_breaks_it(position: int) -> None:
    payload = codes.card_payload(SECRET, 7, PUBLIC_ID, 1)
    head, mac = payload.rsplit(":", 1)
    changed = mac[:position] + ("A" if mac[position] != "A" else "B") + mac[position + 1 :]
    assert not codes.mac_is_valid(SECRET, 7, codes.parse(f"{head}:{changed}"))


def test_another_secret_another_village_or_another_version_fail() -> None:
    code = codes.parse(codes.card_payload(SECRET, 7, PUBLIC_ID, 1))
    assert not codes.mac_is_valid("another-secret", 7, code)
    assert not codes.mac_is_valid(SECRET, 8, code)
    assert not codes.mac_is_valid(SECRET, 7, codes.CardCode(PUBLIC_ID, 2, code.mac))


def test_a_card_mac_does_not_pass_as_a_phone_code() -> None:
    card = codes.parse(codes.card_payload(SECRET, 7, PUBLIC_ID, 1))
    assert not codes.mac_is_valid(SECRET, 7, codes.PhoneCode(PUBLIC_ID, 1, "A" * 16, card.mac))


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "hello",
        "JF1:",
        "JF1:ABCDEFGHJK:1",
        "JF1:ABCDEFGHJK:1:AAAA",
        "JF1:ABCDEFGHJK:0:" + "A" * 20,
        "JF1:ABCDEFGHJ1:1:" + "A" * 20,
        "JF3:ABCDEFGHJK:1:" + "A" * 20,
        "JF1:ABCDEFGHJK:1:" + "A" * 200,
        "JF2:ABCDEFGHJK:58000000:" + "A" * 16,
        "https://example.com/JF1:ABCDEFGHJK:1:" + "A" * 20,
    ],
)
def test_garbage_and_truncated_payloads_are_unreadable(garbage: str) -> None:
    with pytest.raises(CodeUnreadable):
        codes.parse(garbage)


def test_a_scanner_in_caps_lock_or_with_a_trailing_newline_still_reads() -> None:
    payload = codes.phone_payload(SECRET, 7, PUBLIC_ID, 58_000_000)
    code = codes.parse(payload.lower() + "\r\n")
    assert codes.mac_is_valid(SECRET, 7, code)
    again = codes.parse(payload)
    assert isinstance(code, codes.PhoneCode) and isinstance(again, codes.PhoneCode)
    assert code.digest == again.digest  # typed either way, one single-use record


def test_a_phone_code_lives_until_the_end_of_the_next_step() -> None:
    now = datetime(2026, 11, 23, 12, 0, 10, tzinfo=UTC)
    step = codes.time_step(now)
    assert (codes.phone_code_expires_at(step) - now).total_seconds() == 50
