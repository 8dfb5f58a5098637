"""Finding 3: household PINs cannot be sprayed, every failure answers alike, strangers cannot
lock a card, and a kiosk gives no fresh guesses (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth import limits
from backend.cards import issuing, pin_changes, pins
from backend.cards.errors import PinLocked, PinWrong
from backend.cards.tables import Card
from backend.registry import services as registry
from backend.settings import get_settings
from tests.factories import make_place, make_town
from tests.security.conftest import ClientAt, new_address

URL = "/api/v1/auth/household-login"


async def test_every_failure_gets_one_answer(client_at: ClientAt) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    with_pin, without_pin = place.households
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, with_pin.id, "4321")
    code = (await registry.village(place.village_id)).code
    tries = [
        {"village": code, "number": "NOPE", "pin": "1234"},
        {"village": code, "number": without_pin.number, "pin": "1234"},
        {"village": code, "number": with_pin.number, "pin": "1234"},
        {"village": "NOWHERE", "number": with_pin.number, "pin": "1234"},
    ]
    answers = []
    for body in tries:
        async with client_at(new_address()) as client:
            answers.append(await client.post(URL, json=body))
    assert {(a.status_code, a.json()["code"], a.json()["detail"]) for a in answers} == {
        (401, "login_failed", "户号或 PIN 不正确。")
    }
    assert all(set(a.json()) == set(answers[0].json()) for a in answers)


async def test_spraying_one_pin_over_a_village_from_many_addresses_is_stopped(
    client_at: ClientAt,
) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    code = (await registry.village(place.village_id)).code
    extra = [
        await registry.create_household(
            CLI_ACTOR,
            place.village_id,
            {"number": f"S{n}", "head_name": "张三"},
            [{"name": "张三", "relation": "户主"}],
        )
        for n in range(6)
    ]
    households = [*place.households, *extra]
    for household in households:
        await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "8642")
    limit = get_settings().household_failures_per_village
    statuses = []
    for n in range(limit + 2):
        household = households[n % len(households)]
        async with client_at(new_address()) as client:
            answer = await client.post(
                URL, json={"village": code, "number": household.number, "pin": "1234"}
            )
            statuses.append(answer.status_code)
    assert statuses[:limit] == [401] * limit
    assert statuses[limit:] == [429, 429]
    async with client_at(new_address()) as newcomer:  # the right PIN waits too, on a new phone
        right = await newcomer.post(
            URL, json={"village": code, "number": households[0].number, "pin": "8642"}
        )
    assert right.status_code == 429 and right.json()["code"] == "too_many_login_failures"


async def test_wrong_pins_over_the_network_never_lock_the_card(client_at: ClientAt) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    household = place.households[0]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "4321")
    code = (await registry.village(place.village_id)).code
    for _ in range(7):
        async with client_at(new_address()) as stranger:
            await stranger.post(
                URL, json={"village": code, "number": household.number, "pin": "0000"}
            )
    card = await issuing.card(place.village_id, household.id)
    assert not card.pin_locked
    await pins.check_pin(place.village_id, household.id, "4321")  # the kiosk still works


async def test_the_households_own_phone_gets_in_past_strangers_and_lifts_a_kiosk_lock(
    client_at: ClientAt,
) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    household = place.households[0]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "4321")
    body = {
        "village": (await registry.village(place.village_id)).code,
        "number": household.number,
        "pin": "4321",
    }
    async with client_at(new_address()) as phone:
        assert (await phone.post(URL, json=body)).status_code == 201
        assert phone.cookies.get(limits.DEVICE_COOKIE)
        for _ in range(5):  # a thief with the card at a kiosk
            with pytest.raises((PinWrong, PinLocked)):
                await pins.check_pin(place.village_id, household.id, "9999")
        assert (await issuing.card(place.village_id, household.id)).pin_locked
        for _ in range(6):  # and strangers on the network
            async with client_at(new_address()) as stranger:
                await stranger.post(URL, json={**body, "pin": "0000"})
        async with client_at(new_address()) as other_phone:
            refused = await other_phone.post(URL, json=body)
        assert refused.status_code in (401, 429)
        again = await phone.post(URL, json=body)
    assert again.status_code == 201, again.text
    assert not (await issuing.card(place.village_id, household.id)).pin_locked
    await pins.check_pin(place.village_id, household.id, "4321")


async def test_a_good_pin_at_the_kiosk_gives_no_fresh_guesses() -> None:
    place = await make_place((await make_town()).id, with_users=False)
    household_id = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, "4821")
    for _ in range(4):
        with pytest.raises(PinWrong):
            await pins.check_pin(place.village_id, household_id, "1111")
    await pins.check_pin(place.village_id, household_id, "4821")  # the owner buys something
    with pytest.raises(PinLocked):
        await pins.check_pin(place.village_id, household_id, "1111")


async def test_wrong_pins_at_the_kiosk_are_forgotten_after_thirty_days() -> None:
    place = await make_place((await make_town()).id, with_users=False)
    household_id = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, "4821")
    for _ in range(4):
        with pytest.raises(PinWrong):
            await pins.check_pin(place.village_id, household_id, "1111")
    await (
        Card.update({Card.pin_failed_at: clock.now() - timedelta(days=31)})
        .where(Card.household == household_id)
        .run()
    )
    with pytest.raises(PinWrong) as wrong:
        await pins.check_pin(place.village_id, household_id, "1111")
    assert wrong.value.params["tries_left"] == 4
