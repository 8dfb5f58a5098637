"""A villager signs the household up for a volunteer activity from the phone page (报名)."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.async_api import expect

from backend import clock
from backend.activities import services as activities
from backend.activities import signups
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import services as cards
from backend.scoring import periods, rules
from backend.scoring.evaluations import Scorer
from tests.e2e.conftest import Launch, villager_page
from tests.factories import make_place, make_town


async def test_a_villager_signs_up_from_the_phone(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town())["id"])
    book = await rules.adopt_rule_book(CLI_ACTOR, place.village_id, [
        {"code": "ZY02", "category": "志愿服务", "title": "看望孤寡老人", "points": 3, "cap": 4,
         "evidence_required": False, "proposers": ["committee", "grid_officer"]},
    ])
    await periods.open_period(CLI_ACTOR, place.village_id, name="2026年11月", kind="month",
                              starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30))
    organiser = Scorer(place.user_ids[Role.grid_officer], "网格员", frozenset({"grid_officer"}))
    soon = clock.now() + timedelta(days=2)
    activity = await activities.create_activity(organiser, place.village_id, {
        "title": "重阳节看望老人", "rule_id": book["rules"][0]["id"], "place": "敬老院",
        "starts_at": soon, "ends_at": soon + timedelta(hours=3), "signup": True,
    })
    household = place.households[1]
    await cards.set_pin(CLI_ACTOR, place.village_id, household["id"], "1357")

    browser = await launch_browser()
    page = await villager_page(browser, server_url, place.village_id, household["number"], "1357")
    await page.click("nav button[data-tab=activities]")
    entry = page.locator("#activity-list li", has_text="重阳节看望老人")
    await expect(entry).to_be_visible()
    await entry.get_by_role("button", name="报名").click()
    await expect(entry.get_by_role("button")).to_have_text("已报名")
    listed = await signups.signups(place.village_id, activity["id"])
    assert [s["household_id"] for s in listed] == [household["id"]]
    await browser.close()
