"""The households screen at 1366×768: add a household, move it to another grid and mark it 关怀户
(refused without a reason, next to the field; saved with one) in in-page dialogs, add a member
and mark one moved away, and import the village's roster sheet — a bad
row refused with every bad cell listed, then the good sheet adding every household; PIN letters
for a grid (the QR decoded), and the villager's first login that asks for a new PIN first."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import zxingcpp
from playwright.async_api import Browser, Page, expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import pins
from backend.registry import services as registry
from tests.cards.test_pin_letters import pdf_pages
from tests.e2e.conftest import Launch, log_in_at, screenshots, xlsx_upload
from tests.factories import make_place, make_town
from tests.registry.test_roster import GOOD, roster_xlsx


async def households_screen(browser: Browser, server_url: str, username: str) -> Page:
    """The console at 1366×768, logged in as ``username``, on 农户与积分卡 once it is drawn."""
    page = await browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", username, "#app")
    await page.click("#tabs button[data-tab=households]")
    await expect(page.locator("#households")).to_have_attribute("aria-busy", "false")
    return page


async def test_add_move_mark_and_import_households(server_url: str, launch_browser: Launch) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    await registry.create_grid(CLI_ACTOR, vid, "二网格")
    browser = await launch_browser()
    page = await households_screen(browser, server_url, place.usernames[Role.committee])
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
    await dialog.get_by_label("关怀户（不上黑榜）").check()
    await dialog.get_by_role("button", name="确定").click()
    # 关怀户 without a reason: refused next to the reason's field, nothing saved.
    why = dialog.locator("label", has_text="关怀户理由").locator(".field-error")
    await expect(why).to_have_text("请写明理由。")
    await page.screenshot(path=screenshots() / "console-hardship-needs-reason.png")
    assert not (await registry.household(vid, place.households[0].id)).hardship
    await dialog.get_by_label(re.compile("关怀户理由")).fill("独居老人，常年卧病")
    await dialog.get_by_role("button", name="确定").click()
    await expect(dialog).to_have_count(0)
    await expect(first).to_contain_text("二网格")
    await expect(first).to_contain_text("关怀户")
    await expect(first).to_contain_text("独居老人，常年卧病")
    moved = await registry.household(vid, place.households[0].id)
    assert moved.hardship and moved.grid_id != place.grid_id
    assert moved.hardship_reason == "独居老人，常年卧病"

    # The roster with one bad row adds nothing and lists the bad cells; the good one adds all.
    bad = roster_xlsx(*GOOD, ["R-004", "", "张三（子", "", "", "", "也许", ""])
    await page.set_input_files("#roster-upload", files=[xlsx_upload("花名册.xlsx", bad)])
    await expect(page.locator("#roster-result")).to_have_text("表格有 3 处错误，未做任何修改。")
    problems = page.locator("#roster-problems tr")
    await expect(problems).to_have_count(4)
    await expect(problems.nth(1)).to_have_text(re.compile("7B户主姓名不能为空"))
    await page.screenshot(path=screenshots() / "console-roster-problems.png")
    await expect(page.locator("#household-count")).to_have_text("共 3 户")
    await page.set_input_files(
        "#roster-upload",
        files=[xlsx_upload("花名册.xlsx", roster_xlsx(*GOOD))],
    )
    await expect(page.locator("#roster-result")).to_have_text("已导入 3 户。")
    await expect(page.locator("#household-count")).to_have_text("共 6 户")
    await expect(page.locator("#household-list tr", has_text="R-002")).to_contain_text("新网格")
    await page.screenshot(path=screenshots() / "console-households.png")
    await browser.close()


async def test_pin_letters_and_the_first_login_that_forces_a_new_pin(
    server_url: str, launch_browser: Launch, tmp_path: Path
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    household = place.households[1]
    browser = await launch_browser()
    page = await households_screen(browser, server_url, place.usernames[Role.committee])
    dialog = page.locator("dialog.in-page")

    # Letters for the grid: asked first (the old PINs stop working), then the PDF downloads.
    await page.click("#pin-letters")
    await expect(dialog).to_contain_text("旧 PIN 立即失效")
    await dialog.get_by_label("网格").select_option(label="一网格")
    await page.screenshot(path=screenshots() / "console-pin-letters.png")
    async with page.expect_download() as download:
        await dialog.get_by_role("button", name="设置并打印").click()
    path = await (await download.value).path()
    letters = await asyncio.to_thread(pdf_pages, path.read_bytes(), tmp_path)
    assert len(letters) == 2
    [qr] = zxingcpp.read_barcodes(letters[1])
    code = (await registry.village(vid)).code
    assert qr.text == f"{server_url}/me.html?village={code}"
    assert await pins.pin_must_change(vid, household.id)

    # The letter's PIN is on paper only; the committee resets it to one the test knows, which
    # must be changed at the next login too.
    await (
        page.locator("#household-list tr", has_text=household.head_name)
        .get_by_role("button", name="重设 PIN")
        .click()
    )
    await dialog.locator("input[name=pin]").fill("135790")
    await dialog.get_by_role("button", name="确定").click()
    await expect(dialog).to_have_count(0)

    # The villager opens the QR's address on a phone: the village is filled in; after the
    # login only the PIN form shows, until a new PIN is saved.
    phone = await browser.new_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    await phone.goto(qr.text)
    await expect(phone.locator("#login input[name=village]")).to_have_value(code)
    await phone.fill("#login input[name=number]", household.number)
    await phone.fill("#login input[name=pin]", "135790")
    await phone.click("#login button[type=submit]")
    first = phone.locator("#pin-first")
    await expect(first).to_be_visible()
    await expect(phone.locator("#app")).to_be_hidden()
    await phone.screenshot(path=screenshots() / "villager-first-pin.png")
    await first.locator("input[name=current]").fill("135790")
    await first.locator("input[name=new_pin]").fill("246802")
    await first.locator("input[name=repeat]").fill("246802")
    await first.locator("button[type=submit]").click()
    await expect(phone.locator("#app")).to_be_visible()
    await expect(first).to_be_hidden()
    assert not await pins.pin_must_change(vid, household.id)
    await pins.check_pin(vid, household.id, "246802")
    await phone.reload()
    await expect(phone.locator("#app")).to_be_visible()
    await expect(first).to_be_hidden()
    await browser.close()


async def test_a_member_added_and_one_marked_moved_away(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    vid, household = place.village_id, place.households[0]
    browser = await launch_browser()
    page = await households_screen(browser, server_url, place.usernames[Role.committee])
    dialog = page.locator("dialog.in-page")
    row = page.locator("#household-list tr", has_text=household.head_name)
    await row.get_by_role("button", name="家庭成员").click()
    members = page.locator(f"#members-of-{household.id}")
    await expect(members.locator("li")).to_have_count(1)

    await members.get_by_role("button", name="添加成员").click()
    await dialog.get_by_label("姓名").fill("王小军")
    await dialog.get_by_label("与户主关系").fill("子")
    await dialog.get_by_role("button", name="确定").click()
    await expect(dialog).to_have_count(0)
    son = members.locator("li", has_text="王小军")
    await expect(son).to_contain_text("王小军（子）")
    await expect(son).to_contain_text("在册")

    await son.get_by_role("button", name="修改").click()
    await expect(dialog.get_by_label("姓名")).to_have_value("王小军")
    await dialog.get_by_label("状态").select_option(label="已迁出")
    await dialog.get_by_role("button", name="确定").click()
    await expect(dialog).to_have_count(0)
    await expect(son).to_contain_text("已迁出")
    await page.screenshot(path=screenshots() / "console-household-members.png")
    saved = {m.name: m for m in (await registry.household(vid, household.id)).members}
    assert saved["王小军"].status == "moved" and not saved["王小军"].active
    assert saved[household.head_name].status == "active"
    await browser.close()
