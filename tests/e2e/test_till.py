"""The till holds one customer at a time, in a real Chromium at a kiosk's size, through what the
shopkeeper sees and presses: a refused scan, a new customer, a scan over an open box, today's
sales after a reload, the limits, and a proxy's 502 after the sale committed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from playwright.async_api import Browser, Page, Route, ViewportSize, expect

from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.cards import issuing
from backend.ledger import services as ledger
from backend.shop import catalogue, redemption_services
from backend.shop.tables import Redemption
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import PASSWORD, Place, stocked_place, unique

KIOSK: ViewportSize = {"width": 1280, "height": 800}


@dataclass
class Counter:
    """A stocked place, its second household with points and a card, 香皂 on the shelf, and a
    shopkeeper called 王丽."""

    place: Place
    soap: int
    codes: list[str]
    cashier: str


async def counter(soap_limit: int | None = None, **village: object) -> Counter:
    place = await stocked_place(100, **village)
    other = place.households[1].id
    await ledger.award(CLI_ACTOR, place.village_id, other, 60, key=unique("seed"), reason="测试")
    await issuing.issue_card(CLI_ACTOR, place.village_id, other)
    soap = await catalogue.add_product(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        {"name": "香皂", "price": 5, "unit": "块", "limit_per_period": soap_limit},
    )
    await catalogue.restock(CLI_ACTOR, place.village_id, place.shop_id, soap.id, 10, "", None)
    cashier = unique("wl").lower()
    await auth.create_user(
        CLI_ACTOR,
        cashier,
        PASSWORD,
        [Grant(Role.shopkeeper, village_id=place.village_id, shop_id=place.shop_id)],
        display_name="王丽",
    )
    codes = [await issuing.card_payload(place.village_id, h.id) for h in place.households]
    return Counter(place, soap.id, codes, cashier)


async def open_till(browser: Browser, server_url: str, till: Counter) -> Page:
    context = await browser.new_context(viewport=KIOSK, locale="zh-CN")
    page = await context.new_page()
    await log_in_at(page, server_url, "shop.html", till.cashier, "#till")
    await expect(page.locator("#who")).to_have_text("王丽")
    return page


async def scan(page: Page, code: str) -> None:
    """What a USB scanner does: types the code fast wherever the focus is, then Enter."""
    await page.keyboard.type(code + "\n", delay=3)


async def sales(place: Place) -> list[dict]:
    return (
        await Redemption.select(
            Redemption.id,
            Redemption.household,
            Redemption.receipt_no,
            Redemption.status,
            Redemption.void_reason,
        )
        .where(Redemption.village == place.village_id)
        .run()
    )


def tampered(code: str) -> str:
    return code[:-1] + ("A" if code[-1] != "A" else "B")


async def test_a_refused_scan_ends_the_customer_and_sells_nothing(
    server_url: str, launch_browser: Launch
) -> None:
    till = await counter()
    page = await open_till(await launch_browser(), server_url, till)
    await scan(page, till.codes[0])
    await expect(page.locator("#c-head")).to_have_text(till.place.households[0].head_name)
    await page.click(f"[data-product-id='{till.soap}']")
    await expect(page.locator("#confirm")).to_be_enabled()

    await scan(page, tampered(till.codes[0]))
    await expect(page.locator("#o-title")).to_have_text("二维码无效")
    await page.screenshot(path=screenshots() / "till-refused-scan.png")
    await page.click("#o-ok")
    await expect(page.locator("#customer")).to_be_hidden()
    await expect(page.locator("#confirm")).to_be_disabled()
    await expect(page.locator("#cart li")).to_have_count(0)
    await expect(page.locator("#notice")).to_have_text("已清空上一位的购物车")
    await page.click(f"[data-product-id='{till.soap}']")
    await expect(page.locator("#confirm")).to_be_disabled()
    await page.screenshot(path=screenshots() / "till-after-refusal.png")
    assert await sales(till.place) == []
    assert await ledger.balance(till.place.village_id, till.place.households[0].id) == 100


async def test_a_new_customer_gets_an_empty_cart_and_a_fresh_screen(
    server_url: str, launch_browser: Launch
) -> None:
    till = await counter()
    page = await open_till(await launch_browser(), server_url, till)
    await scan(page, till.codes[0])
    await page.click(f"[data-product-id='{till.soap}']")
    await expect(page.locator("#cart li")).to_have_count(1)
    await scan(page, till.codes[1])
    await expect(page.locator("#c-head")).to_have_text(till.place.households[1].head_name)
    await expect(page.locator("#c-balance")).to_have_text("60")
    await expect(page.locator("#cart li")).to_have_count(0)
    await expect(page.locator("#notice")).to_have_text("已清空上一位的购物车")
    await page.screenshot(path=screenshots() / "till-cart-cleared.png")

    await page.click(f"[data-product-id='{till.soap}']")
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("兑换成功")
    await page.click("#o-ok")
    await expect(page.locator("#last")).to_be_visible()
    await expect(page.locator("#notice")).to_be_hidden()
    await scan(page, till.codes[0])
    await expect(page.locator("#c-head")).to_have_text(till.place.households[0].head_name)
    await expect(page.locator("#last")).to_be_hidden()
    await expect(page.locator("#void")).to_be_hidden()
    [sale] = await sales(till.place)
    assert sale["household"] == till.place.households[1].id


async def test_a_tap_while_the_scan_is_answered_is_not_lost(
    server_url: str, launch_browser: Launch
) -> None:
    """The shopkeeper taps 香皂 just as the household's answer arrives (a slow network, a busy
    PC): the screen changes under the finger, the tap still counts."""
    till = await counter()
    page = await open_till(await launch_browser(), server_url, till)
    answer = asyncio.Event()

    async def slow_scan(route: Route) -> None:
        await answer.wait()
        await route.continue_()

    await page.route("**/scan", slow_scan)
    await scan(page, till.codes[0])
    soap = await page.locator(f"[data-product-id='{till.soap}']").bounding_box()
    assert soap is not None
    await page.mouse.move(soap["x"] + soap["width"] / 2, soap["y"] + soap["height"] / 2)
    await page.mouse.down()
    answer.set()
    await expect(page.locator("#c-head")).to_have_text(till.place.households[0].head_name)
    await page.mouse.up()
    await expect(page.locator("#cart li")).to_have_count(1)
    await expect(page.locator("#confirm")).to_be_enabled()


async def test_a_scan_while_a_box_is_open_closes_it_first(
    server_url: str, launch_browser: Launch
) -> None:
    till = await counter()
    page = await open_till(await launch_browser(), server_url, till)
    await scan(page, till.codes[0])
    await page.click(f"[data-product-id='{till.soap}']")
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("兑换成功")
    await expect(page.locator("#o-detail")).to_contain_text("95")

    await scan(page, till.codes[1])  # the success box still open, its button focused
    await expect(page.locator("#overlay")).to_be_hidden()
    await expect(page.locator("#c-head")).to_have_text(till.place.households[1].head_name)
    await expect(page.locator("#c-balance")).to_have_text("60")

    await scan(page, tampered(till.codes[1]))
    await expect(page.locator("#o-title")).to_have_text("二维码无效")
    await scan(page, till.codes[0])  # over the refusal
    await expect(page.locator("#overlay")).to_be_hidden()
    await expect(page.locator("#c-head")).to_have_text(till.place.households[0].head_name)
    await expect(page.locator("#c-balance")).to_have_text("95")
    await page.screenshot(path=screenshots() / "till-scan-over-box.png")


async def test_void_from_todays_sales_after_a_reload(
    server_url: str, launch_browser: Launch
) -> None:
    till = await counter()
    page = await open_till(await launch_browser(), server_url, till)
    await scan(page, till.codes[0])
    await page.click(f"[data-product-id='{till.soap}']")
    await page.click(f"[data-product-id='{till.soap}']")
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("兑换成功")
    [sale] = await sales(till.place)

    await page.reload()
    row = page.locator(f"#today-rows tr[data-sale-id='{sale['id']}']")
    await expect(row).to_contain_text(sale["receipt_no"])
    await expect(row).to_contain_text(till.place.households[0].head_name)
    await expect(row).to_contain_text("香皂×2")
    await expect(row).to_contain_text("10")
    await expect(row).to_contain_text("王丽")
    assert (await row.locator("a.reprint").get_attribute("href") or "").endswith(f"id={sale['id']}")
    await row.locator("button.void").click()
    await expect(page.locator("#void-dialog")).to_be_visible()
    await expect(page.locator("#vd-sale")).to_contain_text(sale["receipt_no"])
    await page.get_by_label("顾客退货").check()
    await page.screenshot(path=screenshots() / "till-void-dialog.png")
    await page.click("#vd-ok")
    await expect(page.locator("#o-title")).to_have_text("已撤销")
    await expect(page.locator("#o-detail")).to_contain_text("已退回 10 积分")
    await expect(page.locator("#o-detail")).to_contain_text("撤销后余额: 100")
    await page.click("#o-ok")
    await expect(row).to_contain_text("已撤销")
    await expect(row.locator("button.void")).to_have_count(0)
    await page.screenshot(path=screenshots() / "till-today-voided.png")
    [voided] = await sales(till.place)
    assert (voided["status"], voided["void_reason"]) == ("voided", "顾客退货")
    assert await ledger.balance(till.place.village_id, till.place.households[0].id) == 100

    receipt = await page.context.new_page()
    await receipt.goto(
        f"{server_url}/receipt.html?village={till.place.village_id}"
        f"&shop={till.place.shop_id}&id={sale['id']}"
    )
    await expect(receipt.locator("#clerk")).to_have_text("王丽")


async def test_the_till_shows_what_the_limits_leave(
    server_url: str, launch_browser: Launch
) -> None:
    till = await counter(soap_limit=2, daily_cap=30)
    await redemption_services.redeem(
        CLI_ACTOR,
        till.place.village_id,
        till.place.shop_id,
        till.codes[0],
        [redemption_services.Line(till.soap, 1)],
        key=unique("earlier"),
    )
    page = await open_till(await launch_browser(), server_url, till)
    await scan(page, till.codes[0])
    soap = page.locator(f"[data-product-id='{till.soap}']")
    await expect(page.locator("#c-daily")).to_have_text("25 积分")
    await expect(page.locator("#c-limits")).to_contain_text("香皂：本月还可兑 1块")
    await expect(soap).to_contain_text("本月还可兑 1块")
    await soap.click()
    await expect(soap).to_contain_text("已达本月限额")
    await expect(soap).to_be_disabled()
    powder = page.locator(f"[data-product-id='{till.place.product_id}']")
    await powder.click()
    await powder.click()  # 5 + 10 + 10: the 25 points left today
    await expect(page.locator("#total")).to_have_text("25 积分")
    await expect(powder).to_contain_text("超过今日限额")
    await expect(powder).to_be_disabled()
    await page.screenshot(path=screenshots() / "till-limits.png")
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("兑换成功")


async def test_a_502_after_the_sale_committed_is_retried_into_the_first_receipt(
    server_url: str, launch_browser: Launch
) -> None:
    till = await counter()
    page = await open_till(await launch_browser(), server_url, till)
    keys: list[str | None] = []

    async def lose_the_first_answer(route: Route) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        keys.append(await route.request.header_value("Idempotency-Key"))
        if len(keys) == 1:
            await route.fetch()  # the sale commits on the server...
            await route.fulfill(status=502, body="Bad Gateway")  # ...and the proxy loses it
        else:
            await route.continue_()

    await page.route("**/redemptions", lose_the_first_answer)
    await scan(page, till.codes[0])
    await page.click(f"[data-product-id='{till.soap}']")
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("兑换成功")
    [sale] = await sales(till.place)
    await expect(page.locator("#r-no")).to_have_text(sale["receipt_no"])
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]
    assert await ledger.balance(till.place.village_id, till.place.households[0].id) == 95
    assert await page.evaluate("localStorage.getItem('jifen.pending.sale')") is None


async def test_a_price_changed_after_the_scan_asks_to_confirm_again(
    server_url: str, launch_browser: Launch
) -> None:
    till = await counter()
    page = await open_till(await launch_browser(), server_url, till)
    await scan(page, till.codes[0])
    await page.click(f"[data-product-id='{till.soap}']")
    await catalogue.update_product(
        CLI_ACTOR, till.place.village_id, till.place.shop_id, till.soap, {"price": 7}
    )
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("价格已变")
    await expect(page.locator("#o-detail")).to_contain_text("7 积分")
    await page.click("#o-ok")
    await expect(page.locator("#total")).to_have_text("7 积分")
    assert await sales(till.place) == []
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("兑换成功")
    assert await ledger.balance(till.place.village_id, till.place.households[0].id) == 93
