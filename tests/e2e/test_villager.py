"""The villager's page on a phone-sized screen: log in with 户号 + PIN, see the points, the stars
and the latest red/black board, read the history of one period, show the 60-second code — and a
kiosk sale paid with that code goes through."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import zxingcpp
from PIL import Image
from playwright.async_api import Browser, Page, expect

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.boards import services as boards
from backend.cards import pin_changes, pins
from backend.ledger import services as ledger
from backend.registry.records import HouseholdRecord
from backend.scoring import evaluations, period_close, periods
from backend.scoring.evaluations import Scorer
from backend.shop import redemption_services
from tests.e2e.conftest import Launch, screenshots, villager_page
from tests.e2e.test_villager_live import code_drawn
from tests.factories import (
    CARING,
    TIDY_YARD,
    Place,
    make_place,
    make_town,
    make_user,
    open_month,
    stocked_place,
    unique,
)


async def test_villager_logs_in_shows_the_phone_code_and_pays_with_it(
    server_url: str, launch_browser: Launch
) -> None:
    place = await stocked_place(60)
    household = place.households[0]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "2580")
    browser = await launch_browser()
    page = await villager_page(browser, server_url, place.village_id, household.number, "2580")
    await expect(page.locator("#balance")).to_have_text("60")
    await expect(page.locator("#head")).to_have_text(household.head_name)
    await page.click("nav button[data-tab=history]")
    await expect(page.locator("#lines li")).to_have_count(1)

    await page.click("nav button[data-tab=pay]")
    code = page.locator("#code")
    await expect(code).to_have_attribute("data-payload", re.compile(r"^JF2:"))
    await code_drawn(page)
    await page.screenshot(path=screenshots() / "villager-code.png")
    picture = Image.open(io.BytesIO(await code.screenshot()))
    [decoded] = zxingcpp.read_barcodes(picture)
    assert decoded.text == await code.get_attribute("data-payload")

    receipt = await redemption_services.redeem(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        decoded.text,
        [redemption_services.Line(place.product_id, 2)],
        key=unique("p"),
    )
    assert receipt.balance_after == 40
    assert await ledger.balance(place.village_id, household.id) == 40

    await page.click("nav button[data-tab=history]")
    await page.reload()
    await expect(page.locator("#balance")).to_have_text("40")
    await page.click("#elder")
    await expect(page.locator("body")).to_have_class("elder")
    await page.reload()
    await expect(page.locator("body")).to_have_class("elder")
    await browser.close()


async def scored_month(place: Place, marks: dict[int, list[str]]) -> None:
    """October scored by rule code per household (by index), verified by a second member,
    noticed, closed and posted, its board published; then November opened."""
    vid = place.village_id
    scored = await open_month(place, CARING, TIDY_YARD, month=10)
    rule = {r.code: r.id for r in scored.book.rules}
    october, proposer = scored.period, scored.scorer
    checker_id, _, _ = await make_user(Role.committee, place)
    checker = Scorer(checker_id, "李委员", frozenset({"committee"}))
    for index, codes in marks.items():
        for code in codes:
            [evaluation_id] = await evaluations.propose(
                proposer, vid, october.id, place.households[index].id, rule[code]
            )
            await evaluations.verify(checker, vid, evaluation_id)
    await periods.start_notice(CLI_ACTOR, vid, october.id)
    await period_close.close_and_post(
        CLI_ACTOR, vid, october.id, now=clock.now() + timedelta(days=30)
    )
    await boards.publish(CLI_ACTOR, vid, october.id)
    await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )


async def test_home_shows_the_stars_and_the_board_and_history_filters_by_period(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    household = place.households[0]
    await scored_month(place, {0: ["XL01", "HJ01"], 1: ["HJ01"]})
    await ledger.award(
        CLI_ACTOR, place.village_id, household.id, 7, key=unique("g"), reason="春节慰问"
    )
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "2580")
    browser = await launch_browser()
    page = await villager_page(browser, server_url, place.village_id, household.number, "2580")

    await expect(page.locator("#star-row")).to_have_text("★☆☆☆☆")
    await expect(page.locator("#star-period")).to_have_text("（2026年10月）")
    await expect(page.locator("#star-categories")).to_have_text("得星类别：孝老爱亲")
    await expect(page.locator("#board-period")).to_have_text("2026年10月")
    await expect(page.locator("#board-red li")).to_have_count(2)
    await expect(page.locator("#board-red li.mine .name")).to_have_text("王建国")
    await expect(page.locator("#board-red li.mine .rank")).to_have_text("第1名")
    await expect(page.locator("#board-empty")).to_be_hidden()

    await page.click("nav button[data-tab=history]")
    await expect(page.locator("#lines li")).to_have_count(3)
    await page.select_option("#period-filter", label="2026年10月")
    await expect(page.locator("#lines li")).to_have_count(2)
    await expect(page.locator("#lines li", has_text="春节慰问")).to_have_count(0)
    await page.select_option("#period-filter", label="2026年11月")
    await expect(page.locator("#history-empty")).to_be_visible()
    await page.select_option("#period-filter", value="")
    await expect(page.locator("#lines li")).to_have_count(3)

    await page.click("#lang")
    await expect(page.locator("nav button[data-tab=home]")).to_have_text("Home")
    await expect(page.locator("#star-categories")).to_have_text("Stars for: 孝老爱亲")
    await expect(page.locator("#home h2").first).to_have_text("Five-star household")
    await page.click("nav button[data-tab=history]")
    await expect(page.locator("#period-filter option").first).to_have_text("All")
    await browser.close()


async def new_villager(
    server_url: str, launch_browser: Launch
) -> tuple[Place, HouseholdRecord, Browser, Page]:
    """A fresh village with a shop, and its first household logged in on a phone (PIN 2580)."""
    place = await stocked_place(10)
    household = place.households[0]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "2580")
    browser = await launch_browser()
    page = await villager_page(browser, server_url, place.village_id, household.number, "2580")
    return place, household, browser, page


async def test_home_says_so_when_there_is_no_board_and_no_stars_yet(
    server_url: str, launch_browser: Launch
) -> None:
    _place, _household, browser, page = await new_villager(server_url, launch_browser)
    await expect(page.locator("#board-empty")).to_have_text("还没有发布的红黑榜。")
    await expect(page.locator("#board-lists")).to_be_hidden()
    await expect(page.locator("#star-period")).to_have_text("还没有公示或结束的评议周期。")
    await page.click("#lang")
    await expect(page.locator("#board-empty")).to_have_text("No board has been published yet.")
    await expect(page.locator("#star-period")).to_have_text("No period on notice or closed yet.")
    for selector, words in (("#board-lists h3.red", "Red board"), ("label.filter span", "Period")):
        await expect(page.locator(selector)).to_have_text(words)  # shared with the console
    await browser.close()


async def test_a_villager_changes_the_pin_with_the_current_one(
    server_url: str, launch_browser: Launch
) -> None:
    place, household, browser, page = await new_villager(server_url, launch_browser)
    await page.click("#pin-change summary")
    form = page.locator("#pin-form")
    await form.locator("input[name=current]").fill("1111")
    await form.locator("input[name=new_pin]").fill("7531")
    await form.locator("input[name=repeat]").fill("7530")
    await form.locator("button").click()
    await expect(page.locator("#pin-message")).to_have_text("两次输入的新 PIN 不一样。")
    await form.locator("input[name=repeat]").fill("7531")
    await form.locator("button").click()
    await expect(page.locator("#pin-message")).to_have_text("PIN 错误，还可以再试 4 次。")
    await form.locator("input[name=current]").fill("2580")
    await form.locator("button").click()
    await expect(page.locator("#pin-message")).to_have_text("新 PIN 已保存，下次请用新 PIN 登录。")
    await pins.check_pin(place.village_id, household.id, "7531")  # the new one holds
    await browser.close()
