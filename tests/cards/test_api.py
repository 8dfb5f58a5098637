"""The cards API: what the committee, the villager's phone and the kiosk see."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from httpx import AsyncClient
from PIL import Image

from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Role
from backend.cards import issuing, pin_changes, pins
from tests.factories import Place, World, make_place, make_town


@pytest.fixture(scope="module")
async def village(world: World) -> Place:
    """A village of our own with users, since these tests reissue cards and set PINs."""
    return await make_place(world.a.town_id)


def _url(place: Place, tail: str) -> str:
    return f"/api/v1/villages/{place.village_id}/{tail}"


async def _card_payload(client: AsyncClient, place: Place, household_id: int) -> str:
    response = await client.get(
        _url(place, f"households/{household_id}/card"), headers=place.headers(Role.committee)
    )
    assert response.status_code == 200, response.text
    payload: str = response.json()["payload"]
    return payload


async def _scan(client: AsyncClient, place: Place, code: str, role: Role = Role.shopkeeper) -> dict:
    response = await client.post(
        _url(place, "scan"), json={"code": code}, headers=place.headers(role)
    )
    return {"status": response.status_code, **response.json()}


async def test_the_kiosk_scans_a_card_and_sees_the_household(
    client: AsyncClient, village: Place
) -> None:
    household = village.households[1]
    payload = await _card_payload(client, village, household.id)
    scanned = await _scan(client, village, payload)
    assert scanned["status"] == 200
    assert (scanned["household_id"], scanned["number"], scanned["head_name"], scanned["kind"]) == (
        household.id,
        "H2",
        "李秀英",
        "card",
    )
    assert "digest" not in scanned


async def test_the_card_png_decodes_to_the_payload(client: AsyncClient, village: Place) -> None:
    household_id = village.households[1].id
    payload = await _card_payload(client, village, household_id)
    response = await client.get(
        _url(village, f"households/{household_id}/card.png"),
        headers=village.headers(Role.town_admin),
    )
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [payload]


async def test_a_forged_card_gets_a_chinese_refusal(client: AsyncClient, village: Place) -> None:
    payload = await _card_payload(client, village, village.households[1].id)
    forged = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    refused = await _scan(client, village, forged)
    assert (refused["status"], refused["code"]) == (422, "code_forged")
    assert "无效" in refused["detail"]
    unreadable = await _scan(client, village, "not a code")
    assert unreadable["code"] == "code_unreadable"


async def test_a_card_of_another_village_is_refused(
    client: AsyncClient, village: Place, world: World
) -> None:
    other = await _card_payload(client, world.b, world.b.households[0].id)
    refused = await _scan(client, village, other)
    assert refused["code"] == "code_forged"


async def test_reissue_kills_the_old_card_at_the_kiosk(client: AsyncClient, village: Place) -> None:
    household_id = village.households[1].id
    old = await _card_payload(client, village, household_id)
    response = await client.post(
        _url(village, f"households/{household_id}/card/reissue"),
        headers=village.headers(Role.committee),
    )
    assert response.status_code == 201, response.text
    new = response.json()["payload"]
    refused = await _scan(client, village, old)
    assert (refused["status"], refused["code"]) == (409, "card_revoked")
    assert "卡已挂失" in refused["detail"]
    assert (await _scan(client, village, new))["status"] == 200


async def test_the_villager_shows_a_phone_code_that_scanning_does_not_spend(
    client: AsyncClient, village: Place
) -> None:
    response = await client.get(_url(village, "phone-code"), headers=village.headers(Role.villager))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["payload"].startswith("JF2:") and 0 < body["seconds"] <= 60
    for role in (Role.shopkeeper, Role.committee):
        scanned = await _scan(client, village, body["payload"], role)
        assert (scanned["status"], scanned["kind"]) == (200, "phone")
        assert scanned["household_id"] == village.households[0].id
    picture = await client.get(
        _url(village, "phone-code.png"), headers=village.headers(Role.villager)
    )
    assert picture.headers["cache-control"] == "no-store"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.content)))
    assert decoded[0].text.startswith("JF2:")


async def test_pins_committee_for_anyone_villager_only_their_own_with_the_current_one(
    client: AsyncClient, village: Place
) -> None:
    own, other = village.households[0].id, village.households[1].id
    response = await client.put(
        _url(village, f"households/{own}/card/pin"),
        json={"pin": "2468"},
        headers=village.headers(Role.villager),
    )
    assert response.status_code == 200, response.text
    assert response.json()["has_pin"] is True and "pin_hash" not in response.json()
    pin_url = _url(village, f"households/{own}/card/pin")
    headers = village.headers(Role.villager)
    bare = await client.put(pin_url, json={"pin": "1357"}, headers=headers)
    assert (bare.status_code, bare.json()["code"]) == (422, "pin_current_required")
    wrong = await client.put(pin_url, json={"pin": "1357", "current_pin": "9999"}, headers=headers)
    assert (wrong.status_code, wrong.json()["code"]) == (422, "pin_wrong")
    assert "4" in wrong.json()["detail"]  # the wrong try counts toward the lockout
    changed = await client.put(
        pin_url, json={"pin": "1357", "current_pin": "2468"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    again = await client.put(pin_url, json={"pin": "8642", "current_pin": "2468"}, headers=headers)
    assert again.json()["code"] == "pin_wrong"  # 2468 is no longer the PIN
    refused = await client.put(
        _url(village, f"households/{other}/card/pin"),
        json={"pin": "2468"},
        headers=village.headers(Role.villager),
    )
    assert refused.status_code == 404
    bad = await client.put(
        _url(village, f"households/{other}/card/pin"),
        json={"pin": "12"},
        headers=village.headers(Role.committee),
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "pin_format")
    done = await client.put(
        _url(village, f"households/{other}/card/pin"),
        json={"pin": "135790"},
        headers=village.headers(Role.committee),
    )
    assert done.status_code == 200


MALFORMED_PINS = ("12a", "1", "1234567", "", "１２３４", " 1234")


async def test_a_malformed_pin_is_refused_as_such_and_changes_nothing(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    own, other = place.households[0].id, place.households[1].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, own, "2468")
    # setting the PIN ended the household's sessions: the villager logs in again
    place.tokens[Role.villager] = await auth.issue_token(place.user_ids[Role.villager], "")
    own_url = _url(place, f"households/{own}/card/pin")
    other_url = _url(place, f"households/{other}/card/pin")
    villager, committee = place.headers(Role.villager), place.headers(Role.committee)
    for bad in MALFORMED_PINS:
        for url, body, headers in (
            (own_url, {"pin": bad, "current_pin": "2468"}, villager),
            (own_url, {"pin": "1357", "current_pin": bad}, villager),
            (other_url, {"pin": bad}, committee),
        ):
            refused = await client.put(url, json=body, headers=headers)
            assert (refused.status_code, refused.json()["code"]) == (422, "pin_format"), bad
            assert refused.json()["detail"] == "PIN 必须是 4 到 6 位数字。"
    english = await client.put(
        other_url, json={"pin": "12a"}, headers={**committee, "Accept-Language": "en"}
    )
    assert english.json()["detail"] == "The PIN must be 4 to 6 digits."
    assert not (await issuing.card(place.village_id, other)).has_pin
    wrong = await client.put(own_url, json={"pin": "1357", "current_pin": "9999"}, headers=villager)
    assert wrong.json()["tries_left"] == 4  # none of the malformed ones was counted
    await pins.check_pin(place.village_id, own, "2468")  # nor replaced the PIN


async def test_card_sheets_for_a_village_and_a_grid(client: AsyncClient, village: Place) -> None:
    for query in ({}, {"grid_id": village.grid_id}):
        response = await client.get(
            _url(village, "cards.pdf"), params=query, headers=village.headers(Role.committee)
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    unknown = await client.get(
        _url(village, "cards.pdf"),
        params={"grid_id": 10**6},
        headers=village.headers(Role.committee),
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_grid")


@pytest.mark.parametrize(
    ("method", "tail", "role"),
    [
        ("GET", "households/{h}/card", Role.shopkeeper),
        ("GET", "households/{h}/card", Role.villager),
        ("POST", "households/{h}/card/reissue", Role.town_admin),
        ("PUT", "households/{h}/card/pin", Role.shopkeeper),
        ("GET", "phone-code", Role.committee),
        ("POST", "scan", Role.villager),
        ("GET", "cards.pdf", Role.shopkeeper),
        ("GET", "cards.pdf", Role.grid_officer),
    ],
)
async def test_roles_that_may_not(
    client: AsyncClient, village: Place, method: str, tail: str, role: Role
) -> None:
    url = _url(village, tail.format(h=village.households[0].id))
    body = {"code": "x"} if tail == "scan" else {"pin": "1234"}
    response = await client.request(
        method, url, headers=village.headers(role), json=body if method != "GET" else None
    )
    assert response.status_code == 403
