"""Past periods in the console at 1366×768 (issue 17): October is closed with one objection
upheld and one overturned and its board published; November is open. The committee picks
October on 往期查看 and reads its close result, the notice decisions with their reasons, the
board and the scores — nothing on the screen can change them — and downloads the notice sheet
and the poster again; the dashboard stays on November."""

from __future__ import annotations

from playwright.async_api import ViewportSize, expect

from backend.auth.principal import Role
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.scoring.test_notice_reprint import past_month

PC: ViewportSize = {"width": 1366, "height": 768}


async def test_a_closed_period_is_read_only_with_its_decisions_and_board(
    server_url: str, launch_browser: Launch
) -> None:
    month = await past_month()
    place = month.place
    h1, h2 = place.households
    browser = await launch_browser()
    page = await browser.new_page(viewport=PC, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", place.usernames[Role.committee], "#app")
    await page.click("#tabs button[data-tab=dashboard]")
    await expect(page.locator("#period-name")).to_have_text("2026年11月")
    await page.click("#tabs button[data-tab=history]")
    screen = page.locator("#history")
    await expect(screen).to_have_attribute("aria-busy", "false")
    await expect(page.locator("#history-period option:checked")).to_have_text("2026年10月")
    await expect(page.locator("#history-summary")).to_contain_text(
        "入账 1 条，暂缓扣分 0 条，因异议撤销 1 条"
    )
    decisions = page.locator("#history-objections tr")
    await expect(decisions).to_have_count(3)
    for words in ("王建国", "她家院子根本没收拾", "异议成立（撤销评分）", "复查属实，撤销这条加分"):
        await expect(decisions.filter(has_text="她家院子")).to_contain_text(words)
    await expect(decisions.filter(has_text="请再核实")).to_contain_text("异议不成立（维持评分）")
    await expect(page.locator("#history-red li")).to_contain_text([h1.head_name])
    await expect(page.locator("#history-board-state")).to_contain_text("已发布")
    scores = page.locator("#history-scores tr")
    await expect(scores).to_have_count(3)
    await expect(scores.filter(has_text=h2.head_name)).to_contain_text("已撤销")
    await expect(scores.filter(has_text=h1.head_name)).to_contain_text("已入账")
    # Read-only: a choice of period and downloads, nothing that changes anything.
    await expect(screen.locator("button, input, textarea")).to_have_count(0)
    await expect(screen.locator("select")).to_have_count(1)
    await page.screenshot(path=screenshots() / "console-history.png", full_page=True)

    async with page.expect_download() as sheet:
        await page.get_by_role("link", name="公示表 A4（PDF）").click()
    pdf = (await (await sheet.value).path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    async with page.expect_download() as poster:
        await page.get_by_role("link", name="海报 PNG").click()
    assert (await (await poster.value).path()).read_bytes().startswith(b"\x89PNG")
    await browser.close()
