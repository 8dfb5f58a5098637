"""The villager's page on a phone-sized screen: log in with 户号 + PIN, see the points, show the
60-second code — and a kiosk sale paid with that code goes through."""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image
from playwright.async_api import expect

from backend.audit.services import CLI_ACTOR
from backend.cards import services as cards
from backend.ledger import services as ledger
from backend.shop import redemption
from tests.e2e.conftest import Launch, screenshots, villager_page
from tests.factories import stocked_place, unique


async def test_villager_logs_in_shows_the_phone_code_and_pays_with_it(
    server_url: str, launch_browser: Launch
) -> None:
    place = await stocked_place(60)
    household = place.households[0]
    await cards.set_pin(CLI_ACTOR, place.village_id, household["id"], "2580")
    browser = await launch_browser()
    page = await villager_page(browser, server_url, place.village_id, household["number"], "2580")
    await expect(page.locator("#balance")).to_have_text("60")
    await expect(page.locator("#head")).to_have_text(household["head_name"])
    await expect(page.locator("#lines li")).to_have_count(1)
    await page.screenshot(path=screenshots() / "villager-home.png")

    await page.click("nav button[data-tab=pay]")
    code = page.locator("#code")
    await expect(code).to_have_attribute("data-payload", re.compile(r"^JF2:"))
    await page.wait_for_function("document.getElementById('code').naturalWidth > 0")
    await page.screenshot(path=screenshots() / "villager-code.png")
    picture = Image.open(io.BytesIO(await code.screenshot()))
    [decoded] = zxingcpp.read_barcodes(picture)
    assert decoded.text == await code.get_attribute("data-payload")

    receipt = await redemption.redeem(CLI_ACTOR, place.village_id, place.shop_id, decoded.text,
                                      [redemption.Line(place.product_id, 2)], key=unique("p"))
    assert receipt["balance_after"] == 40
    assert await ledger.balance(place.village_id, household["id"]) == 40

    await page.click("nav button[data-tab=history]")
    await page.reload()
    await expect(page.locator("#balance")).to_have_text("40")
    await page.click("#elder")
    await expect(page.locator("body")).to_have_class("elder")
    await page.reload()
    await expect(page.locator("body")).to_have_class("elder")
    await browser.close()
