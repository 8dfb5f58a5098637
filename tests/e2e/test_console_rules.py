"""The rule-book editor at 1366×768 through the visible page: roles chosen in words, the page no
wider than the screen, a note required for a new version, and an unchanged export imported again
making no version (said on screen)."""

from __future__ import annotations

from playwright.async_api import expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.scoring import rules
from backend.scoring.rules import NewRule
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import TIDY_YARD, make_place, make_town

SHARED = NewRule(
    code="HJ02",
    category="环境卫生",
    title="乱堆乱放",
    points=-2,
    cap=3,
    evidence_required=True,
    proposers=("committee", "grid_officer"),
)


async def test_rule_book_editor_in_words_with_a_note_and_no_empty_versions(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    await rules.adopt_rule_book(CLI_ACTOR, place.village_id, [TIDY_YARD, SHARED], note="初版")
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", place.usernames[Role.committee], "#app")
    await page.click("#tabs button[data-tab=rules]")
    await expect(page.locator("#rule-version")).to_have_text("v1 初版")
    shared = page.locator("#rule-table tr").nth(2)
    await expect(shared.locator("input[name=code]")).to_have_value("HJ02")
    await expect(shared.locator("td.proposers")).to_have_text("村委网格员")
    assert await shared.get_by_label("网格员").is_checked()
    await expect(page.locator("#rule-table")).not_to_contain_text("grid_officer")
    await page.click("#rule-add")
    last = page.locator("#rule-table tr").last
    await last.locator("input[name=code]").fill("XF01")
    await last.locator("input[name=category]").fill("孝老爱亲")
    await last.locator("input[name=title]").fill("赡养老人")
    await last.locator("input[name=points]").fill("10")
    await last.get_by_label("网格员").check()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 1366

    await page.click("#rule-save")
    await expect(page.locator("#rule-result")).to_have_text(
        "请写修订说明：这一版为什么改（例如“村民代表大会通过”）。"
    )
    await expect(page.locator("#rule-note")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#rule-note")).to_be_focused()
    await page.screenshot(path=screenshots() / "console-rules-note.png")
    assert (await rules.current_rule_book(place.village_id)).version == 1

    await page.fill("#rule-note", "加孝老条目")
    await page.click("#rule-save")
    await expect(page.locator("#rule-version")).to_have_text("v2 加孝老条目")
    await expect(page.locator("#rule-result")).to_have_text("已保存为第 2 版。")
    book = await rules.current_rule_book(place.village_id)
    assert [(r.code, r.proposers) for r in book.rules] == [
        ("HJ01", ("committee",)),
        ("HJ02", ("committee", "grid_officer")),
        ("XF01", ("committee", "grid_officer")),
    ]

    async with page.expect_download() as download:
        await page.click("#rule-export")
    exported = await (await download.value).path()
    await page.set_input_files("#rule-import", str(exported))
    await expect(page.locator("#rule-result")).to_have_text(
        "细则与当前第 2 版完全相同，没有生成新版本。"
    )
    await expect(page.locator("#rule-version")).to_have_text("v2 加孝老条目")
    assert (await rules.current_rule_book(place.village_id)).version == 2
    assert await page.evaluate("document.documentElement.scrollWidth") <= 1366
    await page.screenshot(path=screenshots() / "console-rules.png")
    await browser.close()
