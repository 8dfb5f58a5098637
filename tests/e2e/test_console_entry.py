"""Entering scores in the console at a committee PC's 1366×768, as a clerk types them blind:
the grid with the demo village's 21 rules (photo rules greyed, skipped by the arrows, saying why),
its header and first columns in place while scrolling, typed cells kept over a reload (which asks
first); the score sheet with the clerk's own title row, and the same sheet again refused next to
the upload, naming the first; in-page dialogs for a PIN reset and a card reissue."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
from playwright.async_api import Browser, Dialog, Page, ViewportSize, expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing, pins
from backend.demo.scoring import rule_book_rows
from backend.registry import services as registry
from backend.scoring import evaluations, periods, rules, scoresheet
from tests.e2e.conftest import Launch, log_in_at, screenshots, xlsx_upload
from tests.factories import Place, make_place, make_town

PC: ViewportSize = {"width": 1366, "height": 768}
NAMES = ["欧阳秀英", "司马建国", "张三", "诸葛明亮", "李四", "王小二"]


def cell(row: int, column: int) -> str:
    return f'#score-grid input[data-row="{row}"][data-col="{column}"]'


def holder(row: int, column: int) -> str:
    return f'#score-grid td:has(> input[data-row="{row}"][data-col="{column}"])'


async def demo_village() -> tuple[Place, int, list[str]]:
    """A village with the demo's rule book, 26 households in one grid and an open period."""
    place = await make_place((await make_town()).id)
    vid = place.village_id
    book = await rules.adopt_rule_book(
        CLI_ACTOR,
        vid,
        rule_book_rows(),
    )
    for n in range(3, 27):
        name = NAMES[n % len(NAMES)]
        await registry.create_household(
            CLI_ACTOR,
            vid,
            {
                "number": f"H{n}",
                "head_name": name,
                "grid_id": place.grid_id,
                "moral_group_id": place.moral_group_id,
            },
            [{"name": name, "relation": "户主"}],
        )
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    return place, period.id, [r.code for r in book.rules]


