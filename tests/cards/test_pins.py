"""The card PIN: hashed, five wrong tries lock it, and only the committee unlocks it."""

from __future__ import annotations

import asyncio

import pytest

from backend.audit.services import CLI_ACTOR
from backend.cards import issuing, pin_changes, pins
from backend.cards.errors import PinFormat, PinLocked, PinNotSet, PinWrong
from backend.cards.tables import Card
from backend.db import write_transaction
from backend.errors import NotFound
from tests.factories import Place, World


async def test_the_pin_is_checked_and_stored_only_as_a_hash(place: Place) -> None:
    household_id = place.households[0].id
    card = await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, "4821")
    assert card.has_pin and not card.pin_locked
    await pins.check_pin(place.village_id, household_id, "4821")
    stored = await Card.select(Card.pin_hash).where(Card.household == household_id).first().run()
    assert stored is not None and stored["pin_hash"].startswith("$argon2id$")
    assert "4821" not in stored["pin_hash"]


async def test_five_wrong_tries_lock_the_pin_and_the_right_one_does_not_unlock_it(
    place: Place,
) -> None:
    household_id = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, "4821")
    for tries_left in (4, 3, 2, 1):
        with pytest.raises(PinWrong) as wrong:
            await pins.check_pin(place.village_id, household_id, "0000")
        assert wrong.value.params["tries_left"] == tries_left
        assert f"还可以再试 {tries_left} 次" in wrong.value.message("zh-CN")
    with pytest.raises(PinLocked):
        await pins.check_pin(place.village_id, household_id, "0000")
    with pytest.raises(PinLocked):
        await pins.check_pin(place.village_id, household_id, "4821")
    assert (await issuing.card(place.village_id, household_id)).pin_locked
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, "7310")
    await pins.check_pin(place.village_id, household_id, "7310")


async def test_the_pin_check_runs_before_the_sale_not_inside_it(place: Place) -> None:
    household_id = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, "4821")
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await pins.check_pin(place.village_id, household_id, "4821")


async def test_a_household_without_a_pin_and_malformed_pins(place: Place) -> None:
    household_id = place.households[1].id
    with pytest.raises(PinNotSet):
        await pins.check_pin(place.village_id, household_id, "1234")
    for bad in ("123", "1234567", "12a4", "", "１２３４"):
        with pytest.raises(PinFormat):
            await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, bad)
        with pytest.raises(PinFormat):  # before the card is read: not a wrong try
            await pins.check_pin(place.village_id, household_id, bad)


async def test_another_villages_household_is_not_found_for_a_pin_check(
    place: Place, world: World
) -> None:
    household_id = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, "4821")
    with pytest.raises(NotFound):
        await pins.check_pin(world.b.village_id, household_id, "4821")
    await pins.check_pin(place.village_id, household_id, "4821")


async def test_wrong_pins_tried_at_once_are_all_counted(place: Place) -> None:
    household_id = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, "4821")
    results = await asyncio.gather(
        *(pins.check_pin(place.village_id, household_id, "9999") for _ in range(7)),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["PinLocked"] * 3 + ["PinWrong"] * 4
    with pytest.raises(PinLocked):
        await pins.check_pin(place.village_id, household_id, "4821")
