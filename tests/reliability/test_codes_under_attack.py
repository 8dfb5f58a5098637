"""Codes under attack: 100 000 mutated and re-signed card and phone codes, none accepted.

Random mutations (bit flips, truncations, insertions) of a real card and a real phone code are
checked by the code layer (parse + MAC) by the hundred thousand, and a sample of them and every
structured attack (another secret, another village, an old card version, a future time step)
goes through the full ``resolve`` a kiosk calls.
"""

from __future__ import annotations

import random
from datetime import timedelta

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.cards import codes, issuing, phone_codes, scanning
from backend.errors import DomainError
from backend.settings import get_settings
from tests.factories import make_place, make_town
from tests.reliability.conftest import long_tests

ATTEMPTS = 100_000
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:0189"


def mutations(rng: random.Random, payloads: list[str], count: int) -> list[str]:
    """Bit flips, truncations, insertions and character swaps of real payloads."""
    out = []
    for _ in range(count):
        text = rng.choice(payloads)
        kind = rng.randrange(4)
        position = rng.randrange(len(text))
        if kind == 0:
            raw = bytearray(text.encode())
            raw[position] ^= 1 << rng.randrange(7)
            text = raw.decode(errors="replace")
        elif kind == 1:
            text = text[:position]
        elif kind == 2:
            text = text[:position] + rng.choice(ALPHABET) + text[position:]
        else:
            text = text[:position] + rng.choice(ALPHABET) + text[position + 1 :]
        out.append(text)
    return out


def accepted_by_the_code_layer(payload: str, village_id: int, originals: set[str]) -> bool:
    try:
        code = codes.parse(payload)
    except DomainError:
        return False
    if payload.strip().upper() in originals:
        return False  # the same code, typed differently: not a forgery
    return codes.mac_is_valid(get_settings().secret_key, village_id, code)


async def test_mutated_and_re_signed_codes_are_all_refused() -> None:
    place = await make_place((await make_town()).id, with_users=False)
    other = await make_place((await make_town()).id, with_users=False)
    household = place.households[0]
    old_card = await issuing.card_payload(place.village_id, household.id)
    await issuing.reissue_card(CLI_ACTOR, place.village_id, household.id)
    card = await issuing.card_payload(place.village_id, household.id)
    phone, _ = await phone_codes.phone_code(place.village_id, household.id)
    originals = {card, phone}
    rng = random.Random(20261123)

    count = ATTEMPTS * (10 if long_tests() else 1)
    accepted = [
        m
        for m in mutations(rng, [card, phone], count)
        if accepted_by_the_code_layer(m, place.village_id, originals)
    ]
    assert accepted == []

    public_id = household.public_id
    step = codes.time_step(clock.now())
    structured = [
        old_card,
        codes.card_payload("another-deployment-secret", place.village_id, public_id, 2),
        codes.card_payload(get_settings().secret_key, other.village_id, public_id, 2),
        codes.card_payload(get_settings().secret_key, place.village_id, public_id, 3),
        codes.phone_payload(get_settings().secret_key, place.village_id, public_id, step + 5),
        codes.phone_payload(get_settings().secret_key, place.village_id, public_id, step - 10),
        codes.phone_payload("another-deployment-secret", place.village_id, public_id, step),
        codes.phone_payload(get_settings().secret_key, other.village_id, public_id, step),
        *mutations(rng, [card, phone], 300),
    ]
    for payload in structured:
        if payload.strip().upper() in originals:
            continue
        try:
            await scanning.resolve(payload, village_id=place.village_id)
        except DomainError:
            continue
        raise AssertionError(f"accepted a forged or dead code: {payload}")

    scanned = await scanning.resolve(card, village_id=place.village_id)
    assert scanned.household_id == household.id
    late = clock.now() + timedelta(minutes=2)
    try:
        await scanning.resolve(phone, village_id=place.village_id, now=late)
    except DomainError as error:
        assert error.code == "code_expired"
    else:
        raise AssertionError("an expired phone code was accepted")
