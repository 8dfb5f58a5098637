"""A villager signs the household up for a volunteer activity from the phone page (报名)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import timedelta

from playwright.async_api import Route, expect

from backend import clock
from backend.activities import services as activities
from backend.activities import signups
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import pin_changes
from backend.registry import services as registry
from tests.e2e.conftest import Launch, screenshots, villager_page
from tests.factories import CLEAN_UP, make_place, make_town, open_month


@dataclass(frozen=True)
class Planned:
    """A village with an open period and one activity open for sign-up in two days."""

    village_id: int
    village_code: str
    activity_id: int
    household_id: int
    number: str
    pin: str


async def planned_activity() -> Planned:
    place = await make_place((await make_town()).id)
    visit = replace(CLEAN_UP, code="ZY02", title="看望孤寡老人")
    month = await open_month(place, visit, role=Role.grid_officer, name="网格员")
    soon = clock.now() + timedelta(days=2)
    activity = await activities.create_activity(
        month.scorer,
        place.village_id,
        {
            "title": "重阳节看望老人",
            "rule_id": month.book.rules[0].id,
            "place": "敬老院",
            "starts_at": soon,
            "ends_at": soon + timedelta(hours=3),
            "signup": True,
        },
    )
    household = place.households[1]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "1357")
    return Planned(
        place.village_id,
        (await registry.village(place.village_id)).code,
        activity.id,
        household.id,
        household.number,
        "1357",
    )


async def test_a_villager_signs_up_from_the_phone(server_url: str, launch_browser: Launch) -> None:
    planned = await planned_activity()
    browser = await launch_browser()
    page = await villager_page(browser, server_url, planned.village_id, planned.number, planned.pin)
    await page.click("nav button[data-tab=activities]")
    entry = page.locator("#activity-list li", has_text="重阳节看望老人")
    await expect(entry).to_be_visible()
    await entry.get_by_role("button", name="报名").click()
    await expect(entry.get_by_role("button")).to_have_text("已报名")
    listed = await signups.signups(planned.village_id, planned.activity_id)
    assert [s.household_id for s in listed] == [planned.household_id]
    await browser.close()


async def test_a_tab_tapped_while_the_page_still_loads_stays_open(
    server_url: str, launch_browser: Launch
) -> None:
    """On a slow phone the villager taps 活动 before the summary has loaded; when it lands the
    page must not switch back to 首页 under their finger (the 报名 button vanished: issue 23).

    The summary's last request (the periods) is held until the list is on screen, which is what
    a loaded machine did to CI at random."""
    planned = await planned_activity()
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    release = asyncio.Event()

    async def slow_periods(route: Route) -> None:
        await release.wait()
        await route.continue_()

    await page.route("**/api/v1/villages/*/periods", slow_periods)
    await page.goto(f"{server_url}/me.html")
    await page.fill("input[name=village]", planned.village_code)
    await page.fill("input[name=number]", planned.number)
    await page.fill("input[name=pin]", planned.pin)
    await page.click("#login button[type=submit]")
    await page.click("nav button[data-tab=activities]")
    entry = page.locator("#activity-list li", has_text="重阳节看望老人")
    await expect(entry).to_be_visible()
    release.set()
    # The period filter is filled in the same turn as the summary ends: once it shows the
    # period, whatever the page does after the summary has been done.
    await expect(page.locator("#period-filter option")).to_have_count(2)
    await expect(page.locator("#activities")).to_be_visible()
    await expect(page.locator("nav button[data-tab=activities]")).to_have_class("active")
    await entry.get_by_role("button", name="报名").click()
    await expect(entry.get_by_role("button")).to_have_text("已报名")
    await page.screenshot(path=screenshots() / "villager-signup-slow.png")
    listed = await signups.signups(planned.village_id, planned.activity_id)
    assert [s.household_id for s in listed] == [planned.household_id]
    await browser.close()