async def console(browser: Browser, server_url: str, username: str) -> Page:
    page = await browser.new_page(viewport=PC, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", username, "#app")
    return page


async def test_grid_entry_by_keyboard_fits_the_screen_and_keeps_typed_cells(
    server_url: str, launch_browser: Launch
) -> None:
    place, period_id, codes = await demo_village()
    photo = codes.index("HJ02")  # needs a photo: between HJ01 and HJ03
    browser = await launch_browser()
    page = await console(browser, server_url, place.usernames[Role.committee])
    await page.click("#tabs button[data-tab=grid]")
    await expect(page.locator("#grid")).to_have_attribute("aria-busy", "false")
    await expect(page.locator("#score-grid tbody tr")).to_have_count(26)

    # The photo rule's cells are greyed and say why, in words.
    greyed = page.locator(holder(0, photo))
    await expect(greyed.locator("input")).to_be_disabled()
    await expect(greyed.locator("input")).to_have_value("需照片")
    await expect(greyed).to_have_attribute("title", re.compile("需要照片"))

    # "1", → over the photo column, "2": two cells, not "12".
    await page.focus(cell(0, photo - 1))
    await page.keyboard.type("1")
    await page.keyboard.press("ArrowRight")
    await page.keyboard.type("2")
    await expect(page.locator(cell(0, photo - 1))).to_have_value("1")
    await expect(page.locator(cell(0, photo + 1))).to_have_value("2")
    await page.keyboard.press("ArrowLeft")
    await expect(page.locator(cell(0, photo - 1))).to_be_focused()
    await page.keyboard.press("Enter")
    await page.keyboard.type("2")  # HJ01's cap is 1: the cell warns at once
    await expect(page.locator(holder(1, photo - 1))).to_have_class(re.compile(r"\bwarn\b"))
    await expect(page.locator("#grid-draft")).to_have_text(re.compile("未保存的格子 3 个"))

    # The whole grid fits 1366 px; names stay on one line.
    assert await page.evaluate("document.documentElement.scrollWidth") <= PC["width"]
    name = await page.locator("#score-grid tbody tr").first.locator("td.name").bounding_box()
    assert name is not None and name["height"] < 40, name

    # Scrolled down and right, the header row and the 户号 column stay where they were.
    scroller = page.locator(".grid-scroll")
    box = await scroller.bounding_box()
    assert box is not None
    head = page.locator("#score-grid thead th").first
    first_number = page.locator("#score-grid tbody th").first
    before = (await head.bounding_box(), await first_number.bounding_box())
    await scroller.evaluate("s => { s.scrollTop = 400; s.scrollLeft = 300; }")
    after = (await head.bounding_box(), await first_number.bounding_box())
    assert before[0] and after[0] and before[1] and after[1]
    assert abs(after[0]["y"] - before[0]["y"]) < 1 and abs(after[0]["x"] - before[0]["x"]) < 1
    assert abs(after[1]["x"] - before[1]["x"]) < 1  # the 户号 column does not move sideways
    await scroller.evaluate("s => { s.scrollTop = 0; s.scrollLeft = 0; }")
    await page.screenshot(path=screenshots() / "console-grid-1366.png")

    # A reload with typed cells asks first; staying keeps them, and after leaving they are back.
    asked: list[str] = []

    async def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        await dialog.dismiss()

    page.once("dialog", stay)
    await page.evaluate("location.reload()")
    await expect(page.locator(cell(0, photo + 1))).to_have_value("2")
    assert asked == ["beforeunload"]

    async def leave(dialog: Dialog) -> None:
        await dialog.accept()

    page.once("dialog", leave)
    await page.reload()
    await expect(page.locator("#app")).to_be_visible()
    await page.click("#tabs button[data-tab=grid]")  # already open: drawn again, once
    await expect(page.locator("#grid")).to_have_attribute("aria-busy", "false")
    await expect(page.locator(cell(0, photo + 1))).to_have_value("2")
    await expect(page.locator(cell(1, photo - 1))).to_have_value("2")

    # Saving with the over-cap cell: refused whole, the words beside the grid and on the cell.
    await page.click("#save-all")
    await expect(page.locator("#grid-result")).to_contain_text("未做任何修改")
    await expect(page.locator(holder(1, photo - 1))).to_have_class(re.compile(r"\bproblem\b"))
    await expect(page.locator(holder(1, photo - 1))).to_contain_text("超过每期上限1次")
    await expect(page.locator("#error")).to_be_hidden()
    assert await evaluations.evaluations(place.village_id, period_id) == []
    await page.focus(cell(1, photo - 1))
    await page.keyboard.type("1")
    await page.click("#save-all")
    await expect(page.locator("#grid-result")).to_have_text("已保存 4 条评分，等待入户核实。")
    await expect(page.locator("#grid-result")).not_to_have_class("field-error")
    await expect(page.locator("#grid-draft")).to_be_empty()
    assert len(await evaluations.evaluations(place.village_id, period_id)) == 4
    await browser.close()


async def test_a_sheet_with_a_title_row_enters_once_and_again_is_refused(
    server_url: str, launch_browser: Launch
) -> None:
    place, period_id, _codes = await demo_village()
    sheet = openpyxl.load_workbook(
        io.BytesIO(await scoresheet.score_sheet_xlsx(place.village_id, period_id, place.grid_id))
    )
    cells = sheet.active
    assert cells is not None
    cells.insert_rows(1)
    cells["A1"] = "测试村2026年11月文明积分评分表"
    cells["C4"] = 1  # H1 HJ01
    cells["E5"] = 2  # H2 HJ03 twice
    filled = io.BytesIO()
    sheet.save(filled)
    upload = [xlsx_upload("评分表.xlsx", filled.getvalue())]

    browser = await launch_browser()
    page = await console(browser, server_url, place.usernames[Role.committee])
    await page.click("#tabs button[data-tab=grid]")
    await page.set_input_files("#sheet-upload", files=upload)
    await expect(page.locator("#grid-result")).to_have_text("已保存 3 条评分，等待入户核实。")

    await page.set_input_files("#sheet-upload", files=upload)
    refusal = page.locator("#grid-result")
    await expect(refusal).to_contain_text("这份评分表已于")
    await expect(refusal).to_contain_text(place.usernames[Role.committee])
    await expect(refusal).to_have_class("field-error")
    assert len(await evaluations.evaluations(place.village_id, period_id)) == 3
    await page.screenshot(path=screenshots() / "console-sheet-again.png")

    # In English the sheet's problems are English too.
    cells["A5"] = "H99"
    cells["C4"] = "x"
    worse = io.BytesIO()
    sheet.save(worse)
    await page.click("#lang")
    await page.click("#tabs button[data-tab=grid]")
    await page.set_input_files(
        "#sheet-upload",
        files=[xlsx_upload("sheet.xlsx", worse.getvalue())],
    )
    await expect(page.locator("#grid-result")).to_have_text(
        "The sheet has 2 problem(s); nothing was changed."
    )
    problems = page.locator("#sheet-problems tr")
    await expect(problems).to_have_count(3)
    await expect(problems.nth(1)).to_have_text(re.compile("4C.*“x” is not a whole number"))
    await expect(problems.nth(2)).to_have_text(re.compile("5A.*no household number “H99”"))
    await page.screenshot(path=screenshots() / "console-sheet-problems-en.png")
    await browser.close()


async def test_pin_reset_and_card_reissue_use_in_page_dialogs(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    household = place.households[1]
    await issuing.issue_card(CLI_ACTOR, place.village_id, household.id)
    browser = await launch_browser()
    page = await console(browser, server_url, place.usernames[Role.committee])
    native: list[str] = []

    async def no_native(dialog: Dialog) -> None:
        native.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", no_native)
    await page.click("#tabs button[data-tab=households]")
    row = page.locator("#household-list tr", has_text=household.head_name)

    await row.get_by_role("button", name="重设 PIN").click()
    dialog = page.locator("dialog.in-page")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text(f"户号 {household.number}（{household.head_name}）")
    await dialog.get_by_label(re.compile("新的 PIN")).fill("12")
    await dialog.get_by_role("button", name="确定").click()
    note = dialog.locator("label .field-error")
    await expect(note).to_be_visible()
    await expect(note).to_contain_text("PIN")
    await page.screenshot(path=screenshots() / "console-pin-dialog.png")
    await dialog.get_by_label(re.compile("新的 PIN")).fill("864209")
    await dialog.get_by_role("button", name="确定").click()
    await expect(dialog).to_have_count(0)
    await expect(page.locator(f"#card-{household.id}")).to_have_text("PIN 已重设")
    await pins.check_pin(place.village_id, household.id, "864209")

    await row.get_by_role("button", name="补办新卡").click()
    await expect(dialog).to_contain_text("旧卡立即失效")
    await dialog.get_by_role("button", name="取消").click()
    await expect(dialog).to_have_count(0)
    assert (await issuing.card(place.village_id, household.id)).version == 1
    await row.get_by_role("button", name="补办新卡").click()
    await dialog.get_by_role("button", name="补办新卡").click()
    await expect(page.locator(f"#card-{household.id}")).to_have_text("已补办")
    assert (await issuing.card(place.village_id, household.id)).version == 2
    assert native == []  # no browser prompt() or confirm() on the way
    await browser.close()
