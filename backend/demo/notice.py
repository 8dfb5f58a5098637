"""The second demo village's month at the other end (东黄须村): October closed with one deduction
held back by the balance floor (暂缓扣分, waiting for the committee's decision), and November on
notice (公示) — its public list on every villager's phone and the hall screen — with one
villager's objection to a neighbour's line waiting for an answer.

西黄须村 shows a month being scored; this one shows what comes after, so every screen of the
console has something to show in the demo.
"""

from __future__ import annotations

from datetime import date, timedelta

from backend.audit.services import CLI_ACTOR, Actor
from backend.demo.scoring import village_with_rule_book
from backend.demo.staff import staff_actor, staff_scorer
from backend.ledger import services as ledger
from backend.scoring import evaluations, objections, period_close, periods
from backend.scoring.evaluations import Scorer

HELD_RULE = "ZF03"  # 违法违规受到处理, -20: more than the poorest household holds
OCTOBER_AWARD = "HJ01"  # the neighbour's award a villager objected to in October's notice
NOVEMBER = [  # (household's place in the roster, rule)
    (1, "HJ01"),
    (2, "XL01"),
    (3, "HJ03"),
    (4, "LL01"),
    (5, "YF01"),
    (6, "HJ04"),
    (7, "ZF01"),
    (8, "LL02"),
    (9, "HJ01"),
    (10, "ZF02"),
    (11, "YF02"),
    (12, "XL02"),
]
OBJECTED = 3  # the villager objects to the third line (柴草杂物乱堆乱放)
OBJECTION = "这家的柴草上周已经清走了，请村委再去看看"


async def load_notice_demo(village_code: str = "DHX") -> None:
    vid, by_code, households = await village_with_rule_book(village_code)
    prefix = village_code.lower()
    proposer = await staff_scorer(f"{prefix}_committee", "committee")
    checker = await staff_scorer(f"{prefix}_committee2", "committee")
    await october_with_a_held_deduction(
        vid, households, by_code, proposer, checker, await staff_actor(f"{prefix}_villager")
    )
    await november_on_notice(
        vid, households, by_code, proposer, checker, await staff_actor(f"{prefix}_villager")
    )


async def october_with_a_held_deduction(
    vid: int,
    households: list[int],
    by_code: dict[str, int],
    proposer: Scorer,
    checker: Scorer,
    villager: Actor,
) -> None:
    """October closed; the poorest household's -20 is more than its balance, so it is held.
    A villager's objection to a neighbour's award was decided during its notice (overturned,
    with the reason), so 往期查看 has a notice decision to show."""
    balances = {h: await ledger.balance(vid, h) for h in households[1:]}
    poorest = min(balances, key=lambda h: (balances[h], h))
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年10月",
        kind="month",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
    )
    [made] = await evaluations.propose(
        proposer,
        vid,
        period.id,
        poorest,
        by_code[HELD_RULE],
        note="派出所通报：违规焚烧垃圾受到处理",
    )
    neighbour = next(h for h in households[1:] if h != poorest)
    [award] = await evaluations.propose(
        proposer, vid, period.id, neighbour, by_code[OCTOBER_AWARD], note="巡查发现"
    )
    for evaluation_id in (made, award):
        await evaluations.verify(checker, vid, evaluation_id, note="入户核实属实")
    noticed = await periods.start_notice(CLI_ACTOR, vid, period.id)
    objector = Scorer(
        villager.user_id,
        villager.name,
        frozenset({"villager"}),
        household_id=households[0],
        address="demo",
    )
    filed = await objections.file_objection(objector, vid, award, "他家门口还是堆着柴草")
    await objections.decide_objection(
        checker,
        vid,
        filed.id,
        uphold=False,
        reason="入户复查：柴草已移到后院棚里，门前整洁，维持加分",
    )
    assert noticed.notice_ends_at is not None  # set when notice starts
    closed = await period_close.close_and_post(
        CLI_ACTOR, vid, period.id, now=noticed.notice_ends_at + timedelta(minutes=1)
    )
    assert closed.blocked == [made], "the demo's held deduction must be held"


async def november_on_notice(
    vid: int,
    households: list[int],
    by_code: dict[str, int],
    proposer: Scorer,
    checker: Scorer,
    villager: Actor,
) -> None:
    """November scored, verified and on notice; the first household's villager objects."""
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    made = []
    for place, code in NOVEMBER:
        [evaluation_id] = await evaluations.propose(
            proposer, vid, period.id, households[place], by_code[code], note="巡查发现"
        )
        await evaluations.verify(checker, vid, evaluation_id, note="入户核实属实")
        made.append(evaluation_id)
    await periods.start_notice(CLI_ACTOR, vid, period.id)
    objector = Scorer(
        villager.user_id,
        villager.name,
        frozenset({"villager"}),
        household_id=households[0],
        address="demo",
    )
    await objections.file_objection(objector, vid, made[OBJECTED - 1], OBJECTION)
