"""Villagers log in with household number and PIN (the limits: tests/security/)."""

from __future__ import annotations

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.cards import pin_changes
from backend.registry import services as registry
from tests.factories import make_place, make_town

URL = "/api/v1/auth/household-login"


async def test_number_and_pin_log_a_household_in_to_one_account(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    household = place.households[1]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "4321")
    body = {
        "village": (await registry.village(place.village_id)).code,
        "number": household.number,
        "pin": "4321",
    }
    first = await client.post(URL, json=body)
    assert first.status_code == 201, first.text
    grant = first.json()["user"]["grants"][0]
    assert (grant["role"], grant["household_id"]) == ("villager", household.id)
    assert first.json()["user"]["display_name"] == f"{household.number} {household.head_name}"
    second = await client.post(URL, json=body)
    assert second.json()["user"]["user_id"] == first.json()["user"]["user_id"]
    own = await client.get(
        f"/api/v1/villages/{place.village_id}/households/{household.id}/points",
        headers={"Authorization": f"Bearer {second.json()['token']}"},
    )
    assert own.status_code == 200


async def test_a_malformed_pin_is_refused_as_such_for_any_number_and_not_counted(
    client: AsyncClient,
) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    household = place.households[0]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "4321")
    code = (await registry.village(place.village_id)).code
    for number in (household.number, "NOPE"):
        for bad in ("12a", "1", "1234567", ""):
            refused = await client.post(URL, json={"village": code, "number": number, "pin": bad})
            assert (refused.status_code, refused.json()["code"]) == (422, "pin_format")
            assert refused.json()["detail"] == "PIN 必须是 4 到 6 位数字。"
    wrong = await client.post(
        URL, json={"village": code, "number": household.number, "pin": "0000"}
    )
    assert wrong.json()["code"] == "login_failed"
    right = await client.post(
        URL, json={"village": code, "number": household.number, "pin": "4321"}
    )
    assert right.status_code == 201, right.text
