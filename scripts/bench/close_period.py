"""Closing a period of 10 000 approved evaluations on PostgreSQL (issue 4).

Setup goes through the services, as a committee would work: a rule book, 500 households, the
proposals entered as batches (25 households × 4 rules × 5 times per batch), every one verified
by a second committee member (入户核实), the period moved to notice. Only then is
:func:`backend.scoring.period_close.close_and_post` timed, with ``now`` past the notice window.
Afterwards the script checks what the close must have done: exactly 10 000 transfers keyed
``evaluation:<id>`` and a ledger chain that verifies. Last line:
``RESULT close_seconds=… evaluations=10000``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, date, datetime, timedelta

from scripts.bench.common import ROOT, bench_env, flush_redis, run_module, scratch_database

HOUSEHOLDS = 500
TIMES = 5
RULES = [  # (category, title, points): rule BM00, BM01, … each applicable TIMES a period
    ("环境卫生", "门前三包，庭院整洁", 5),
    ("孝老爱亲", "赡养老人，孝敬父母", 10),
    ("志愿服务", "参加志愿服务活动", 3),
    ("邻里和睦", "调解邻里纠纷", 2),
]
EVALUATIONS = HOUSEHOLDS * len(RULES) * TIMES
REDIS_DB = 8
VERIFIERS = 4


async def measure() -> None:
    from backend import cache, db
    from backend.audit.services import CLI_ACTOR
    from backend.auth import services as auth
    from backend.auth.principal import Grant, Role
    from backend.ledger.tables import Transfer
    from backend.ledger.verify import verify_village
    from backend.migrations import migrate
    from backend.registry import services as registry
    from backend.scoring import evaluations, period_close, periods, rules
    from backend.scoring.batch import Cell, enter_batch
    from backend.scoring.evaluations import Scorer

    await migrate()
    await db.start()
    began = time.perf_counter()
    town = await registry.create_town(CLI_ACTOR, "基准镇", "BENCH")
    village_id = (
        await registry.create_village(CLI_ACTOR, town.id, name="基准村", code="BENCH1")
    ).id
    scorers: list[Scorer] = []
    for name in ("张委员", "李委员"):
        user_id = await auth.create_user(
            CLI_ACTOR,
            f"bench_{len(scorers)}",
            "bench-password",
            [Grant(Role.committee, village_id=village_id)],
        )
        scorers.append(Scorer(user_id, name, frozenset({"committee"})))
    proposer, verifier = scorers
    terms = [
        rules.NewRule(f"BM{n:02d}", category, title, points, TIMES, False, ("committee",))
        for n, (category, title, points) in enumerate(RULES)
    ]
    book = await rules.adopt_rule_book(CLI_ACTOR, village_id, terms, note="基准测试细则")
    rule_ids = [r.id for r in book.rules]
    households = [
        (
            await registry.create_household(
                CLI_ACTOR, village_id, {"number": f"B{h:04d}", "head_name": f"户主{h}"}, []
            )
        ).id
        for h in range(HOUSEHOLDS)
    ]
    period = await periods.open_period(
        CLI_ACTOR,
        village_id,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    ids: list[int] = []
    for start in range(0, HOUSEHOLDS, 25):
        cells = [Cell(h, r, TIMES) for h in households[start : start + 25] for r in rule_ids]
        ids += (await enter_batch(proposer, village_id, period.id, cells)).evaluation_ids

    async def verify_share(share: list[int]) -> None:
        for evaluation_id in share:
            await evaluations.verify(verifier, village_id, evaluation_id, "入户核实属实")

    await asyncio.gather(*(verify_share(ids[n::VERIFIERS]) for n in range(VERIFIERS)))
    noticed = await periods.start_notice(CLI_ACTOR, village_id, period.id)
    print(
        f"setup: {len(ids)} evaluations proposed, verified and on notice through the services "
        f"in {time.perf_counter() - began:.0f} s"
    )

    assert noticed.notice_ends_at is not None  # set when notice starts
    later = noticed.notice_ends_at + timedelta(minutes=1)
    started = time.perf_counter()
    closed = await period_close.close_and_post(CLI_ACTOR, village_id, period.id, now=later)
    seconds = time.perf_counter() - started
    print(
        f"close_and_post: {closed.posted} posted, {len(closed.blocked)} blocked "
        f"in {seconds:.2f} s ({closed.posted / seconds:.0f} evaluations/s)"
    )

    keys = {
        r["idempotency_key"]
        for r in await Transfer.select(Transfer.idempotency_key)
        .where(Transfer.village == village_id)
        .run()
    }
    assert keys == {f"evaluation:{i}" for i in ids}, f"{len(keys)} transfers, not {len(ids)}"
    assert closed.posted == EVALUATIONS == len(ids)
    problems = await verify_village(village_id)
    assert problems == [], problems[:5]
    print(
        f"checked: {len(keys)} transfers keyed evaluation:<id>, chain verifies "
        f"({datetime.now(UTC):%H:%M} UTC)"
    )
    await db.stop()
    await cache.close()
    print(f"RESULT close_seconds={seconds:.2f} evaluations={len(ids)}")


def main() -> None:
    env = bench_env(
        scratch_database("jifen_bench_close"),
        f"redis://127.0.0.1:6379/{REDIS_DB}",
        ROOT / "var" / "bench-close",
    )
    flush_redis(REDIS_DB)
    run_module("scripts.bench.close_period", env, "measure")


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        asyncio.run(measure())
    else:
        main()
