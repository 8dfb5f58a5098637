"""公示 on villagers' phones: a villager reads another household's line on notice and objects to
it; after the committee's decision and the close, the decision and its reason are in both
households' history — the objector's own, and the household objected to, which is not told who."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.async_api import expect

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.boards.public import mask
from backend.cards import pin_changes
from backend.registry import services as registry
from backend.scoring import evaluations, objections, period_close, periods, rules
from backend.scoring.evaluations import Scorer
from tests.e2e.conftest import Launch, screenshots, villager_page
from tests.e2e.test_villager_live import SMALL_TEXTS
from tests.factories import make_place, make_town, make_user
from tests.scoring.conftest import RULE_TERMS


async def test_a_villager_objects_to_a_neighbours_line_and_both_read_the_decision(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    objector, neighbour = place.households
    book = await rules.adopt_rule_book(CLI_ACTOR, vid, RULE_TERMS)
    filial = next(r.id for r in book.rules if r.code == "XL01")
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年11月",
        kind="month",
        starts_on=datetime(2026, 11, 1).date(),
        ends_on=datetime(2026, 11, 30).date(),
    )
    proposer = Scorer(place.user_ids[Role.committee], "张委员", frozenset({"committee"}))
    checker_id, _, _ = await make_user(Role.committee, place)
    checker = Scorer(checker_id, "李委员", frozenset({"committee"}))
    [evaluation_id] = await evaluations.propose(proposer, vid, period.id, neighbour.id, filial)
    await evaluations.verify(checker, vid, evaluation_id)
    await periods.start_notice(CLI_ACTOR, vid, period.id)
    for household in place.households:
        await pin_changes.set_pin(CLI_ACTOR, vid, household.id, "2580")

    browser = await launch_browser()
    phone = await villager_page(browser, server_url, vid, objector.number, "2580")
    await phone.click("nav button[data-tab=notice]")
    theirs = phone.locator("#pending li", has_text=neighbour.head_name)
    await expect(theirs).to_have_count(1)
    await expect(theirs).to_contain_text("赡养老人")
    await expect(theirs).to_contain_text("核实人：李委员")
    await expect(phone.locator("#pending li.heading")).to_contain_text("2026年11月 公示到")

    await theirs.locator("button").click()  # the reason is asked in the page's own dialog
    asked = phone.locator("dialog.in-page")
    await asked.get_by_label("请写明异议理由").fill("老人一直是女儿照顾的")
    await asked.get_by_role("button", name="提出异议").click()
    await expect(theirs.locator("button")).to_have_text("已提异议：待村委答复")
    await phone.screenshot(path=screenshots() / "villager-notice.png", full_page=True)
    await phone.click("#elder")  # elder mode (大字) on the notice tab, its lines and buttons
    await expect(phone.locator("body")).to_have_class("elder")
    assert await phone.evaluate(SMALL_TEXTS) == []
    await phone.screenshot(path=screenshots() / "villager-elder-notice.png", full_page=True)

    hall = await browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    code = (await registry.village(vid)).code
    await hall.goto(f"{server_url}/board.html?village={code}")
    await expect(hall.locator("#notice-box")).to_be_visible()
    await expect(hall.locator("#notice-title")).to_contain_text("2026年11月 公示（至")
    await expect(hall.locator("#notice li")).to_have_count(1)
    await expect(hall.locator("#notice li")).to_contain_text(mask(neighbour.head_name))
    await expect(hall.locator("#notice li")).to_contain_text("赡养老人")
    await expect(hall.locator("#top-box")).to_be_hidden()
    await hall.screenshot(path=screenshots() / "board-hall-notice.png")

    [filed] = await objections.objections(vid, period.id)
    assert filed.filer_name  # the committee sees who objected
    await objections.decide_objection(
        checker, vid, filed.id, uphold=False, reason="入户核实：老人由本户赡养，评分成立"
    )
    await period_close.close_and_post(
        CLI_ACTOR, vid, period.id, now=clock.now() + timedelta(days=30)
    )

    for household, who in (
        (objector, f"我对{neighbour.head_name}家提的异议"),
        (neighbour, "有人对我家提的异议"),
    ):
        page = await villager_page(browser, server_url, vid, household.number, "2580")
        await page.click("nav button[data-tab=history]")
        decision = page.locator("#decisions li")
        await expect(decision).to_have_count(1)
        await expect(decision).to_contain_text("异议不成立，评分保留")
        await expect(decision).to_contain_text("入户核实：老人由本户赡养，评分成立")
        await expect(decision).to_contain_text(who)
        await expect(decision).not_to_contain_text(filed.filer_name)
        await page.screenshot(
            path=screenshots() / f"villager-decision-{household.number}.png", full_page=True
        )
        await page.click("#elder")  # and the decisions list in elder mode
        await expect(page.locator("body")).to_have_class("elder")
        assert await page.evaluate(SMALL_TEXTS) == []
    await browser.close()
