"""A committee's whole month through the visible console alone, at a committee PC's 1366×768.

Setup builds what exists before the month (the village, two committee members, the rule book, two
households, one villager's PIN) through the services; everything the month does happens on the
pages: a period opened, scores typed on the grid, the downloaded score sheet filled in under the
clerk's own title row and uploaded (and once more: refused), the second member's bulk verify,
notice, a villager's objection on the phone, the committee's decision, the notice window ending
(the tests' clock), the close, the held deduction waived, the board previewed and published, and
the poster and notice sheet downloaded and opened. Each step leaves a screenshot."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import timedelta

import openpyxl
from PIL import Image
from playwright.async_api import Browser, Download, Page, ViewportSize, expect

from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.cards import issuing, pin_changes
from backend.registry import services as registry
from backend.scoring import rules
from backend.scoring.rules import NewRule
from tests.clock import TestClock
from tests.e2e.conftest import Launch, log_in_at, screenshots, xlsx_upload
from tests.factories import PASSWORD, TIDY_YARD, make_place, make_town, unique

PC: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 360, "height": 740}
RULE_BOOK = [
    TIDY_YARD,  # HJ01 +5, cap 3
    NewRule(
        code="XF01",
        category="孝老爱亲",
        title="赡养老人",
        points=10,
        cap=1,
        evidence_required=False,
        proposers=("committee",),
    ),
    NewRule(
        code="KF01",
        category="环境卫生",
        title="乱堆乱放",
        points=-8,
        cap=1,
        evidence_required=False,
        proposers=("committee",),
    ),
]


def cell(row: int, column: int) -> str:
    return f'#score-grid input[data-row="{row}"][data-col="{column}"]'


async def console(browser: Browser, server_url: str, username: str) -> Page:
    page = await browser.new_page(viewport=PC, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", username, "#app")
    return page


async def shot(page: Page, step: str) -> None:
    await page.screenshot(path=screenshots() / f"month-{step}.png")


async def saved(download: Download, name: str) -> bytes:
    path = screenshots() / name
    await download.save_as(path)
    return await asyncio.to_thread(path.read_bytes)


def fill_sheet(sheet_bytes: bytes, marks: dict[tuple[str, str], int]) -> bytes:
    """The downloaded score sheet as a clerk fills it: a title row above everything, and a count
    under the rule's column in the household's row."""
    book = openpyxl.load_workbook(io.BytesIO(sheet_bytes))
    cells = book.active
    assert cells is not None
    cells.insert_rows(1)
    cells["A1"] = "2026年11月 文明积分评分表（第一网格）"
    rows = list(cells.iter_rows())
    header = next(
        r
        for r in rows
        if any(str(c.value or "").startswith("HJ01") or "HJ01" in str(c.value or "") for c in r)
    )
    for (number, code), count in marks.items():
        column = next(c.column for c in header if code in str(c.value or ""))
        row = next(r[0].row for r in rows if str(r[0].value) == number)
        cells.cell(row=row, column=column, value=count)
    filled = io.BytesIO()
    book.save(filled)
    return filled.getvalue()


async def test_a_committees_whole_month_from_the_console(
    server_url: str, launch_browser: Launch, clock: TestClock
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    await registry.update_village(CLI_ACTOR, vid, {"notice_days": 3})
    await rules.adopt_rule_book(CLI_ACTOR, vid, RULE_BOOK)
    h1, h2 = place.households
    await issuing.issue_card(CLI_ACTOR, vid, h1.id)
    await pin_changes.set_pin(CLI_ACTOR, vid, h1.id, "2580")
    first, second = unique("li").lower(), unique("zhao").lower()
    for username, name in ((first, "李建华"), (second, "赵秀英")):
        await auth.create_user(
            CLI_ACTOR,
            username,
            PASSWORD,
            [Grant(Role.committee, village_id=vid)],
            display_name=name,
        )
    code = (await registry.village(vid)).code
    browser = await launch_browser()

    # 1. The first member opens the month from the dashboard.
    page = await console(browser, server_url, first)
    form = page.locator("#open-period")
    await form.get_by_label("名称").fill("2026年11月")
    await form.get_by_label("开始日期").fill("2026-11-01")
    await form.get_by_label("结束日期").fill("2026-11-30")
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#period-state")).to_have_text("评分中")
    await expect(page.locator("#next-step")).to_contain_text("本期还没有评分")
    await shot(page, "01-opened")

    # 2. Scores on the grid by keyboard: H1 tidy yard and filial care, H2 a deduction.
    await page.click("#tabs button[data-tab=grid]")
    await expect(page.locator("#grid")).to_have_attribute("aria-busy", "false")
    await expect(page.locator("#score-grid tbody th").first).to_contain_text(h1.number)
    await page.focus(cell(0, 0))
    await page.keyboard.type("1")
    await page.keyboard.press("ArrowRight")
    await page.keyboard.type("1")
    await page.keyboard.press("Enter")  # down to H2, same column
    await page.keyboard.press("ArrowRight")
    await page.keyboard.type("1")
    await expect(page.locator('td.total[data-row="0"]')).to_have_text("+15")
    await expect(page.locator('td.total[data-row="1"]')).to_have_text("-8")
    await shot(page, "02-grid")
    await page.click("#save-all")
    await expect(page.locator("#grid-result")).to_have_text("已保存 3 条评分，等待入户核实。")

    # 3. The score sheet, downloaded from the page, filled under a title row and uploaded;
    #    the same sheet again is refused, naming the first upload.
    async with page.expect_download() as sheet_download:
        await page.click("#sheet-download")
    blank = await saved(await sheet_download.value, "month-sheet-blank.xlsx")
    upload = [xlsx_upload("评分表.xlsx", fill_sheet(blank, {(h2.number, "HJ01"): 1}))]
    await page.set_input_files("#sheet-upload", files=upload)
    await expect(page.locator("#grid-result")).to_have_text("已保存 1 条评分，等待入户核实。")
    await page.set_input_files("#sheet-upload", files=upload)
    await expect(page.locator("#grid-result")).to_contain_text("这份评分表已于")
    await expect(page.locator("#grid-result")).to_contain_text("由 李建华 上传过")
    await expect(page.locator("#grid-result")).to_have_class("field-error")
    await shot(page, "03-sheet-again")

    # 4. The second member checks at the households and verifies all four at once.
    other = await console(browser, server_url, second)
    await other.click("#tabs button[data-tab=verify]")
    await expect(other.locator("#verify-list li")).to_have_count(4)
    await expect(other.locator("#verify-list li").first).to_contain_text("录入人 李建华")
    await other.click("#verify-all")
    await expect(other.locator("#verify-checked")).to_have_text("核实所选（4 条）")
    await shot(other, "04-verify-bulk")
    await other.click("#verify-checked")
    await expect(other.locator("#verify-result")).to_have_text("已核实 4 条。")
    await expect(other.locator("#verify-empty")).to_be_visible()

    # 5. Notice, asked first.
    await other.click("#tabs button[data-tab=dashboard]")
    await expect(other.locator("#count-verified dd")).to_have_text("4")
    await other.click("#start-notice")
    await expect(other.locator("dialog.in-page")).to_contain_text("将向全村公示")
    await other.locator("dialog.in-page").get_by_role("button", name="开始公示").click()
    await expect(other.locator("#period-state")).to_have_text("公示中")
    await expect(other.locator("#count-notice dd")).to_have_text("4")
    await expect(other.locator("#close-period")).to_be_disabled()
    await shot(other, "05-notice")

    # The notice sheet for the village's notice board, while the period is on notice.
    await other.click("#tabs button[data-tab=board]")
    async with other.expect_download() as sheet_pdf:
        await other.get_by_role("link", name="2026年11月 公示表 A4").click()
    assert (await saved(await sheet_pdf.value, "month-notice-sheet.pdf")).startswith(b"%PDF")

    # 6. A villager, on the phone, reads the village's notice and objects to H2's tidy yard.
    phone = await browser.new_page(viewport=PHONE, locale="zh-CN")
    await phone.goto(f"{server_url}/me.html")
    await phone.fill("input[name=village]", code)
    await phone.fill("input[name=number]", h1.number)
    await phone.fill("input[name=pin]", "2580")
    await phone.click("#login button[type=submit]")
    await phone.click("nav button[data-tab=notice]")
    line = phone.locator("#pending li", has_text=h2.head_name).filter(has_text="庭院整洁")
    await expect(line).to_have_count(1)
    await expect(line).to_contain_text("核实人：赵秀英")

    await line.locator("button").click()  # the reason is asked in the page's own dialog
    asked = phone.locator("dialog.in-page")
    await asked.get_by_label("请写明异议理由").fill("他家院子这个月一直堆着柴火")
    await asked.get_by_role("button", name="提出异议").click()
    await expect(line.locator("button")).to_have_text("已提异议：待村委答复")
    await phone.screenshot(path=screenshots() / "month-06-objection-phone.png", full_page=True)

    # 7. The committee decides: the objection stands, that score is withdrawn.
    await other.click("#tabs button[data-tab=dashboard]")
    await expect(other.locator("#next-step")).to_have_text("下一步：处理 1 条异议。")
    await expect(other.locator("#count-objected dd")).to_have_text("1")
    await shot(other, "07-dashboard-objection")
    await other.click("#tabs button[data-tab=objections]")
    objection = other.locator("#objection-list li")
    await expect(objection).to_have_count(1)
    await objection.locator("input[name=reason]").fill("入户查看属实，撤销本条")
    # The committee sees who objected (this factory villager account has no display name).
    await expect(objection).to_contain_text(re.compile(r"\S+：他家院子这个月一直堆着柴火"))
    await shot(other, "07-objection")
    await objection.get_by_role("button", name="异议成立（撤销评分）").click()
    await expect(other.locator("#objections-empty")).to_be_visible()

    # 8. The notice window ends: the open dashboard's close button comes alive by itself.
    await other.click("#tabs button[data-tab=dashboard]")
    await expect(other.locator("#close-wait")).to_be_visible()
    await clock.advance(timedelta(days=3, minutes=1))
    await expect(other.locator("#close-period")).to_be_enabled()
    await expect(other.locator("#close-wait")).to_be_hidden()

    # 9. Close, asked first. H2's deduction (-8) is more than its balance (0): it is held.
    await other.click("#close-period")
    confirm = other.locator("dialog.in-page")
    await expect(confirm).to_contain_text("入账后不能撤回")
    await confirm.get_by_role("button", name="结束公示并入账").click()
    await expect(other.locator("#period-state")).to_have_text("已结束")
    await expect(other.locator("#count-posted dd")).to_have_text("2")
    await expect(other.locator("#count-held dd")).to_have_text("1")
    await expect(other.locator("#count-notice")).to_have_count(0)  # nothing is on notice now
    await expect(other.locator("#close-result")).to_contain_text("暂缓扣分")
    await shot(other, "08-closed")

    # 10. The held deduction: H2 cannot pay it; the committee waives it with a reason.
    await other.click("#tabs button[data-tab=held]")
    held = other.locator("#held-list li")
    await expect(held).to_have_count(1)
    await expect(held).to_contain_text(h2.head_name)
    await expect(held.get_by_role("button", name="立即扣分")).to_be_disabled()
    await held.locator("input[name=reason]").fill("本月已当面整改，免予扣分")
    await shot(other, "09-held")
    await held.get_by_role("button", name="免予扣分").click()
    await expect(other.locator("#held-empty")).to_be_visible()
    await other.click("#tabs button[data-tab=dashboard]")
    await expect(other.locator("#count-held dd")).to_have_text("0")

    # 11. The board: preview, publish (asked first), then the poster as PNG and PDF.
    await other.click("#tabs button[data-tab=board]")
    await expect(other.locator("#red-list li")).to_have_count(1)
    await expect(other.locator("#red-list li")).to_contain_text(h1.head_name)
    await expect(other.locator("#black-list li")).to_have_count(0)  # nobody went below zero
    await shot(other, "10-board-preview")
    await other.click("#publish")
    confirm = other.locator("dialog.in-page")
    await expect(confirm).to_contain_text("发布后全村可见，不能撤回")
    await confirm.get_by_role("button", name="确认发布").click()
    await expect(other.locator("#posters a")).to_have_count(2)
    await expect(other.locator("#publish")).to_be_hidden()
    await shot(other, "11-board-published")
    async with other.expect_download() as png:
        await other.get_by_role("link", name="海报 PNG").click()
    poster = Image.open(io.BytesIO(await saved(await png.value, "month-poster.png")))
    assert poster.format == "PNG" and poster.width > 500
    async with other.expect_download() as pdf:
        await other.get_by_role("link", name="海报 PDF").click()
    assert (await saved(await pdf.value, "month-poster.pdf")).startswith(b"%PDF")

    # The villager's phone after the close: the balance is in.
    await phone.reload()
    await expect(phone.locator("#balance")).to_have_text("15")
    assert re.fullmatch(r"\d+/\d+", await phone.locator("#rank").inner_text())
    await phone.screenshot(path=screenshots() / "month-12-phone-after.png")
    await browser.close()
