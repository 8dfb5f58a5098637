"""A past month for the demo: October scored, checked, on notice, closed, posted to the ledger
and its red/black board published — so the notice board, the poster and every villager's
history show a real month from the start."""

from __future__ import annotations

import random
from datetime import date, timedelta

from backend.boards import services as boards
from backend.scoring import evaluations, period_close, periods
from backend.scoring.errors import OverCap
from backend.scoring.evaluations import Scorer


async def past_month_with_board(
    village_id: int,
    households: list[int],
    rule_ids: list[int],
    proposers: list[Scorer],
    checker: Scorer,
) -> int:
    """Score October, close it and publish its board; returns the board's id."""
    committee = checker.actor  # the committee did the month: its name on the board, not "cli"
    period = await periods.open_period(
        committee,
        village_id,
        name="2026年10月",
        kind="month",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
    )
    rng = random.Random(2026_10)
    for n in range(60):
        household = rng.choice(households[1:])
        rule = rng.choice(rule_ids)
        try:
            [evaluation_id] = await evaluations.propose(
                proposers[n % len(proposers)],
                village_id,
                period.id,
                household,
                rule,
                note=rng.choice(["巡查发现", "群众反映", "村民代表推荐"]),
            )
        except OverCap:
            continue  # a draw over the rule's cap is simply not entered
        await evaluations.verify(checker, village_id, evaluation_id, note="入户核实属实")
    noticed = await periods.start_notice(committee, village_id, period.id)
    assert noticed.notice_ends_at is not None  # set when notice starts
    await period_close.close_and_post(
        committee, village_id, period.id, now=noticed.notice_ends_at + timedelta(minutes=1)
    )
    board = await boards.publish(committee, village_id, period.id)
    return board.id
