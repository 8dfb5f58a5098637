"""The committee's held-deductions screen (暂缓扣分) in Chromium: one deduction posted once the
balance allows, another waived with its reason (in the audit log)."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.async_api import expect

from backend import clock
from backend.audit import services as audit
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.ledger import services as ledger
from backend.scoring import evaluations, period_close, periods, rules
from backend.scoring.evaluations import Scorer
from tests.e2e.conftest import Launch, committee_page, screenshots
from tests.factories import make_place, make_town, make_user, unique
from tests.scoring.conftest import RULE_TERMS


async def test_held_deductions_are_posted_or_waived_from_the_console(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    book = await rules.adopt_rule_book(CLI_ACTOR, vid, RULE_TERMS)
    clutter = next(r.id for r in book.rules if r.code == "HJ02")
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    proposer = Scorer(place.user_ids[Role.committee], "张委员", frozenset({"committee"}))
    checker_id, _, _ = await make_user(Role.committee, place)
    checker = Scorer(checker_id, "李委员", frozenset({"committee"}))
    first, second = place.households
    for household in (first, second):
        [made] = await evaluations.propose(proposer, vid, period.id, household.id, clutter)
        await evaluations.verify(checker, vid, made)
    await periods.start_notice(CLI_ACTOR, vid, period.id)
    closed = await period_close.close_and_post(
        CLI_ACTOR, vid, period.id, now=clock.now() + timedelta(days=30)
    )
    assert len(closed.blocked) == 2
    await ledger.award(CLI_ACTOR, vid, first.id, 5, key=unique("gift"), reason="测试")

    browser = await launch_browser()
    page = await committee_page(browser, server_url, place.usernames[Role.committee])
    await page.click("#tabs button[data-tab=held]")
    rows = page.locator("#held-list li")
    await expect(rows).to_have_count(2)
    mine = rows.filter(has_text=first.head_name)
    theirs = rows.filter(has_text=second.head_name)
    await expect(mine).to_contain_text("扣 2 分 · 现有 5 分")
    await expect(theirs).to_contain_text("余额不足，继续暂缓")
    await expect(theirs.get_by_role("button", name="立即扣分")).to_be_disabled()
    await page.screenshot(path=screenshots() / "console-held.png", full_page=True)

    await mine.get_by_role("button", name="立即扣分").click()
    await expect(rows).to_have_count(1)
    assert await ledger.balance(vid, first.id) == 3
    await theirs.locator("input[name=reason]").fill("家中老人住院，本期免扣")
    await theirs.get_by_role("button", name="免予扣分").click()
    await expect(page.locator("#held-empty")).to_be_visible()
    assert await ledger.balance(vid, second.id) == 0
    entries, _ = await audit.entries(village_id=vid, page=1, page_size=100)
    assert [e["after"]["reason"] for e in entries if e["action"] == "evaluation.waive"] == [
        "家中老人住院，本期免扣"
    ]
    await browser.close()
