"""Cards and phone codes through the services, on the configured engine and Redis."""

from __future__ import annotations

import asyncio
import base64
import time
from datetime import UTC, datetime, timedelta

import pytest

from backend import cache, clock
from backend.audit import services as audit
from backend.audit.services import CLI_ACTOR
from backend.cards import codes, issuing, phone_codes, pruning, scanning
from backend.cards.errors import (
    CardRevoked,
    CodeExpired,
    CodeForged,
    CodeNotYetValid,
    CodeUnreadable,
    CodeUsed,
    HouseholdInactive,
)
from backend.cards.tables import UsedPhoneCode
from backend.db import fetch, is_postgres, write_transaction
from backend.registry import services as registry
from backend.settings import get_settings
from tests.factories import Place

NOON = datetime(2026, 11, 23, 12, 0, 5, tzinfo=UTC)


def _flip_a_bit_of_the_public_id(payload: str) -> str:
    """Flip one of the 50 bits the public id's ten base32 characters carry."""
    prefix, public_id, rest = payload.split(":", 2)
    raw = base64.b32decode(public_id + "======")
    flipped = bytes([raw[0] ^ 0x01, *raw[1:]])
    return f"{prefix}:{base64.b32encode(flipped).decode()[:10]}:{rest}"


async def test_a_card_names_its_household(place: Place) -> None:
    household = place.households[0]
    payload = await issuing.card_payload(place.village_id, household.id)
    scanned = await scanning.resolve(payload, village_id=place.village_id)
    assert (scanned.kind, scanned.household_id, scanned.head_name, scanned.number) == (
        "card",
        household.id,
        "王建国",
        "H1",
    )
    assert scanned.version == 1


async def test_a_card_with_one_mac_character_changed_is_forged(place: Place) -> None:
    payload = await issuing.card_payload(place.village_id, place.households[0].id)
    changed = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    with pytest.raises(CodeForged):
        await scanning.resolve(changed, village_id=place.village_id)


async def test_a_card_with_a_bit_flipped_in_the_public_id_is_forged(place: Place) -> None:
    payload = await issuing.card_payload(place.village_id, place.households[0].id)
    with pytest.raises(CodeForged):
        await scanning.resolve(_flip_a_bit_of_the_public_id(payload), village_id=place.village_id)


async def test_garbage_and_a_truncated_card_are_unreadable(place: Place) -> None:
    payload = await issuing.card_payload(place.village_id, place.households[0].id)
    for scanned in ("", "你好", payload[:-3]):
        with pytest.raises(CodeUnreadable):
            await scanning.resolve(scanned, village_id=place.village_id)


async def test_another_villages_card_is_refused_here(place: Place) -> None:
    other = await issuing.card_payload(place.village_id, place.households[0].id)
    here = place.village_id + 10_000
    with pytest.raises(CodeForged):
        await scanning.resolve(other, village_id=here)


async def test_a_card_made_with_another_secret_is_forged(place: Place) -> None:
    household = place.households[0]
    payload = codes.card_payload("not-our-secret", place.village_id, household.public_id, 1)
    with pytest.raises(CodeForged):
        await scanning.resolve(payload, village_id=place.village_id)


async def test_reissuing_kills_the_old_card_and_is_audited(place: Place) -> None:
    household_id = place.households[0].id
    old = await issuing.card_payload(place.village_id, household_id)
    card = await issuing.reissue_card(CLI_ACTOR, place.village_id, household_id)
    assert card.version == 2
    with pytest.raises(CardRevoked) as refused:
        await scanning.resolve(old, village_id=place.village_id)
    assert "卡已挂失" in refused.value.message("zh-CN")
    scanned = await scanning.resolve(card.payload, village_id=place.village_id)
    assert scanned.version == 2
    entries, _ = await audit.entries(village_id=place.village_id, page=1, page_size=5)
    assert entries[0]["action"] == "card.reissue"
    assert (entries[0]["before"], entries[0]["after"]) == (
        {"version": 1},
        {"version": 2, "sessions_ended": 0},
    )


