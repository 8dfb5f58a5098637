"""The township dashboard at 1366×768: a town admin lands on it (not on a village screen), and
choosing a month counts that month's flows only."""

from __future__ import annotations

from datetime import date

from playwright.async_api import expect

from backend.auth.principal import Role
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import add_scoring, make_place, make_town


async def test_town_admin_lands_on_the_township_and_chooses_a_month(
    server_url: str, launch_browser: Launch
) -> None:
    town = await make_town()
    busy = await make_place(town.id)
    await add_scoring(busy)
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    # Last time this browser showed a village screen: a town admin still lands on the township.
    await page.goto(f"{server_url}/console.html")
    await page.evaluate("localStorage.setItem('jifen.console.tab', 'grid')")
    await log_in_at(page, server_url, "console.html", busy.usernames[Role.town_admin], "#app")
    await expect(page.locator("#town")).to_be_visible()
    await expect(page.locator("#grid")).to_be_hidden()
    await expect(page.locator("#tabs button[data-tab=town]")).to_have_class("active")
    card = page.locator(f"#town-village-{busy.village_id}")
    await expect(card.locator("dd.issued")).to_have_text("55")
    await expect(page.locator("#town-flows")).to_contain_text("累计（全部月份）")

    today = date.today()
    this_month = f"{today.year}年{today.month}月"
    await page.get_by_label("月份").select_option(label=this_month)
    await expect(page.locator("#town-flows")).to_contain_text(f"按{this_month}统计")
    await expect(card.locator("dd.issued")).to_have_text("55")
    await expect(card.locator("dd.redeemed")).to_have_text("10")
    before = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    await page.get_by_label("月份").select_option(label=f"{before.year}年{before.month}月")
    await expect(card.locator("dd.issued")).to_have_text("0")
    await expect(card.locator("dd.redeemed")).to_have_text("0")
    await expect(card.locator("dd.participating")).to_have_text("0/2")
    await expect(card.locator("dd.stock_value")).to_have_text(str(19 * 10))
    assert await page.evaluate("document.documentElement.scrollWidth") <= 1366
    await page.screenshot(path=screenshots() / "console-town-month.png")
    await browser.close()
