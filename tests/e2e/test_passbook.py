"""积分存折 through the pages: a villager downloads theirs from the history tab on a phone, its QR
opens the chain-check page that says the ledger still has that link; the committee picks a grid,
a period and A4 on the households screen and gets those households' passbooks."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import pin_changes
from backend.ledger import services as ledger
from tests.e2e.conftest import Launch, committee_page, screenshots, villager_page
from tests.factories import stocked_place, unique
from tests.passbook.paper import pdf_text, qr_address, require_poppler


async def test_a_villager_downloads_the_passbook_and_its_qr_checks_the_chain(
    server_url: str, launch_browser: Launch, tmp_path: Path
) -> None:
    require_poppler()
    place = await stocked_place(30)
    household = place.households[0]
    await ledger.deduct(
        CLI_ACTOR, place.village_id, household.id, 4, key=unique("d"), reason="占道堆放柴草"
    )
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "2580")
    browser = await launch_browser()
    page = await villager_page(browser, server_url, place.village_id, household.number, "2580")
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.click("nav button[data-tab=history]")
    await expect(page.locator("#lines li")).to_have_count(2)
    link = page.locator("#passbook")
    await expect(link).to_have_text("下载积分存折（PDF）")
    async with page.expect_download() as waiting:
        await link.click()
    saved = tmp_path / "mine.pdf"
    await (await waiting.value).save_as(saved)
    text = pdf_text(saved.read_bytes(), tmp_path)
    assert "户主 王建国" in text and "扣分：占道堆放柴草" in text and "期末余额 26" in text

    address = qr_address(saved.read_bytes(), tmp_path)
    assert address.startswith(f"{server_url}/chain.html?")
    check = await browser.new_page(viewport={"width": 360, "height": 740})
    await check.goto(address)
    await expect(check.locator("#verdict")).to_have_text("✔ 一致：账本没有被改动。")
    await expect(check.locator("#village")).to_have_text("测试村")
    await check.screenshot(path=screenshots() / "chain-check.png", full_page=True)

    await check.goto(address[:-1] + ("0" if address[-1] != "0" else "1"))
    await expect(check.locator("#verdict")).to_have_text(
        "✘ 不一致：请告诉村委会，账本可能被改动过。"
    )
    await browser.close()


async def test_the_committee_prints_one_grids_passbooks_on_a4(
    server_url: str, launch_browser: Launch, tmp_path: Path
) -> None:
    require_poppler()
    place = await stocked_place(30)
    browser = await launch_browser()
    page = await committee_page(browser, server_url, place.usernames[Role.committee])
    await page.click("#tabs button[data-tab=households]")
    form = page.locator("#passbook-print")
    await expect(form.locator("select[name=scope] option")).to_have_count(4)  # village, grid, 2
    await form.locator("select[name=scope]").select_option(label="网格：一网格")
    await form.locator("select[name=paper]").select_option("A4")
    link = page.locator("#passbook-pdf")
    await expect(link).to_have_attribute(
        "href",
        f"/api/v1/villages/{place.village_id}/passbooks.pdf?paper=A4&grid_id={place.grid_id}",
    )
    await page.screenshot(path=screenshots() / "console-passbooks.png")
    answer = await page.request.get(f"{server_url}{await link.get_attribute('href')}")
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    text = pdf_text(await answer.body(), tmp_path)
    assert "户主 王建国" in text and "户主 李秀英" in text and "测试积分" in text
    await browser.close()
