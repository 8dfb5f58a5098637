"""The shop kiosk in a real Chromium: scanner and camera, a sale, a refusal."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page, expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing
from backend.cards.pictures import card_qr_png
from backend.ledger import services as ledger
from backend.shop import catalogue
from tests.e2e.camera import qr_video
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import Place, stocked_place


async def open_kiosk(page: Page, server_url: str, place: Place) -> None:
    await log_in_at(page, server_url, "shop.html", place.usernames[Role.shopkeeper], "#till")


async def test_scanner_sale_of_two_products_and_a_refusal(
    server_url: str, launch_browser: Launch
) -> None:
    place = await stocked_place(100)
    soap = await catalogue.add_product(
        CLI_ACTOR, place.village_id, place.shop_id, {"name": "香皂", "price": 5, "unit": "块"}
    )
    await catalogue.restock(CLI_ACTOR, place.village_id, place.shop_id, soap.id, 10, "", None)
    household = place.households[0]
    code = await issuing.card_payload(place.village_id, household.id)

    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    await open_kiosk(page, server_url, place)
    await page.locator("#scan").type(code + "\n", delay=5)
    await expect(page.locator("#c-head")).to_have_text(household.head_name)
    await expect(page.locator("#c-balance")).to_have_text("100")

    await page.click(f"[data-product-id='{place.product_id}']")
    await page.click(f"[data-product-id='{soap.id}']")
    await page.click(f"[data-product-id='{soap.id}']")
    await expect(page.locator("#total")).to_contain_text("20")
    await page.click("#confirm")
    await expect(page.locator("#o-title")).to_have_text("兑换成功")
    await expect(page.locator("#o-detail")).to_contain_text("80")
    await page.screenshot(path=screenshots() / "kiosk-sale.png")
    assert await ledger.balance(place.village_id, household.id) == 80
    await page.click("#o-ok")

    await issuing.reissue_card(CLI_ACTOR, place.village_id, household.id)
    await page.locator("#scan").type(code + "\n", delay=5)
    await expect(page.locator("#overlay")).to_be_visible()
    await expect(page.locator("#o-title")).to_have_text("卡已挂失")
    await page.screenshot(path=screenshots() / "kiosk-refusal.png")
    await browser.close()


async def test_camera_reads_the_card(
    server_url: str, launch_browser: Launch, tmp_path: Path
) -> None:
    place = await stocked_place(50)
    household = place.households[0]
    code = await issuing.card_payload(place.village_id, household.id)
    video = qr_video(card_qr_png(code), tmp_path / "card.y4m")
    browser = await launch_browser(
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    context = await browser.new_context(viewport={"width": 1920, "height": 1080})
    page = await context.new_page()
    await open_kiosk(page, server_url, place)
    await page.click("#camera")
    await expect(page.locator("#c-head")).to_have_text(household.head_name)
    await expect(page.locator("#c-balance")).to_have_text("50")
    await context.close()
