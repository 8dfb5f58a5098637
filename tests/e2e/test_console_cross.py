"""Cross-evaluation (交叉评议) in the console: assign which moral group marks which, type one
member's paper sheet in with the keyboard, print the sheets, compute the results and turn them
into proposed scores — Chinese first, then the English switch."""

from __future__ import annotations

import re
from datetime import date

from playwright.async_api import expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.registry import services as registry
from backend.scoring import evaluations, periods, rules
from backend.scoring.rules import NewRule
from tests.e2e.conftest import Launch, committee_page, screenshots
from tests.factories import TIDY_YARD, make_place, make_town


async def test_committee_sets_up_cross_evaluation_enters_a_sheet_and_proposes_the_results(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    await rules.adopt_rule_book(
        CLI_ACTOR,
        vid,
        [
            TIDY_YARD,
            NewRule(
                code="JC01",
                category="乡风文明",
                title="道德小组交叉评议",
                points=5,
                cap=1,
                evidence_required=False,
                proposers=("committee",),
            ),
        ],
    )
    second = await registry.create_moral_group(CLI_ACTOR, vid, "第二道德小组")
    marked = [
        await registry.create_household(
            CLI_ACTOR,
            vid,
            {"number": number, "head_name": name, "moral_group_id": second.id},
            [],
        )
        for number, name in (("H3", "赵福生"), ("H4", "钱秀兰"))
    ]
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    browser = await launch_browser()
    page = await committee_page(browser, server_url, place.usernames[Role.committee])
    await page.click("#tabs button[data-tab=cross]")
    await expect(page.locator("#cross-period")).to_have_text("2026年11月")
    await expect(page.locator("#cross-pairs li")).to_have_text("本期还没有安排。")

    # A group marking itself is refused readably; the first group marks the second.
    form = page.locator("#cross-assign")
    await form.locator("select[name=marker]").select_option(label="第一道德小组")
    await form.locator("select[name=target]").select_option(label="第一道德小组")
    await form.get_by_role("button", name="安排评议").click()
    await expect(page.locator("#error")).to_have_text("不能评议本小组的农户。")
    await form.locator("select[name=target]").select_option(label="第二道德小组")
    await form.get_by_role("button", name="安排评议").click()
    await expect(page.locator("#cross-pairs li")).to_have_text(
        re.compile(r"^第一道德小组 → 第二道德小组")
    )

    # 王建国's paper sheet, typed in: the rule book's categories across, H3 and H4 down.
    await expect(page.locator("#cross-marker option:checked")).to_have_text("H1 王建国")
    await expect(page.locator("#cross-sheet th")).to_have_text(
        ["户号", "户主", "小组", "环境卫生", "乡风文明"]
    )
    await expect(page.locator("#cross-sheet tr")).to_have_count(3)
    await page.focus('#cross-sheet input[data-row="0"][data-col="0"]')
    for keys in ("9", "ArrowRight", "8", "Enter", "7", "ArrowLeft", "6"):
        await (page.keyboard.type(keys) if keys.isdigit() else page.keyboard.press(keys))
    await page.click("#cross-save")
    await expect(page.locator("#cross-saved")).to_have_text("已保存 4 项评分。")
    await page.locator("#cross-marker").select_option(label="H2 李秀英")
    await expect(page.locator('#cross-sheet input[data-row="0"][data-col="0"]')).to_have_value("")
    await page.locator("#cross-marker").select_option(label="H1 王建国")
    await expect(page.locator('#cross-sheet input[data-row="1"][data-col="1"]')).to_have_value("7")

    # The paper sheet of this member, for those without phones.
    sheet = await page.request.get(await page.locator("#cross-sheet-pdf").evaluate("a => a.href"))
    assert sheet.ok and sheet.headers["content-type"] == "application/pdf"
    assert b"/Count 1" in await sheet.body()

    # Results (8.5 → +5, 6.5 → +2 with the default bands), then proposed under JC01.
    await page.click("#cross-compute")
    h3, h4 = (f"#cross-result-{h.id}" for h in marked)
    await expect(page.locator(f"{h3} td")).to_have_text(["H3", "赵福生", "1", "8.5", "+5"])
    await expect(page.locator(f"{h4} td")).to_have_text(["H4", "钱秀兰", "1", "6.5", "+2"])
    await expect(page.locator("#cross-rule option:checked")).to_contain_text("JC01")
    await page.screenshot(path=screenshots() / "console-cross.png", full_page=True)
    await page.click("#cross-propose")
    await expect(page.locator("#cross-proposed")).to_have_text("已生成 2 条评分，等待入户核实。")
    proposed = await evaluations.evaluations(vid, period.id)
    assert sorted((e.household_id, e.points, e.source) for e in proposed) == [
        (marked[0].id, 5, "cross"),
        (marked[1].id, 2, "cross"),
    ]

    await page.click("#lang")
    await expect(page.locator("#tabs button[data-tab=cross]")).to_have_text("Cross-evaluation")
    await expect(page.locator("#cross-save")).to_have_text("Save marks")
    await expect(page.locator("#cross-sheet th").nth(2)).to_have_text("Group")
    await page.click("#cross-compute")
    await expect(page.locator("#cross-results th").nth(3)).to_have_text("Mean")
    await browser.close()
