"""The console's verification queue in bulk, the manual adjustment, the ledger export and the
audit log, at 1366×768 through the visible page: the second member checks every line they may
verify and verifies them at once (the entering member's own lines cannot be checked); an
adjustment is asked again before it posts; the log shows who did it, filtered."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
from playwright.async_api import ViewportSize, expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.ledger import services as ledger
from backend.scoring import evaluations, periods, rules
from backend.scoring.batch import Cell, enter_batch
from backend.scoring.evaluations import Scorer
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import TIDY_YARD, make_place, make_town, make_user

PC: ViewportSize = {"width": 1366, "height": 768}


async def test_bulk_verify_adjust_export_and_audit(server_url: str, launch_browser: Launch) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    book = await rules.adopt_rule_book(CLI_ACTOR, vid, [TIDY_YARD])
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    h1, h2 = place.households
    entering = Scorer(
        user_id=place.user_ids[Role.committee],
        name=place.usernames[Role.committee],
        roles=frozenset({"committee"}),
    )
    rule = book.rules[0].id
    await enter_batch(entering, vid, period.id, [Cell(h1.id, rule, 2), Cell(h2.id, rule, 1)])
    _, _, second = await make_user(Role.committee, place)
    browser = await launch_browser()

    # The member who entered them sees their own lines greyed, with the reason.
    page = await browser.new_page(viewport=PC, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", place.usernames[Role.committee], "#app")
    await page.click("#tabs button[data-tab=verify]")
    await expect(page.locator("#verify-list li")).to_have_count(3)
    await expect(page.locator("#verify-list input.pick:disabled")).to_have_count(3)
    await expect(page.locator("#verify-list li").first).to_contain_text("须由另一位村委核实")

    # The second member checks all and verifies them in one go.
    other = await browser.new_page(viewport=PC, locale="zh-CN")
    await log_in_at(other, server_url, "console.html", second, "#app")
    await other.click("#tabs button[data-tab=verify]")
    await expect(other.locator("#verify-list li")).to_have_count(3)
    await other.click("#verify-all")
    await expect(other.locator("#verify-checked")).to_have_text("核实所选（3 条）")
    await other.fill("#verify-note", "入户看过")
    await other.screenshot(path=screenshots() / "console-verify-bulk.png")
    await other.click("#verify-checked")
    await expect(other.locator("#verify-result")).to_have_text("已核实 3 条。")
    await expect(other.locator("#verify-empty")).to_be_visible()
    assert {e.state for e in await evaluations.evaluations(vid, period.id)} == {"verified"}

    # A manual adjustment: asked again, then posted once.
    await page.click("#tabs button[data-tab=ledger]")
    form = page.locator("#adjust-form")
    await form.locator("input[name=number]").fill("H9")
    await form.locator("input[name=amount]").fill("5")
    await form.locator("input[name=reason]").fill("帮助五保户修房")
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#adjust-result")).to_have_text("本村没有户号或户主“H9”。")
    await form.locator("input[name=number]").fill(h1.number)
    await form.locator("button[type=submit]").click()
    dialog = page.locator("dialog.in-page")
    await expect(dialog).to_contain_text("帮助五保户修房")
    await page.screenshot(path=screenshots() / "console-adjust.png")
    await dialog.get_by_role("button", name="确认入账").click()
    await expect(page.locator("#adjust-result")).to_have_text(
        f"已调整：户号 {h1.number} +5 分，余额 5。"
    )
    assert await ledger.balance(vid, h1.id) == 5

    # The ledger export downloads as Excel with the adjustment in it.
    async with page.expect_download() as download:
        await page.click("#export-xlsx")
    path = await (await download.value).path()
    book_out = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    cells = [str(c.value) for row in book_out.active.iter_rows() for c in row]
    assert "人工调整：帮助五保户修房" in cells

    # The audit log: who did what, filtered by person and kind.
    await page.click("#tabs button[data-tab=audit]")
    await expect(page.locator("#audit-list tr")).not_to_have_count(1)
    filters = page.locator("#audit-filter")
    await filters.locator("select[name=kind]").select_option(label="积分账目")
    await filters.locator("button[type=submit]").click()
    await expect(page.locator("#audit-list tr")).to_have_count(2)
    line = page.locator("#audit-list tr").nth(1)
    await expect(line).to_contain_text("手工调整积分")
    await expect(line).to_contain_text(place.usernames[Role.committee])
    await expect(line).to_contain_text("帮助五保户修房")
    await filters.locator("select[name=kind]").select_option(value="")
    await filters.locator("input[name=who]").fill(second)
    await filters.locator("button[type=submit]").click()
    await expect(page.locator("#audit-list tr")).to_have_count(4)
    await expect(page.locator("#audit-count")).to_have_text(re.compile("共 3 条"))
    await page.screenshot(path=screenshots() / "console-audit.png")
    await browser.close()
