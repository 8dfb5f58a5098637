"""The villager's page keeps itself true on a 360×740 phone: a kiosk sale paid with the phone
code turns the code screen into 已付款 with the amount and the new balance, without a reload; and
elder mode (大字) is measured, not eyeballed: every visible text at least 20 px, one figure per
row, the code's box inside the screen."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Browser, Page, ViewportSize, expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import pin_changes
from backend.ledger import services as ledger
from tests.e2e.conftest import Launch, screenshots, villager_page
from tests.factories import Place, stocked_place, unique

PHONE: ViewportSize = {"width": 360, "height": 740}

# Every visible element that shows text of its own (a text node child, or a form control),
# with its computed font size; and the boxes the elder-mode rules talk about.
SMALL_TEXTS = """() => {
  const small = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const control = ["INPUT", "SELECT", "BUTTON", "TEXTAREA"].includes(el.tagName);
    if (!own && !control) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 20) small.push(`${el.tagName}#${el.id}.${el.className} ${size}px: `
                              + el.textContent.trim().slice(0, 30));
  }
  return small;
}"""


async def code_drawn(page: Page) -> None:
    """Wait until the phone code's picture is decoded and drawn. The page's CSP forbids eval,
    which ``wait_for_function``'s polling needs, so the image's own ``decode()`` promise is
    awaited instead (``evaluate`` of a function is not eval)."""
    await expect(page.locator("#code")).to_have_attribute("src", re.compile(r"^blob:"))
    await page.locator("#code").evaluate("(image) => image.decode()")


async def sell_with_phone_code(server_url: str, place: Place, code: str, quantity: int) -> dict:
    """A real kiosk sale over HTTP, as the shopkeeper's till sends it."""
    async with httpx.AsyncClient(base_url=server_url) as kiosk:
        response = await kiosk.post(
            f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions",
            json={"code": code, "lines": [{"product_id": place.product_id, "quantity": quantity}]},
            headers={**place.headers(Role.shopkeeper), "Idempotency-Key": unique("till")},
        )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def logged_in(server_url: str, launch: Launch, points: int) -> tuple[Place, Browser, Page]:
    """A fresh village whose first household has ``points``, logged in on a 360×740 phone."""
    place = await stocked_place(points)
    household = place.households[0]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "2580")
    browser = await launch()
    page = await villager_page(browser, server_url, place.village_id, household.number, "2580")
    await page.set_viewport_size(PHONE)
    await expect(page.locator("#balance")).to_have_text(str(points))
    return place, browser, page


async def test_a_sale_with_the_phone_code_shows_paid_and_the_new_balance_without_a_reload(
    server_url: str, launch_browser: Launch
) -> None:
    place, browser, page = await logged_in(server_url, launch_browser, 60)
    await expect(page.locator("#summary .who")).to_have_text(
        f"户主 {place.households[0].head_name} {place.households[0].number}"
    )
    await page.click("nav button[data-tab=pay]")
    code = page.locator("#code")
    await expect(code).to_have_attribute("data-payload", re.compile(r"^JF2:"))
    payload = await code.get_attribute("data-payload")
    assert payload is not None
    await expect(page.locator("#pay-balance")).to_have_text("60")
    await page.evaluate("window.sameDocument = true")  # gone if anything reloads the page

    receipt = await sell_with_phone_code(server_url, place, payload, 2)
    assert receipt["total"] == 20 and receipt["balance_after"] == 40

    await expect(page.locator("#paid")).to_be_visible()
    await expect(page.locator("#paid .paid-title")).to_have_text("已付款")
    await expect(page.locator("#paid-total")).to_have_text("20")
    await expect(page.locator("#paid-balance")).to_have_text("40")
    await expect(page.locator("#code-box")).to_be_hidden()  # the spent code left the screen
    assert await page.evaluate("window.sameDocument === true")
    await page.screenshot(path=screenshots() / "villager-paid.png")

    await page.click("#fresh-code")
    await expect(page.locator("#paid")).to_be_hidden()
    await expect(code).to_have_attribute(
        "data-payload", re.compile(rf"^JF2:(?!{re.escape(payload[4:])}$)")
    )
    await page.click("nav button[data-tab=home]")
    await expect(page.locator("#balance")).to_have_text("40")
    await browser.close()


async def test_home_figures_follow_the_ledger_when_the_page_comes_back_into_view(
    server_url: str, launch_browser: Launch
) -> None:
    place, browser, page = await logged_in(server_url, launch_browser, 30)
    await ledger.award(
        CLI_ACTOR,
        place.village_id,
        place.households[0].id,
        12,
        key=unique("bonus"),
        reason="义务劳动",
    )
    await page.evaluate("""() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
      Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    }""")
    await expect(page.locator("#balance")).to_have_text("42")
    await expect(page.locator("#earned")).to_have_text("42")
    await browser.close()


async def test_elder_mode_makes_every_text_large_and_keeps_the_code_on_the_screen(
    server_url: str, launch_browser: Launch
) -> None:
    _place, browser, page = await logged_in(server_url, launch_browser, 25)
    await page.click("#elder")
    await page.reload()  # the choice is remembered
    await expect(page.locator("body")).to_have_class("elder")
    await expect(page.locator("#balance")).to_have_text("25")

    # One figure per row, its label beside it.
    boxes = [
        await page.locator(f"#summary .figures > div:nth-child({n})").bounding_box()
        for n in (1, 2, 3)
    ]
    assert all(b is not None for b in boxes)
    tops = [b["y"] for b in boxes if b]
    assert tops[0] < tops[1] < tops[2]
    assert await page.evaluate(SMALL_TEXTS) == []
    colours = await page.locator(".label, small, #balance").evaluate_all(
        "(all) => [...new Set(all.map((e) => getComputedStyle(e).color))]"
    )
    assert colours == ["rgb(0, 0, 0)"]  # black on white, not grey
    await page.screenshot(path=screenshots() / "villager-elder-home.png", full_page=True)

    await page.click("nav button[data-tab=history]")
    await expect(page.locator("#lines li")).to_have_count(1)
    assert await page.evaluate(SMALL_TEXTS) == []
    await page.click("nav button[data-tab=shop]")
    await expect(page.locator("#products li")).to_have_count(1)
    assert await page.evaluate(SMALL_TEXTS) == []
    for tab, shown in (("notice", "#notice-empty"), ("activities", "#activities-empty")):
        await page.click(f"nav button[data-tab={tab}]")
        await expect(page.locator(shown)).to_be_visible()
        assert await page.evaluate(SMALL_TEXTS) == [], tab

    await page.click("nav button[data-tab=pay]")
    await code_drawn(page)
    await page.screenshot(path=screenshots() / "villager-elder-code.png")
    assert await page.evaluate(SMALL_TEXTS) == []
    box = await page.locator("#code-box").bounding_box()
    image = await page.locator("#code").bounding_box()
    assert box is not None and image is not None
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] + box["height"] <= PHONE["height"]
    assert image["width"] >= 0.9 * PHONE["width"]  # the code across the phone
    await browser.close()
