"""The notice sheet of a closed period, printed again (issue 17, 往期查看): it lists what was on
notice — the lines posted at the close and the one an upheld objection withdrew — while the
villagers' notice list of a closed period stays empty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.boards import services as boards
from backend.scoring import evaluations, objections, period_close, periods, rules
from backend.scoring.evaluations import Scorer
from backend.scoring.notice import notice
from tests.factories import TIDY_YARD, Place, make_place, make_town, make_user


@dataclass(frozen=True)
class PastMonth:
    """October closed with one objection upheld and one overturned, its board published, and
    November open."""

    place: Place
    october: int
    upheld: int
    stood: int


async def past_month() -> PastMonth:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    h1, h2 = place.households
    rule = (await rules.adopt_rule_book(CLI_ACTOR, vid, [TIDY_YARD])).rules[0].id
    committee = Scorer(place.user_ids[Role.committee], "周国平", frozenset({"committee"}))
    second_id, _, _ = await make_user(Role.committee, place)
    checker = Scorer(second_id, "吴桂兰", frozenset({"committee"}))
    villager = Scorer(
        place.user_ids[Role.villager], "王建国", frozenset({"villager"}), household_id=h1.id
    )
    october = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年10月",
        kind="month",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
    )
    [first] = await evaluations.propose(committee, vid, october.id, h1.id, rule)
    [other] = await evaluations.propose(committee, vid, october.id, h2.id, rule)
    for made in (first, other):
        await evaluations.verify(checker, vid, made, note="入户看过")
    noticed = await periods.start_notice(CLI_ACTOR, vid, october.id)
    upheld = await objections.file_objection(villager, vid, other, "她家院子根本没收拾")
    await objections.decide_objection(
        checker, vid, upheld.id, uphold=True, reason="复查属实，撤销这条加分"
    )
    stood = await objections.file_objection(committee, vid, first, "请再核实一次")
    await objections.decide_objection(
        checker, vid, stood.id, uphold=False, reason="复查院子确实整洁，维持"
    )
    assert noticed.notice_ends_at is not None
    await period_close.close_and_post(
        CLI_ACTOR, vid, october.id, now=noticed.notice_ends_at + timedelta(minutes=1)
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
    return PastMonth(place, october.id, other, first)


async def test_a_closed_periods_notice_sheet_lists_what_was_on_notice() -> None:
    month = await past_month()
    vid = month.place.village_id
    again = await notice(vid, month.october, reprint=True)
    assert again.state == "closed"
    assert [(line.evaluation_id, line.objection) for line in again.lines] == [
        (month.stood, "overturned"),
        (month.upheld, "upheld"),
    ]
    assert (await notice(vid, month.october)).lines == []