async def test_issuing_twice_keeps_one_card(place: Place) -> None:
    household_id = place.households[0].id
    first = await issuing.issue_card(CLI_ACTOR, place.village_id, household_id)
    again = await issuing.issue_card(CLI_ACTOR, place.village_id, household_id)
    assert first.version == again.version == 1
    assert first.payload == again.payload


async def test_a_moved_household_cannot_use_its_card(place: Place) -> None:
    household_id = place.households[0].id
    payload = await issuing.card_payload(place.village_id, household_id)
    await registry.update_household(CLI_ACTOR, place.village_id, household_id, {"status": "moved"})
    with pytest.raises(HouseholdInactive):
        await scanning.resolve(payload, village_id=place.village_id)
    with pytest.raises(HouseholdInactive):
        await phone_codes.phone_code(place.village_id, household_id)


async def test_a_phone_code_is_good_for_its_step_and_the_next_then_expires(place: Place) -> None:
    payload, expires_at = await phone_codes.phone_code(
        place.village_id, place.households[1].id, now=NOON
    )
    assert expires_at == NOON - timedelta(seconds=5) + timedelta(seconds=60)
    scanned = await scanning.resolve(
        payload, village_id=place.village_id, now=expires_at - timedelta(seconds=1)
    )
    assert (scanned.kind, scanned.household_id) == ("phone", place.households[1].id)
    with pytest.raises(CodeExpired) as refused:
        await scanning.resolve(payload, village_id=place.village_id, now=expires_at)
    assert "二维码已过期" in refused.value.message("zh-CN")


async def test_a_phone_code_from_a_future_step_is_refused(place: Place) -> None:
    payload, _ = await phone_codes.phone_code(
        place.village_id, place.households[0].id, now=NOON + timedelta(seconds=30)
    )
    with pytest.raises(CodeNotYetValid):
        await scanning.resolve(payload, village_id=place.village_id, now=NOON)


async def _spend(payload: str, village_id: int) -> None:
    """What a sale does with a phone code: resolve it and consume it in its transaction."""
    async with write_transaction():
        await scanning.consume_phone_code(await scanning.resolve(payload, village_id=village_id))


async def test_a_phone_code_pays_once_and_scanning_does_not_spend_it(place: Place) -> None:
    payload, _ = await phone_codes.phone_code(place.village_id, place.households[0].id)
    await scanning.resolve(payload, village_id=place.village_id)
    await scanning.resolve(payload, village_id=place.village_id)
    await _spend(payload, place.village_id)
    with pytest.raises(CodeUsed) as refused:
        await _spend(payload, place.village_id)
    assert "二维码已使用" in refused.value.message("zh-CN")


async def test_a_replay_after_redis_is_flushed_is_still_refused(place: Place) -> None:
    payload, _ = await phone_codes.phone_code(place.village_id, place.households[0].id)
    scanned = await scanning.resolve(payload, village_id=place.village_id)
    async with write_transaction():
        await scanning.consume_phone_code(scanned)
    await cache.redis().flushdb()  # only our own database: FLUSHALL would hit other tenants
    with pytest.raises(CodeUsed):
        await scanning.resolve(payload, village_id=place.village_id)
    with pytest.raises(CodeUsed):
        async with write_transaction():
            await scanning.consume_phone_code(scanned)


async def test_a_refused_sale_leaves_its_phone_code_unspent_in_the_database(
    place: Place,
) -> None:
    payload, _ = await phone_codes.phone_code(place.village_id, place.households[0].id)
    scanned = await scanning.resolve(payload, village_id=place.village_id)
    with pytest.raises(RuntimeError, match="refused"):
        async with write_transaction():
            await scanning.consume_phone_code(scanned)
            raise RuntimeError("sale refused after the code was checked")
    await cache.redis().flushdb()
    await _spend(payload, place.village_id)


async def test_two_kiosks_spending_one_code_at_once_make_exactly_one_sale(
    place: Place,
) -> None:
    payload, _ = await phone_codes.phone_code(place.village_id, place.households[0].id)
    results = await asyncio.gather(
        *(_spend(payload, place.village_id) for _ in range(2)), return_exceptions=True
    )
    assert sorted(type(r).__name__ for r in results) == ["CodeUsed", "NoneType"]


