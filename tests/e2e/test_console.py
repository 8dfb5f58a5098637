"""The committee console in Chromium, the issue's whole flow: one committee member types a grid
of scores with the keyboard, a second verifies them at the households, the period goes on notice,
a villager on a phone objects to one score, the committee upholds the objection, the period
closes, and the villager sees the new balance and rank."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import openpyxl
from PIL import Image
from playwright.async_api import Page, expect

from backend import clock
from backend.audit import services as audit
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing, pin_changes, pins
from backend.registry import services as registry
from backend.scoring import evaluations, period_close, periods, rules, scoresheet
from backend.scoring.evaluations import Scorer
from backend.scoring.rules import NewRule
from tests.e2e.conftest import Launch, committee_page, screenshots, xlsx_upload
from tests.factories import TIDY_YARD, add_sale, add_scoring, make_place, make_town, make_user


def cell(row: int, column: int) -> str:
    return f'#score-grid input[data-row="{row}"][data-col="{column}"]'


def holder(row: int, column: int) -> str:
    """The table cell around a grid input (it carries the warning and problem classes)."""
    return f'#score-grid td:has(> input[data-row="{row}"][data-col="{column}"])'


async def test_grid_entry_verification_notice_objection_close(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    await registry.update_village(CLI_ACTOR, vid, {"notice_days": 1})
    book = await rules.adopt_rule_book(
        CLI_ACTOR,
        vid,
        [
            TIDY_YARD,
            NewRule(
                code="XF01",
                category="孝老爱亲",
                title="赡养老人",
                points=10,
                cap=1,
                evidence_required=False,
                proposers=("committee",),
            ),
        ],
    )
    h1, h2 = place.households
    await issuing.issue_card(CLI_ACTOR, vid, h1.id)
    await pin_changes.set_pin(CLI_ACTOR, vid, h1.id, "2580")
    _, _, second = await make_user(Role.committee, place)
    browser = await launch_browser()

    # The first member opens a period from the dashboard.
    page = await committee_page(browser, server_url, place.usernames[Role.committee])
    await expect(page.locator("#next-step")).to_have_text("下一步：开启新的评议周期。")
    form = page.locator("#open-period")
    await form.get_by_label("名称").fill("2026年11月")
    await form.get_by_label("开始日期").fill("2026-11-01")
    await form.get_by_label("结束日期").fill("2026-11-30")
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#period-state")).to_have_text("评分中")
    await expect(page.locator("#next-step")).to_contain_text("本期还没有评分")  # not "all verified"
    [period] = await periods.periods(vid)
    period_id = period.id

    # One score with a photo already waits (entered on a phone), so H2's cap is nearer.
    photo = io.BytesIO()
    Image.new("RGB", (80, 60), "green").save(photo, format="PNG")
    scorer = Scorer(
        user_id=place.user_ids[Role.committee], name="张委员", roles=frozenset({"committee"})
    )
    await evaluations.propose_with_evidence(
        scorer, vid, period_id, h2.id, book.rules[0].id, photo=photo.getvalue()
    )

    # Grid entry with the keyboard: H1 gets HJ01 twice; H2 HJ01 twice more and XF01 once.
    await page.click("#tabs button[data-tab=grid]")
    await page.focus(cell(0, 0))
    await page.keyboard.type("2")
    await page.keyboard.press("Enter")
    await page.keyboard.type("3")
    await expect(page.locator(holder(1, 0))).to_have_class(re.compile(r"\bwarn\b"))
    await page.keyboard.press("Backspace")
    await page.keyboard.type("2")
    await expect(page.locator(holder(1, 0))).not_to_have_class(re.compile(r"\bwarn\b"))
    await page.keyboard.press("ArrowRight")
    await page.keyboard.type("1")
    await expect(page.locator('td.total[data-row="0"]')).to_have_text("+10")
    await expect(page.locator('td.total[data-row="1"]')).to_have_text("+20")
    await page.screenshot(path=screenshots() / "console-grid.png")
    await page.click("#save-all")
    await expect(page.locator("#grid-result")).to_have_text("已保存 5 条评分，等待入户核实。")

    # Saving the same again would pass H2's cap: refused whole, the problem on its cell.
    await page.focus(cell(1, 1))
    await page.keyboard.type("1")
    await page.click("#save-all")
    await expect(page.locator("#grid-result")).to_contain_text("未做任何修改")
    await expect(page.locator(holder(1, 1))).to_have_class(re.compile(r"\bproblem\b"))

    # The proposer cannot verify their own entries; the readable refusal is shown.
    await page.click("#tabs button[data-tab=verify]")
    await expect(page.locator("#verify-list li")).to_have_count(6)
    await page.locator("#verify-list li").first.get_by_role("button", name="核实通过").click()
    await expect(page.locator("#error")).not_to_be_empty()

    # The second member verifies everything, photo included.
    other = await committee_page(browser, server_url, second)
    await other.click("#tabs button[data-tab=verify]")
    await expect(other.locator("#verify-list li img")).to_have_count(1)
    await other.screenshot(path=screenshots() / "console-verify.png")
    for left in range(6, 0, -1):
        await expect(other.locator("#verify-list li")).to_have_count(left)
        await other.locator("#verify-list li").first.get_by_role("button", name="核实通过").click()
    await expect(other.locator("#verify-empty")).to_be_visible()
    await other.click("#tabs button[data-tab=dashboard]")
    await expect(other.locator("#count-verified dd")).to_have_text("6")
    await other.click("#start-notice")
    await expect(other.locator("dialog.in-page")).to_contain_text("将向全村公示")
    await other.locator("dialog.in-page").get_by_role("button", name="开始公示").click()
    await expect(other.locator("#period-state")).to_have_text("公示中")
    await expect(other.locator("#count-notice dd")).to_have_text("6")

    # The villager, on a phone, sees the pending scores and objects to one.
    code = (await registry.village(vid)).code
    phone = await browser.new_page(viewport={"width": 360, "height": 640}, locale="zh-CN")
    await phone.goto(f"{server_url}/me.html")
    await phone.fill("input[name=village]", code)
    await phone.fill("input[name=number]", h1.number)
    await phone.fill("input[name=pin]", "2580")
    await phone.click("#login button[type=submit]")
    await expect(phone.locator("#balance")).to_have_text("0")
    await phone.click("nav button[data-tab=notice]")
    await expect(phone.locator("#pending li.mine")).to_have_count(2)

    # The reason is asked in the page's own dialog (no browser prompt()); empty is not sent.
    await phone.locator("#pending li.mine button").first.click()
    asked = phone.locator("dialog.in-page")
    await expect(asked.get_by_role("heading")).to_have_text("提出异议")
    await asked.get_by_role("button", name="提出异议").click()
    await expect(asked).to_be_visible()
    await asked.get_by_label("请写明异议理由").fill("第二次打扫是同一天，不该算两次")
    await phone.screenshot(path=screenshots() / "villager-objection-dialog.png")
    await asked.get_by_role("button", name="提出异议").click()
    await expect(asked).to_have_count(0)
    await expect(phone.locator("#pending li.mine button").first).to_have_text(
        "已提异议：待村委答复"
    )

    # The committee upholds it: that score is withdrawn.
    await other.reload()
    await expect(other.locator("#count-objected dd")).to_have_text("1")
    await expect(other.locator("#next-step")).to_have_text("下一步：处理 1 条异议。")
    await other.screenshot(path=screenshots() / "console-dashboard.png")
    await other.click("#tabs button[data-tab=objections]")
    await other.fill("#objection-list li input[name=reason]", "核实属实，同一天只算一次")
    await other.click("#objection-list li >> text=异议成立（撤销评分）")
    await expect(other.locator("#objections-empty")).to_be_visible()

    # Closing cannot start before the notice ends: the dashboard says until when.
    await other.click("#tabs button[data-tab=dashboard]")
    await expect(other.locator("#close-period")).to_be_disabled()
    await expect(other.locator("#close-wait")).to_contain_text("之后才能结束公示并入账")
    ends = (await periods.period(vid, period_id)).notice_ends_at
    assert ends is not None
    assert f"{ends.astimezone():%H:%M}" in await other.locator("#close-wait").inner_text()
    closed = await period_close.close_and_post(
        CLI_ACTOR, vid, period_id, now=clock.now() + timedelta(days=2)
    )
    assert closed.posted == 5 and closed.blocked == []
    await other.reload()
    await expect(other.locator("#close-wait")).to_be_hidden()
    await expect(other.locator("#period-state")).to_have_text("已结束")
    await expect(other.locator("#count-posted dd")).to_have_text("5")
    await other.click("#tabs button[data-tab=board]")
    await expect(other.locator("#red-list li")).not_to_have_count(0)
    await other.click("#publish")
    confirm = other.locator("dialog.in-page")
    await expect(confirm).to_contain_text("发布后全村可见，不能撤回")
    await confirm.get_by_role("button", name="确认发布").click()
    await expect(other.locator("#posters a")).to_have_count(2)
    await other.screenshot(path=screenshots() / "console-board.png")

    await phone.reload()
    await expect(phone.locator("#balance")).to_have_text("5")
    await expect(phone.locator("#rank")).to_have_text("2/2")
    await phone.click("nav button[data-tab=notice]")
    await expect(phone.locator("#notice-empty")).to_be_visible()
    await browser.close()


async def test_console_shows_api_errors_in_english_after_the_switch(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    browser = await launch_browser()
    page = await committee_page(browser, server_url, place.usernames[Role.committee])
    await page.click("#lang")
    await expect(page.locator("#tabs button[data-tab=grid]")).to_have_text("Grid entry")
    await expect(page.locator("#next-step")).to_have_text("Next: open a new period.")
    form = page.locator("#open-period")
    await form.locator("input[name=name]").fill("Nov")
    await form.locator("input[name=starts_on]").fill("2026-11-30")
    await form.locator("input[name=ends_on]").fill("2026-11-01")
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#error")).to_be_visible()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in await page.locator("#error").inner_text())
    await browser.close()


async def test_town_admin_sees_the_villages_side_by_side(
    server_url: str, launch_browser: Launch
) -> None:
    town = await make_town()
    busy = await make_place(town.id)
    await add_scoring(busy)
    quiet = await make_place(town.id, with_users=False)
    browser = await launch_browser()
    page = await committee_page(browser, server_url, busy.usernames[Role.town_admin])
    await page.click("#tabs button[data-tab=town]")
    await expect(page.locator("#town-villages .village")).to_have_count(2)
    busy_card = page.locator(f"#town-village-{busy.village_id}")
    await expect(busy_card.locator("dd.participating")).to_have_text("2/2")
    await expect(busy_card.locator("dd.issued")).to_have_text("55")
    await expect(busy_card.locator("svg rect")).to_have_count(3)
    await expect(page.locator(f"#town-village-{quiet.village_id} dd.issued")).to_have_text("0")
    await page.screenshot(path=screenshots() / "console-town.png")
    await browser.close()


async def test_committee_restocks_edits_the_rule_book_and_reissues_a_card(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    await rules.adopt_rule_book(
        CLI_ACTOR,
        place.village_id,
        [
            TIDY_YARD,
        ],
    )
    await issuing.issue_card(CLI_ACTOR, place.village_id, place.households[0].id)
    browser = await launch_browser()
    page = await committee_page(browser, server_url, place.usernames[Role.committee])

    await page.click("#tabs button[data-tab=shop]")
    product = page.locator(f"#product-{place.product_id}")
    await expect(product.locator("td.stock")).to_have_text("20袋")
    await product.locator("input[name=quantity]").fill("5")
    await product.locator("input[name=donor]").fill("爱心超市")
    await product.get_by_role("button", name="入库").click()
    await expect(product.locator("td.stock")).to_have_text("25袋")

    await page.click("#tabs button[data-tab=rules]")
    await expect(page.locator("#rule-version")).to_contain_text("v1")
    await page.click("#rule-add")
    last = page.locator("#rule-table tr").last
    await last.locator("input[name=code]").fill("XF01")
    await last.locator("input[name=category]").fill("孝老爱亲")
    await last.locator("input[name=title]").fill("赡养老人")
    await last.locator("input[name=points]").fill("0")
    await page.fill("#rule-note", "加孝老条目")
    await page.click("#rule-save")
    await expect(page.locator("#rule-result")).to_have_class("field-error")
    await last.locator("input[name=points]").fill("10")
    await page.fill("#rule-note", "加孝老条目")
    await page.click("#rule-save")
    await expect(page.locator("#rule-version")).to_have_text("v2 加孝老条目")
    assert [r.code for r in (await rules.current_rule_book(place.village_id)).rules] == [
        "HJ01",
        "XF01",
    ]

    await page.click("#tabs button[data-tab=households]")

    household = place.households[0].id
    await (
        page.locator("#household-list tr", has_text="王建国")
        .get_by_role("button", name="补办新卡")
        .click()
    )
    await page.locator("dialog.in-page").get_by_role("button", name="补办新卡").click()
    await expect(page.locator(f"#card-{household}")).to_have_text("已补办")
    assert (await issuing.card(place.village_id, household)).version == 2
    await browser.close()


async def test_an_uploaded_score_sheet_shows_its_problems_by_row_and_column(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    await rules.adopt_rule_book(
        CLI_ACTOR,
        place.village_id,
        [
            TIDY_YARD,
        ],
    )
    period = await periods.open_period(
        CLI_ACTOR,
        place.village_id,
        name="11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    sheet = openpyxl.load_workbook(
        io.BytesIO(await scoresheet.score_sheet_xlsx(place.village_id, period.id, place.grid_id))
    )
    cells = sheet.active
    cells.cell(row=3, column=3, value="两次")
    cells.cell(row=4, column=3, value=1)
    filled = io.BytesIO()
    sheet.save(filled)
    browser = await launch_browser()
    page = await committee_page(browser, server_url, place.usernames[Role.committee])
    await page.click("#tabs button[data-tab=grid]")
    await page.set_input_files(
        "#sheet-upload",
        files=[xlsx_upload("sheet.xlsx", filled.getvalue())],
    )
    await expect(page.locator("#grid-result")).to_contain_text("未做任何修改")
    problems = page.locator("#sheet-problems tr")
    await expect(problems).to_have_count(2)
    await expect(problems.nth(1)).to_contain_text("两次")
    await expect(problems.nth(1).locator("td").first).to_have_text("3")
    assert await evaluations.evaluations(place.village_id, period.id) == []
    await browser.close()


async def settlement_summary(page: Page) -> Any:
    """The summary sheet of the settlement the shop screen's link downloads."""
    async with page.expect_download() as download:
        await page.click("#shop-list a.settlement")
    path = await (await download.value).path()
    return openpyxl.load_workbook(io.BytesIO(path.read_bytes()))["汇总"]


