"""What the villager's page learns about the phone code it shows: waiting until a till spends
it, then paid (how much, the balance it left, voided or not), or used at a check-in; never
anything about another household's codes."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from backend import clock
from backend.activities import services as activities
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import codes, issuing, phone_codes
from backend.scoring import rules
from backend.scoring.evaluations import Scorer
from backend.shop import redemption_services
from backend.shop.code_status import code_status
from tests.factories import TIDY_YARD, Place, stocked_place, unique


async def status(
    client: AsyncClient, place: Place, code: str, role: Role = Role.villager
) -> tuple[int, dict]:
    response = await client.get(
        f"/api/v1/villages/{place.village_id}/phone-code/status",
        params={"code": code} if code else {},
        headers=place.headers(role),
    )
    return response.status_code, response.json()


async def phone_code(place: Place, index: int = 0) -> str:
    payload, _expires = await phone_codes.phone_code(place.village_id, place.households[index].id)
    return payload


async def test_a_code_waits_then_says_what_it_paid_and_what_is_left(client: AsyncClient) -> None:
    place = await stocked_place(60)
    code = await phone_code(place)
    _found, never = await status(client, place, "")
    assert never["state"] == "none"
    found, body = await status(client, place, code)
    assert (found, body["state"], body["balance"], body["total"]) == (200, "waiting", 60, None)

    sale = await redemption_services.redeem(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        code,
        [redemption_services.Line(place.product_id, 2)],
        key=unique("till"),
    )
    found, body = await status(client, place, code)
    assert found == 200
    assert body["state"] == "paid" and body["sale_status"] == "completed"
    assert (body["total"], body["balance_after"], body["balance"]) == (20, 40, 40)
    assert body["receipt_no"] == sale.receipt_no and body["shop_name"] == "积分超市"

    _found, newest = await status(client, place, "")
    assert (newest["state"], newest["receipt_no"]) == ("paid", sale.receipt_no)

    await redemption_services.void(CLI_ACTOR, place.village_id, place.shop_id, sale.id, "拿错了")
    _found, body = await status(client, place, code)
    assert (body["state"], body["sale_status"], body["balance"]) == ("paid", "voided", 60)


async def test_an_unspent_code_past_its_minute_has_expired() -> None:
    place = await stocked_place(10)
    household_id = place.households[0].id
    old = clock.now() - timedelta(seconds=codes.STEP_SECONDS * 3)
    code, _expires = await phone_codes.phone_code(place.village_id, household_id, now=old)
    answer = await code_status(place.village_id, household_id, code)
    assert (answer.state, answer.balance, answer.total) == ("expired", 10, None)


async def test_nobody_learns_about_another_households_codes_or_cards(client: AsyncClient) -> None:
    place = await stocked_place(10)
    neighbour = await phone_code(place, 1)
    assert (await status(client, place, neighbour))[0] == 404
    card = await issuing.card_payload(place.village_id, place.households[0].id)
    assert (await status(client, place, card))[0] == 404
    found, body = await status(client, place, "JF2:NOT-A-CODE")
    assert (found, body["code"]) == (422, "code_unreadable")
    assert (await status(client, place, await phone_code(place), Role.committee))[0] == 403


async def test_a_code_spent_at_a_check_in_is_used_not_paid(client: AsyncClient) -> None:
    place = await stocked_place(10)
    book = await rules.adopt_rule_book(CLI_ACTOR, place.village_id, [TIDY_YARD])
    organiser = Scorer(place.user_ids[Role.committee], "组织者", frozenset({"committee"}))
    activity = await activities.create_activity(
        organiser,
        place.village_id,
        {
            "title": "村道清扫",
            "rule_id": book.rules[0].id,
            "starts_at": clock.now(),
            "ends_at": clock.now() + timedelta(hours=2),
        },
    )
    await activities.start_activity(organiser, place.village_id, activity.id)
    code = await phone_code(place)
    await activities.check_in(
        organiser, place.village_id, activity.id, activities.Scan(code, unique("scan"))
    )
    found, body = await status(client, place, code)
    assert (found, body["state"], body["total"], body["balance"]) == (200, "used", None, 10)
