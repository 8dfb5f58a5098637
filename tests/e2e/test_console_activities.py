"""Volunteer activities from the console at 1366×768: plan one, start it, finish it, and a
second committee member confirms the list, striking one name with a reason (the organiser may
not confirm their own list); each step asks first, in an in-page dialog."""

from __future__ import annotations

from datetime import date

from playwright.async_api import ViewportSize, expect

from backend.activities import services as activities
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing
from backend.scoring import evaluations, periods, rules
from backend.scoring.evaluations import Scorer
from backend.scoring.rules import NewRule
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import make_place, make_town, make_user, unique

PC: ViewportSize = {"width": 1366, "height": 768}
# The clerk types times on a village PC, whose clock shows Beijing time (the tests' Chromium
# would otherwise run in the machine's UTC).
BEIJING = "Asia/Shanghai"
VOLUNTEER = NewRule(
    code="ZY01",
    category="志愿服务",
    title="参加志愿服务活动",
    points=3,
    cap=4,
    evidence_required=False,
    proposers=("committee",),
)


async def test_plan_start_finish_and_confirm_an_activity(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    await rules.adopt_rule_book(CLI_ACTOR, vid, [VOLUNTEER])
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年12月",
        kind="month",
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
    )
    _, _, second = await make_user(Role.committee, place)
    browser = await launch_browser()
    page = await browser.new_page(viewport=PC, locale="zh-CN", timezone_id=BEIJING)
    await log_in_at(page, server_url, "console.html", place.usernames[Role.committee], "#app")
    await page.click("#tabs button[data-tab=activities]")
    await expect(page.locator("#activities")).to_have_attribute("aria-busy", "false")
    dialog = page.locator("dialog.in-page")

    form = page.locator("#activity-form")
    await form.get_by_label("活动", exact=True).fill("村道清扫")
    await form.get_by_label("地点", exact=True).fill("村委会门口")
    await form.get_by_label("开始", exact=True).fill("2026-12-01T08:00")
    await form.get_by_label("结束", exact=True).fill("2026-12-01T20:00")
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#activity-result")).to_have_text("活动已发布。")
    row = page.locator("#activity-list tr", has_text="村道清扫")
    await expect(row).to_contain_text("未开始")
    await expect(row).to_contain_text("ZY01 +3")

    await row.get_by_role("button", name="开始签到").click()
    await dialog.get_by_role("button", name="确定").click()
    await expect(row).to_contain_text("进行中")
    [activity] = await activities.activities(vid, None)
    organiser = Scorer(
        user_id=place.user_ids[Role.committee], name="organiser", roles=frozenset({"committee"})
    )
    for household in place.households:  # two households scanned on the organiser's phone
        code = await issuing.card_payload(vid, household.id)
        await activities.check_in(
            organiser, vid, activity.id, activities.Scan(code, unique("scan"))
        )
    await page.click("#tabs button[data-tab=activities]")
    await expect(row).to_contain_text("进行中")
    await row.get_by_role("button", name="结束活动").click()
    await expect(dialog).to_contain_text("生成待核实的评分")
    await dialog.get_by_role("button", name="确定").click()
    await expect(row).to_contain_text("待确认")

    # The organiser may not confirm their own list: said inside the dialog.
    await row.get_by_role("button", name="确认名单").click()
    await dialog.get_by_role("button", name="确定").click()
    await expect(dialog.locator(".field-error").last).to_be_visible()
    await dialog.get_by_role("button", name="取消").click()

    other = await browser.new_page(viewport=PC, locale="zh-CN", timezone_id=BEIJING)
    await log_in_at(other, server_url, "console.html", second, "#app")
    await other.click("#tabs button[data-tab=activities]")
    theirs = other.locator("#activity-list tr", has_text="村道清扫")
    await theirs.get_by_role("button", name="确认名单").click()
    confirm = other.locator("dialog.in-page")
    await expect(confirm).to_contain_text("共 2 户签到")
    struck = place.households[1]
    await confirm.get_by_label(f"划去 {struck.number}", exact=False).check()
    await confirm.get_by_role("button", name="确定").click()
    await expect(
        confirm.locator("label", has_text="划去的理由").locator(".field-error")
    ).to_have_text("请写明划去的理由。")
    await confirm.get_by_label("划去的理由").fill("只来了十分钟")
    await other.screenshot(path=screenshots() / "console-activity-confirm.png")
    await confirm.get_by_role("button", name="确定").click()
    await expect(theirs).to_contain_text("已确认")
    await other.screenshot(path=screenshots() / "console-activities.png")
    states = {
        e.household_id: e.state
        for e in await evaluations.evaluations(vid, period.id)
        if e.rule_code == "ZY01"
    }
    assert states[place.households[0].id] == "verified"  # the confirmation is the check
    assert states.get(struck.id) in (None, "rejected")
    await browser.close()
