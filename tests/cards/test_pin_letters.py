"""PIN letters: one A4 page per household with a fresh initial PIN and the villager page's QR;
the household logs in with it, is told to change it, and the change clears that."""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import zxingcpp
from httpx import AsyncClient
from PIL import Image

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing, letters, pin_changes, pins
from backend.registry import services as registry
from backend.settings import get_settings
from tests.factories import World, make_place, make_town


def pdf_pages(document: bytes, folder: Path) -> list[Image.Image]:
    """The pages of a PDF as pictures (poppler's pdftoppm at a coarse 60 dpi)."""
    (folder / "letters.pdf").write_bytes(document)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(folder / "letters.pdf"), str(folder / "page")],
        check=True,
    )
    return [Image.open(p) for p in sorted(folder.glob("page*.png"))]


async def household_login(client: AsyncClient, code: str, number: str, pin: str) -> dict:
    response = await client.post(
        "/api/v1/auth/household-login", json={"village": code, "number": number, "pin": pin}
    )
    assert response.status_code == 201, response.text
    answer: dict = response.json()
    return answer


async def test_letters_set_fresh_pins_that_must_be_changed(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)  # its own: nobody adds households
    vid = place.village_id
    first, second = place.households
    await pin_changes.set_pin(CLI_ACTOR, vid, first.id, "2580")
    batch = await letters.issue_pin_letters(CLI_ACTOR, vid, page_address="http://x/me.html")
    assert [letter.number for letter in batch.letters] == [first.number, second.number]
    pins = [letter.pin for letter in batch.letters]
    assert all(len(p) == 6 and p.isdigit() for p in pins) and pins[0] != pins[1]
    assert batch.document.startswith(b"%PDF")
    code = (await registry.village(vid)).code

    refused = await client.post(
        "/api/v1/auth/household-login",
        json={"village": code, "number": first.number, "pin": "2580"},
    )
    # the old PIN stopped working: the one answer for every failed household login
    assert (refused.status_code, refused.json()["code"]) == (401, "login_failed")
    answer = await household_login(client, code, first.number, pins[0])
    assert answer["user"]["must_change_pin"] is True
    villager = {"Authorization": f"Bearer {answer['token']}"}
    assert (await client.get("/api/v1/auth/me", headers=villager)).json()["must_change_pin"]

    changed = await client.put(
        f"/api/v1/villages/{vid}/households/{first.id}/card/pin",
        json={"pin": "97531", "current_pin": pins[0]},
        headers=villager,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["pin_must_change"] is False
    assert not (await client.get("/api/v1/auth/me", headers=villager)).json()["must_change_pin"]
    again = await household_login(client, code, first.number, "97531")
    assert again["user"]["must_change_pin"] is False


async def test_the_pdf_has_one_page_per_household_and_its_qr_opens_the_villager_page(
    client: AsyncClient, world: World, tmp_path: Path
) -> None:
    place = await make_place(world.a.town_id)
    vid = place.village_id
    code = (await registry.village(vid)).code
    response = await client.post(
        f"/api/v1/villages/{vid}/pin-letters",
        json={"grid_id": place.grid_id},
        headers=place.headers(Role.committee),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pages = await asyncio.to_thread(pdf_pages, response.content, tmp_path)
    assert len(pages) == 2
    [found] = zxingcpp.read_barcodes(pages[0])
    assert found.text == f"http://testserver/me.html?village={code}"
    for household in place.households:
        assert await pins.pin_must_change(vid, household.id)

    for role in (Role.grid_officer, Role.shopkeeper):
        refused = await client.post(
            f"/api/v1/villages/{vid}/pin-letters", json={}, headers=place.headers(role)
        )
        assert refused.status_code == 403
    # The letters gave the villager's household a new PIN, which ended its sessions.
    ended = await client.post(
        f"/api/v1/villages/{vid}/pin-letters", json={}, headers=place.headers(Role.villager)
    )
    assert ended.status_code == 401
    other = await client.post(
        f"/api/v1/villages/{vid}/pin-letters", json={}, headers=world.b.headers(Role.committee)
    )
    assert other.status_code == 404


async def test_the_letters_qr_opens_the_configured_public_address(
    client: AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Printed on the village PC (the request comes to a loopback address), the QR still opens
    the deployment's public address, like the posters' (``JIFEN_PUBLIC_URL``)."""
    place = await make_place((await make_town()).id)
    code = (await registry.village(place.village_id)).code
    chosen = replace(get_settings(), public_url="https://jifen.example.cn")
    monkeypatch.setattr("backend.http.public_url.get_settings", lambda: chosen)
    response = await client.post(
        f"/api/v1/villages/{place.village_id}/pin-letters",
        json={"household_ids": [place.households[0].id]},
        headers=place.headers(Role.committee),
    )
    assert response.status_code == 200, response.text
    [page] = await asyncio.to_thread(pdf_pages, response.content, tmp_path)
    [found] = zxingcpp.read_barcodes(page)
    assert found.text == f"https://jifen.example.cn/me.html?village={code}"


async def test_until_the_pin_is_changed_the_household_may_only_change_it(
    client: AsyncClient,
) -> None:
    """A letter's (or a reset's) PIN opens nothing but the PIN change, who-am-I and log out."""
    place = await make_place((await make_town()).id)
    vid = place.village_id
    household = place.households[0]
    await issuing.issue_card(CLI_ACTOR, vid, household.id)
    await pin_changes.set_pin(CLI_ACTOR, vid, household.id, "864200", must_change=True)
    code = (await registry.village(vid)).code
    answer = await household_login(client, code, household.number, "864200")
    villager = {"Authorization": f"Bearer {answer['token']}"}
    own = f"/api/v1/villages/{vid}/households/{household.id}"
    for path in (
        f"{own}/points",
        f"{own}/statement",
        f"/api/v1/villages/{vid}/phone-code",
        f"/api/v1/villages/{vid}/objections/mine",
        "/api/v1/villages",
    ):
        refused = await client.get(path, headers=villager)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["code"] == "pin_must_change"
        assert "请先修改 PIN" in refused.json()["detail"]
    english = await client.get(f"{own}/points", headers={**villager, "Accept-Language": "en"})
    assert english.json()["detail"].startswith("Please change your PIN first")
    assert (await client.get("/api/v1/auth/me", headers=villager)).status_code == 200
    # Staff are not held up by a household's pending change.
    staff = await client.get(f"{own}/points", headers=place.headers(Role.committee))
    assert staff.status_code == 200

    changed = await client.put(
        f"{own}/card/pin", headers=villager, json={"pin": "97531", "current_pin": "864200"}
    )
    assert changed.status_code == 200, changed.text
    assert (await client.get(f"{own}/points", headers=villager)).status_code == 200
    ended = await client.post("/api/v1/auth/logout", headers=villager)
    assert ended.status_code == 204


async def test_one_household_card_reprinted_and_anothers_refused(
    client: AsyncClient, world: World
) -> None:
    """``cards.pdf?household_id=`` prints that card at its current version; another village's
    household is not found, and grid officers may not print cards."""
    place = world.a
    vid, household = place.village_id, place.households[0].id
    url = f"/api/v1/villages/{vid}/cards.pdf"
    printed = await client.get(
        url, params={"household_id": household}, headers=place.headers(Role.committee)
    )
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    elsewhere = await client.get(
        url,
        params={"household_id": world.b.households[0].id},
        headers=place.headers(Role.committee),
    )
    assert elsewhere.status_code == 404
    refused = await client.get(
        url, params={"household_id": household}, headers=place.headers(Role.grid_officer)
    )
    assert refused.status_code == 403