async def test_committee_resets_a_pin_and_downloads_an_earlier_months_settlement(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    await add_sale(place)
    household = place.households[1]
    browser = await launch_browser()
    page = await committee_page(browser, server_url, place.usernames[Role.committee])

    await page.click("#tabs button[data-tab=households]")
    row = page.locator("#household-list tr", has_text=household.head_name)
    dialog = page.locator("dialog.in-page")
    await row.get_by_role("button", name="重设 PIN").click()
    await dialog.locator("input[name=pin]").fill("12")
    await dialog.get_by_role("button", name="确定").click()
    await expect(dialog.locator(".field-error").first).to_contain_text(
        re.compile("pin", re.IGNORECASE)
    )
    await dialog.locator("input[name=pin]").fill("864209")
    await dialog.get_by_role("button", name="确定").click()
    await expect(page.locator(f"#card-{household.id}")).to_have_text("PIN 已重设")
    await pins.check_pin(place.village_id, household.id, "864209")
    logged, _ = await audit.entries(village_id=place.village_id, page=1, page_size=5)
    assert (logged[0]["action"], logged[0]["actor_name"]) == (
        "card.set_pin",
        place.usernames[Role.committee],
    )

    await page.click("#tabs button[data-tab=shop]")
    now = clock.local_now()
    earlier = date(now.year - (now.month == 1), (now.month - 2) % 12 + 1, 1)
    await page.fill("#settlement-month", f"{earlier:%Y-%m}")
    summary = await settlement_summary(page)
    assert summary["A1"].value.endswith(f"{earlier:%Y-%m} 积分兑换对账单")
    assert summary["B2"].value == 0
    await page.fill("#settlement-month", f"{now:%Y-%m}")
    assert (await settlement_summary(page))["B2"].value == 1

    await page.click("#lang")
    await page.click("#tabs button[data-tab=households]")
    await expect(
        page.locator("#household-list tr").nth(1).get_by_role("button", name="Reset PIN")
    ).to_be_visible()
    await browser.close()
