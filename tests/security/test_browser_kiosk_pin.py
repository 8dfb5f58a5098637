"""Finding 4 at the kiosk, in a real browser: above the village's threshold the till asks for
the PIN, and while a sale waits for the network its saved body holds no PIN (issue 15)."""

from __future__ import annotations

from playwright.async_api import Browser, Page, Route, expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing, pin_changes
from backend.ledger import services as ledger
from backend.registry.tables import DEFAULT_PIN_THRESHOLD
from tests.e2e.conftest import Launch, launch_browser, log_in_at, screenshots  # noqa: F401
from tests.factories import Place, stocked_place


async def three_in_the_cart(browser: Browser, server_url: str, place: Place, code: str) -> Page:
    """The till at the shopkeeper's tablet size, the code scanned, 30 points in the cart."""
    page = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    await log_in_at(page, server_url, "shop.html", place.usernames[Role.shopkeeper], "#till")
    await page.locator("#scan").type(code + "\n", delay=5)
    await expect(page.locator("#c-head")).to_have_text(place.households[0].head_name)
    for _ in range(3):
        await page.click(f"[data-product-id='{place.product_id}']")
    return page


async def test_a_sale_waiting_for_the_network_keeps_no_pin(
    server_url: str,
    launch_browser: Launch,  # noqa: F811
) -> None:
    place = await stocked_place(100, pin_threshold=DEFAULT_PIN_THRESHOLD)  # PIN above 20 points
    household = place.households[0]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "7391")
    code = await issuing.card_payload(place.village_id, household.id)
    browser = await launch_browser()
    page = await three_in_the_cart(browser, server_url, place, code)
    await expect(page.locator("#pin-row")).to_be_visible()
    # typed as dots: the next person in the queue does not read it off the screen
    await expect(page.locator("#pin")).to_have_attribute("type", "password")
    await page.fill("#pin", "7391")
    await page.screenshot(path=screenshots() / "security-kiosk-pin.png")

    saved: list[str | None] = []

    async def first_attempt_fails(route: Route) -> None:
        if not saved:
            saved.append(await page.evaluate("localStorage.getItem('jifen.pending.sale')"))
            await route.abort("internetdisconnected")
        else:
            await route.continue_()

    await page.route("**/redemptions", first_attempt_fails)
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("兑换成功")
    assert saved and saved[0] is not None and code in saved[0]
    assert "7391" not in saved[0] and "pin" not in saved[0]
    assert await page.evaluate("localStorage.getItem('jifen.pending.sale')") is None
    assert await ledger.balance(place.village_id, household.id) == 70

    receipt = await page.get_attribute("#r-print", "href")  # its script is a module now (CSP)
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.goto(f"{server_url}{receipt}")
    await expect(page.locator("#total")).to_have_text("30")
    await expect(page.locator("#after")).to_have_text("70")
    await page.screenshot(path=screenshots() / "security-receipt.png")
    await browser.close()


async def test_the_till_refuses_a_large_sale_to_a_household_without_a_pin(
    server_url: str,
    launch_browser: Launch,  # noqa: F811
) -> None:
    place = await stocked_place(100, pin_threshold=DEFAULT_PIN_THRESHOLD)
    household = place.households[0]  # no PIN set
    code = await issuing.card_payload(place.village_id, household.id)
    browser = await launch_browser()
    page = await three_in_the_cart(browser, server_url, place, code)
    await expect(page.locator("#pin-row")).to_be_hidden()  # no PIN to type
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("该户未设置 PIN")
    await expect(page.locator("#o-detail")).to_contain_text("该户还没有设置 PIN，请到村委会设置")
    await page.screenshot(path=screenshots() / "security-till-no-pin.png")
    assert await ledger.balance(place.village_id, household.id) == 100

    await page.click("#o-ok")  # the shopkeeper takes one back: 20 points need no PIN
    await page.click("#cart li button")
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("兑换成功")
    assert await ledger.balance(place.village_id, household.id) == 80
    await browser.close()