async def waiting_behind_the_first(second: asyncio.Task[None]) -> None:
    """Return once the second sale is stuck behind the first's open transaction: on PostgreSQL
    its insert of the used code waits for the first's row (a lock not granted, in pg_locks); on
    SQLite its transaction waits for the one writer, which it reaches at its first step."""
    await asyncio.sleep(0)  # the second task runs up to its first wait
    if not is_postgres():
        return
    deadline = time.monotonic() + 60
    while not second.done() and time.monotonic() < deadline:
        rows = await fetch("SELECT count(*) AS n FROM pg_locks WHERE NOT granted")
        if rows[0]["n"]:
            return
    raise AssertionError("the second sale never waited for the first")


async def test_the_database_alone_stops_a_concurrent_second_use(place: Place) -> None:
    """Redis is emptied while the first sale is still open: the unique digest decides."""
    payload, _ = await phone_codes.phone_code(place.village_id, place.households[0].id)
    scanned = await scanning.resolve(payload, village_id=place.village_id)
    consumed, finish = asyncio.Event(), asyncio.Event()

    async def first_sale() -> None:
        async with write_transaction():
            await scanning.consume_phone_code(scanned)
            consumed.set()
            await finish.wait()

    async def second_sale() -> None:
        async with write_transaction():
            await scanning.consume_phone_code(scanned)

    first = asyncio.create_task(first_sale())
    await consumed.wait()
    await cache.redis().flushdb()
    second = asyncio.create_task(second_sale())
    await waiting_behind_the_first(second)
    finish.set()
    await first
    with pytest.raises(CodeUsed):
        await second


async def test_consuming_outside_a_transaction_is_a_programming_error(place: Place) -> None:
    payload, _ = await phone_codes.phone_code(place.village_id, place.households[0].id)
    scanned = await scanning.resolve(payload, village_id=place.village_id)
    with pytest.raises(RuntimeError):
        await scanning.consume_phone_code(scanned)


async def test_a_card_is_not_consumed(place: Place) -> None:
    payload = await issuing.card_payload(place.village_id, place.households[0].id)
    scanned = await scanning.resolve(payload, village_id=place.village_id)
    for _ in range(2):
        async with write_transaction():
            await scanning.consume_phone_code(scanned)


async def test_the_deployment_secret_is_what_signs(place: Place) -> None:
    household = place.households[0]
    assert await issuing.card_payload(place.village_id, household.id) == codes.card_payload(
        get_settings().secret_key, place.village_id, household.public_id, 1
    )


async def test_pruning_forgets_only_codes_that_could_no_longer_be_accepted(place: Place) -> None:
    payload, _ = await phone_codes.phone_code(place.village_id, place.households[0].id)
    await _spend(payload, place.village_id)
    await pruning.prune_used_phone_codes()
    await cache.redis().flushdb()
    with pytest.raises(CodeUsed):
        await scanning.resolve(payload, village_id=place.village_id)
    assert await pruning.prune_used_phone_codes(now=clock.now() + timedelta(days=2)) >= 1
    with pytest.raises(CodeExpired):  # long refused by its age before its record is looked up
        await scanning.resolve(
            payload, village_id=place.village_id, now=clock.now() + timedelta(days=2)
        )


async def test_the_server_prunes_spent_codes_itself(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No cron job needed: the server's hourly job prunes as ``jifen cards prune-codes`` does
    (here two days on, when the spent code is old enough to forget)."""
    payload, _ = await phone_codes.phone_code(place.village_id, place.households[0].id)
    await _spend(payload, place.village_id)
    prune = pruning.prune_used_phone_codes
    pruned = asyncio.Event()

    async def two_days_on(now: datetime | None = None) -> int:
        count = await prune(now=clock.now() + timedelta(days=2))
        pruned.set()
        return count

    monkeypatch.setattr(pruning, "prune_used_phone_codes", two_days_on)
    async with pruning.background_prune(None):  # type: ignore[arg-type]
        await asyncio.wait_for(pruned.wait(), 30)
    assert (
        not await UsedPhoneCode.exists()
        .where(UsedPhoneCode.household == place.households[0].id)
        .run()
    )
