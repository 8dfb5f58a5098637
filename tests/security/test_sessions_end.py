"""Finding 7: a PIN reset and a card reissue end the household's phone sessions; a villager's
own PIN change ends the others but not their own (issue 15)."""

from __future__ import annotations

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import pin_changes
from backend.registry import services as registry
from tests.factories import Place, make_place, make_town, make_user
from tests.security.conftest import ClientAt, new_address


async def phone_login(client_at: ClientAt, place: Place, pin: str) -> dict[str, str]:
    code = (await registry.village(place.village_id)).code
    async with client_at(new_address()) as phone:
        answer = await phone.post(
            "/api/v1/auth/household-login",
            json={"village": code, "number": place.households[0].number, "pin": pin},
        )
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


async def test_a_pin_reset_and_a_card_reissue_end_the_phone_sessions(
    client_at: ClientAt,
) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    household_id = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, "4321")
    _, committee_token, _ = await make_user(Role.committee, place)
    committee = {"Authorization": f"Bearer {committee_token}"}
    code_url = f"/api/v1/villages/{place.village_id}/phone-code"
    card_url = f"/api/v1/villages/{place.village_id}/households/{household_id}/card"
    async with client_at(new_address()) as client:
        phone = await phone_login(client_at, place, "4321")
        assert (await client.get(code_url, headers=phone)).status_code == 200
        reset = await client.put(f"{card_url}/pin", json={"pin": "8765"}, headers=committee)
        assert reset.status_code == 200, reset.text
        assert (await client.get(code_url, headers=phone)).status_code == 401

        phone = await phone_login(client_at, place, "8765")
        # the committee chose that PIN, so the household replaces it before anything else
        assert (await client.get(code_url, headers=phone)).json()["code"] == "pin_must_change"
        own = await client.put(
            f"{card_url}/pin", json={"pin": "5790", "current_pin": "8765"}, headers=phone
        )
        assert own.status_code == 200, own.text
        assert (await client.get(code_url, headers=phone)).status_code == 200
        reissued = await client.post(f"{card_url}/reissue", headers=committee)
        assert reissued.status_code == 201, reissued.text
        assert (await client.get(code_url, headers=phone)).status_code == 401


async def test_a_villagers_own_pin_change_ends_the_other_phones_only(
    client_at: ClientAt,
) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    household_id = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household_id, "4321")
    mine, lost = (
        await phone_login(client_at, place, "4321"),
        await phone_login(client_at, place, "4321"),
    )
    code_url = f"/api/v1/villages/{place.village_id}/phone-code"
    async with client_at(new_address()) as client:
        changed = await client.put(
            f"/api/v1/villages/{place.village_id}/households/{household_id}/card/pin",
            json={"pin": "2468", "current_pin": "4321"},
            headers=mine,
        )
        assert changed.status_code == 200, changed.text
        assert (await client.get(code_url, headers=mine)).status_code == 200
        assert (await client.get(code_url, headers=lost)).status_code == 401
