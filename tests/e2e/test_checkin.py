"""The check-in page in a real Chromium: a USB scanner checks a household in, twice is refused,
and a scan made while the server cannot be reached is kept and sent later, once; a refusal is
shown in Chinese, and the page speaks English once the language is switched."""

from __future__ import annotations

from datetime import timedelta

from playwright.async_api import Page, expect

from backend import clock
from backend.activities import services as activities
from backend.activities.records import ActivityRecord
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing
from backend.registry import services as registry
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import CLEAN_UP, Place, make_place, make_town, open_month


async def running_activity(place: Place) -> ActivityRecord:
    """A volunteer activity of ``place`` that started an hour ago, organised by its grid officer."""
    month = await open_month(place, CLEAN_UP, role=Role.grid_officer, name="网格员")
    organiser = month.scorer
    now = clock.now()
    activity = await activities.create_activity(
        organiser,
        place.village_id,
        {
            "title": "村道清扫",
            "rule_id": month.book.rules[0].id,
            "place": "村委会门口",
            "starts_at": now - timedelta(hours=1),
            "ends_at": now + timedelta(hours=2),
        },
    )
    await activities.start_activity(organiser, place.village_id, activity.id)
    return activity


async def open_checkin(page: Page, server_url: str, place: Place) -> None:
    """checkin.html logged in as the grid officer, the running activity chosen."""
    await log_in_at(page, server_url, "checkin.html", place.usernames[Role.grid_officer], "#desk")
    await expect(page.locator("#activity")).to_contain_text("村道清扫")


async def test_wedge_scan_checks_a_household_in_and_an_offline_scan_is_sent_once(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    activity = await running_activity(place)
    first, second = place.households
    first = await registry.add_member(CLI_ACTOR, place.village_id, first.id, "刘桂兰", "配偶")
    spouse = first.members[-1]
    codes = [await issuing.card_payload(place.village_id, h.id) for h in (first, second)]

    browser = await launch_browser()
    context = await browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = await context.new_page()
    await open_checkin(page, server_url, place)

    await page.locator("#scan").type(codes[0] + "\n", delay=5)
    row = page.locator(f"#attendances li[data-household-id='{first.id}']")
    await expect(row).to_contain_text(first.head_name)
    await expect(page.locator("#count")).to_have_text("1")
    await row.locator(f"button[data-member-id='{spouse.id}']").click()
    await expect(row.locator(".who")).to_contain_text(spouse.name)

    await page.locator("#scan").type(codes[0] + "\n", delay=5)
    await expect(page.locator("#o-title")).to_have_text("已签到过")
    await expect(page.locator("#o-detail")).to_contain_text("已经签到过了")
    await page.click("#o-ok")

    await context.set_offline(True)
    await page.locator("#scan").type(codes[1] + "\n", delay=5)
    await expect(page.locator("#status")).to_contain_text("已在手机上保存 1 条")
    await context.set_offline(False)
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    await expect(page.locator("#count")).to_have_text("2")
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    await page.screenshot(path=screenshots() / "checkin.png")
    listed = await activities.attendances(place.village_id, activity.id)
    assert sorted(a.household_id for a in listed) == sorted([first.id, second.id])
    await browser.close()


async def test_a_refusal_in_chinese_then_the_page_in_english_after_switching(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    await running_activity(place)
    household = place.households[0]
    code = await issuing.card_payload(place.village_id, household.id)
    await issuing.reissue_card(CLI_ACTOR, place.village_id, household.id)

    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    await open_checkin(page, server_url, place)
    await expect(page.locator("#scan")).to_have_attribute("placeholder", "请扫描积分卡或付款码")
    await page.locator("#scan").type(code + "\n", delay=5)
    await expect(page.locator("#o-title")).to_have_text("卡已挂失")
    await expect(page.locator("#o-detail")).to_have_text("卡已挂失：此卡已作废，请使用新卡。")
    await expect(page.locator("#o-ok")).to_have_text("知道了")
    await page.click("#o-ok")

    # The language is switched where there is a switch (the shop's header) and holds here too.
    await page.goto(f"{server_url}/shop.html")
    await page.click("#lang")
    await expect(page.locator("#lang")).to_have_text("中文")
    await page.goto(f"{server_url}/checkin.html")
    await expect(page.locator("#desk")).to_be_visible()
    await expect(page.locator("h1")).to_have_text("Volunteer check-in")
    await expect(page.locator("#desk label span")).to_have_text("Activity")
    await expect(page.locator("#camera")).to_have_text("Camera")
    await expect(page.locator("#logout")).to_have_text("Log out")
    await expect(page.locator("#desk .card p").last).to_contain_text("Checked in")
    await expect(page.locator("#scan")).to_have_attribute(
        "placeholder", "Scan a points card or phone code"
    )
    await page.locator("#scan").type(code + "\n", delay=5)
    await expect(page.locator("#o-title")).to_have_text("Card revoked")
    await expect(page.locator("#o-detail")).to_contain_text("reported lost")
    await expect(page.locator("#o-ok")).to_have_text("OK")
    await browser.close()
