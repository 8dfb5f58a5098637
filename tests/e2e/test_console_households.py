"""The households screen at 1366×768: add a household, move it to another grid and mark it 关怀户
in in-page dialogs (refusals next to the field), and import the village's roster sheet — a bad
row refused with every bad cell listed, then the good sheet adding every household."""

from __future__ import annotations

import re

from playwright.async_api import expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.registry import services as registry
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import make_place, make_town
from tests.registry.test_roster import GOOD, roster_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_add_move_mark_and_import_households(server_url: str, launch_browser: Launch) -> None:
    place = await make_place((await make_town())["id"])
    vid = place.village_id
    await registry.create_grid(CLI_ACTOR, vid, "二网格")
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", place.usernames[Role.committee], "#app")
    await page.click("#tabs button[data-tab=households]")
    await expect(page.locator("#household-count")).to_have_text("共 2 户")
    dialog = page.locator("dialog.in-page")

    # Add: a number that is not a number is named next to its field, in words.
    await page.click("#household-add")
    await dialog.get_by_label("户号").fill("新 户")
    await dialog.get_by_label("户主").fill("赵福生")
    await dialog.get_by_label("网格").select_option(label="二网格")
    await dialog.get_by_role("button", name="确定").click()
    note = dialog.locator("label", has_text="户号").locator(".field-error")
    await expect(note).to_have_text("请检查：户号")
    await page.screenshot(path=screenshots() / "console-household-add.png")
    await dialog.get_by_label("户号").fill("N-9")
    await dialog.get_by_role("button", name="确定").click()
    await expect(dialog).to_have_count(0)
    added = page.locator("#household-list tr", has_text="N-9")
    await expect(added).to_contain_text("二网格")
    await expect(added).not_to_contain_text("关怀户")

    # Move H1 to the other grid and mark it 关怀户.
    first = page.locator("#household-list tr", has_text="王建国")
    await first.get_by_role("button", name="修改").click()
    await expect(dialog.get_by_label("户主")).to_have_value("王建国")
    await dialog.get_by_label("网格").select_option(label="二网格")
    await dialog.get_by_label(re.compile("关怀户")).check()
    await dialog.get_by_role("button", name="确定").click()
    await expect(dialog).to_have_count(0)
    await expect(first).to_contain_text("二网格")
    await expect(first).to_contain_text("关怀户")
    moved = await registry.household(vid, place.households[0]["id"])
    assert moved["hardship"] and moved["grid_id"] != place.grid_id

    # The roster with one bad row adds nothing and lists the bad cells; the good one adds all.
    bad = roster_xlsx(*GOOD, ["R-004", "", "张三（子", "", "", "", "也许", ""])
    await page.set_input_files("#roster-upload", files=[
        {"name": "花名册.xlsx", "buffer": bad, "mimeType": XLSX}])
    await expect(page.locator("#roster-result")).to_have_text("表格有 3 处错误，未做任何修改。")
    problems = page.locator("#roster-problems tr")
    await expect(problems).to_have_count(4)
    await expect(problems.nth(1)).to_have_text(re.compile("7B户主姓名不能为空"))
    await page.screenshot(path=screenshots() / "console-roster-problems.png")
    await expect(page.locator("#household-count")).to_have_text("共 3 户")
    await page.set_input_files("#roster-upload", files=[
        {"name": "花名册.xlsx", "buffer": roster_xlsx(*GOOD), "mimeType": XLSX}])
    await expect(page.locator("#roster-result")).to_have_text("已导入 3 户。")
    await expect(page.locator("#household-count")).to_have_text("共 6 户")
    await expect(page.locator("#household-list tr", has_text="R-002")).to_contain_text("新网格")
    await page.screenshot(path=screenshots() / "console-households.png")
    await browser.close()
