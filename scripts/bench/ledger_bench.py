"""Benchmark: transfers/s posted through the ledger service on PostgreSQL, against pgbench.

Scratch databases on 127.0.0.1:5432 (trust auth, user postgres): ``jifen_bench_ledger`` for the
ledger, ``jifen_bench_pgbench`` for pgbench. 20 villages with households; 8 concurrent writers
(coroutines in ``PROCESSES`` app processes on uvloop, as ``jifen serve`` runs; on 2 cores one
process measured best) post awards through :func:`backend.ledger.services.award` for
``SECONDS``; then ``pgbench -i -s 10`` and ``pgbench -c 8 -j 2 -T 15`` on the same server. The
last line is ``RESULT ledger_tps=… pgbench_tps=… ratio=…``. Not a test: no pass/fail.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import tempfile
import time
import uuid

from scripts.bench.common import analyze, pgbench_baseline, scratch_database

LEDGER_DB = "jifen_bench_ledger"
VILLAGES, HOUSEHOLDS, WRITERS, PROCESSES, SECONDS = 20, 25, 8, 1, 15.0


def configure() -> None:
    """Point the app at the scratch database before ``backend`` is imported."""
    os.environ["JIFEN_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{LEDGER_DB}"
    os.environ["JIFEN_REDIS_URL"] = "memory://"
    os.environ.setdefault("JIFEN_VAR_DIR", tempfile.mkdtemp(prefix="jifen-bench-"))


async def build_township() -> list[tuple[int, list[int]]]:
    from backend import db
    from backend.audit.services import CLI_ACTOR
    from backend.ledger import services as ledger
    from backend.migrations import migrate
    from backend.registry import services as registry

    await migrate()
    await db.start()
    town = await registry.create_town(CLI_ACTOR, "压测镇", "BENCH")
    villages = []
    for v in range(VILLAGES):
        village = await registry.create_village(CLI_ACTOR, town.id, name=f"压测{v}村", code=f"B{v}")
        households = [
            (
                await registry.create_household(
                    CLI_ACTOR, village.id, {"number": f"H{n}", "head_name": "压测户"}, []
                )
            ).id
            for n in range(HOUSEHOLDS)
        ]
        for household in households:  # open every account, as a village that is in use has
            await ledger.award(
                CLI_ACTOR, village.id, household, 1, key=f"open:{household}", reason="开户"
            )
        villages.append((village.id, households))
    await db.stop()
    return villages


async def write_for(villages: list[tuple[int, list[int]]], writers: int, start_at: float) -> int:
    from backend import db
    from backend.audit.services import CLI_ACTOR
    from backend.ledger import services as ledger

    await db.start()
    rng = random.Random()
    await asyncio.sleep(max(0.0, start_at - time.time()))
    deadline = time.time() + SECONDS

    async def writer() -> int:
        posted = 0
        while time.time() < deadline:
            village, households = rng.choice(villages)
            await ledger.award(
                CLI_ACTOR,
                village,
                rng.choice(households),
                rng.randint(1, 10),
                key=f"bench:{uuid.uuid4()}",
                reason="环境卫生达标",
                reference={"rule": "HJ-01", "rule_version": 1},
                period_id=1,
            )
            posted += 1
        return posted

    counts = await asyncio.gather(*(writer() for _ in range(writers)))
    await db.stop()
    return sum(counts)


def process_main(
    villages: list[tuple[int, list[int]]],
    writers: int,
    start_at: float,
    results: multiprocessing.Queue,
) -> None:
    import uvloop  # the loop uvicorn runs the app on (`jifen serve`), so the one to measure

    configure()
    results.put(uvloop.run(write_for(villages, writers, start_at)))


def ledger_tps() -> float:
    scratch_database(LEDGER_DB)
    villages = asyncio.run(build_township())
    analyze(LEDGER_DB)
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue = context.Queue()
    start_at = time.time() + 3.0
    processes = [
        context.Process(
            target=process_main, args=(villages, WRITERS // PROCESSES, start_at, results)
        )
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    total = sum(results.get() for _ in processes)
    for process in processes:
        process.join()
    print(
        f"ledger: {total} transfers in {SECONDS:.0f} s with {WRITERS} writers "
        f"in {PROCESSES} processes"
    )
    return total / SECONDS


def main() -> None:
    configure()
    ledger = ledger_tps()
    pgbench = pgbench_baseline().tps
    print(f"pgbench: {pgbench:.0f} tps")
    print(f"RESULT ledger_tps={ledger:.0f} pgbench_tps={pgbench:.0f} ratio={ledger / pgbench:.2f}")


if __name__ == "__main__":
    main()
