"""Closing a period posts exactly the approved evaluations to the ledger, once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.ledger import services as ledger
from backend.ledger.verify import verify_village
from backend.registry import services as registry
from backend.scoring import evaluations, objections, period_close, periods
from backend.scoring.evaluations import Scorer
from tests.factories import CARING, TIDY_YARD, make_place, make_town, open_month

LATER = clock.now() + timedelta(days=30)


async def test_close_posts_approved_points_once_and_resumes_held_ones() -> None:
    place = await make_place((await make_town()).id)
    month = await open_month(
        place,
        replace(CARING, title="照顾老人", cap=2),
        replace(TIDY_YARD, code="HJ09", title="乱堆乱放", points=-2, cap=2),
    )
    care, mess = (r.id for r in month.book.rules)
    period, first = month.period, month.scorer
    second = Scorer(None, "李委员", frozenset({"committee"}))
    a, b = (h.id for h in place.households)
    ids = [
        *await evaluations.propose(first, place.village_id, period.id, a, care),
        *await evaluations.propose(first, place.village_id, period.id, a, mess),
        *await evaluations.propose(first, place.village_id, period.id, b, care),
    ]
    for evaluation_id in ids:
        await evaluations.verify(second, place.village_id, evaluation_id)
    await periods.start_notice(CLI_ACTOR, place.village_id, period.id)
    held = await objections.file_objection(first, place.village_id, ids[2], "不属实")

    closed = await period_close.close_and_post(CLI_ACTOR, place.village_id, period.id, now=LATER)
    assert closed.state == "closed" and closed.posted == 2
    assert await ledger.earned(place.village_id, a, period.id) == 8
    assert await ledger.earned(place.village_id, b) == 0
    statement, _total = await ledger.statement(place.village_id, a)
    assert any(
        "照顾老人" in line["reason"] and "李委员入户核实" in line["reason"] for line in statement
    )

    again = await period_close.close_and_post(CLI_ACTOR, place.village_id, period.id, now=LATER)
    assert again.posted == 0
    assert await ledger.earned(place.village_id, a) == 8

    await objections.decide_objection(
        first, place.village_id, held.id, uphold=False, reason="核实属实"
    )
    resumed = await period_close.close_and_post(CLI_ACTOR, place.village_id, period.id, now=LATER)
    assert resumed.posted == 1
    assert await ledger.earned(place.village_id, b, period.id) == 10
    assert await verify_village(place.village_id) == []


async def test_a_deduction_beyond_the_balance_waits_on_notice_where_balances_stay_positive() -> (
    None
):
    place = await make_place((await make_town()).id)
    month = await open_month(
        place,
        replace(TIDY_YARD, code="YF01", category="移风易俗", title="高价彩礼", points=-10, cap=1),
    )
    book, period, first = month.book, month.period, month.scorer
    household = place.households[0].id
    [held] = await evaluations.propose(
        first, place.village_id, period.id, household, book.rules[0].id
    )
    await evaluations.verify(
        Scorer(None, "李委员", frozenset({"committee"})), place.village_id, held
    )
    await periods.start_notice(CLI_ACTOR, place.village_id, period.id)
    closed = await period_close.close_and_post(CLI_ACTOR, place.village_id, period.id, now=LATER)
    assert (closed.posted, closed.blocked) == (0, [held])
    assert await ledger.balance(place.village_id, household) == 0
    await registry.update_village(CLI_ACTOR, place.village_id, {"allow_negative_balance": True})
    again = await period_close.close_and_post(CLI_ACTOR, place.village_id, period.id, now=LATER)
    assert (again.posted, again.blocked) == (1, [])
    assert await ledger.balance(place.village_id, household) == -10
