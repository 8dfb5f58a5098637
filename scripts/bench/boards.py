"""Leaderboards over 1 000 000 households on PostgreSQL + Redis (issue 5).

Setup bulk-inserts 1 000 villages × 1 000 households, their accounts and 1.45 M ledger transfers
with SQL (``boards_setup.sql``): through the services it would take days. The transfers are
consistent for what the boards read — :func:`backend.ledger.services.earned_by_household`
gives the intended totals, which the script checks — but the hash chain is not computed: the
boards never read it. Then, in process (no HTTP):

- the full rebuild from the ledger into Redis, :func:`backend.boards.cli.rebuild_all`, what
  ``jifen boards rebuild`` runs (:func:`backend.boards.redis_leaderboards.rebuild` for every
  village);
- 10 000 requests of top 20 (:func:`leaderboard.top`) + my rank
  (:func:`leaderboard.standing`) for random households of random villages, village scope, all
  time or period 1, timed server side.

Both measurements run twice over the same database, in the same run: against the single Redis
(db 8 of 127.0.0.1:6379, or ``JIFEN_BENCH_BOARDS_REDIS_DB``), then against a 3-node Redis
Cluster on loopback that the benchmark starts and stops itself (``scripts/ci/redis-cluster``,
ports 7011-7013 or ``--cluster-ports``; refused if one is in use). The scratch database is
``jifen_bench_boards`` or ``JIFEN_BENCH_BOARDS_DATABASE``.

Last line: ``RESULT top_p99_ms=… rebuild_seconds=… households=1000000 cluster_top_p99_ms=…
cluster_rebuild_seconds=… cluster_top_ratio=… cluster_rebuild_ratio=…`` (top_p99_ms is the p99
of one request: top 20 and my rank together; a ratio is the cluster's figure over the single
Redis's). ``--villages N`` builds N villages of 1 000 households instead of 1 000 (a smaller run
on a busy machine); the default is the 1 M households the goals are about.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

from scripts.bench.common import (
    PG,
    ROOT,
    bench_env,
    flush_redis,
    median,
    percentile,
    run_module,
    scratch_database,
)

VILLAGES = 1000
HOUSEHOLDS = 1000
REQUESTS = 10_000
# Where it builds: a scratch database (dropped and made anew) and a Redis db (flushed); the
# environment may name others when several people share one machine, as for scripts/bench/scale.
DATABASE = os.environ.get("JIFEN_BENCH_BOARDS_DATABASE", "jifen_bench_boards")
REDIS_DB = int(os.environ.get("JIFEN_BENCH_BOARDS_REDIS_DB", "8"))
CLUSTER_PORTS = "7011,7012,7013"
CLUSTER_SCRIPT = ROOT / "scripts" / "ci" / "redis-cluster"


async def migrate() -> None:
    from backend.migrations import migrate

    await migrate()


async def used_memory() -> str:
    """Redis's memory in use; a cluster's summed over its primaries."""
    from redis.asyncio import RedisCluster

    from backend import cache

    client = cache.redis()
    if isinstance(client, RedisCluster):
        nodes = await client.info("memory", target_nodes=RedisCluster.PRIMARIES)
        total = sum(int(node["used_memory"]) for node in nodes.values())
        return f"{total / 2**20:.1f}M over {len(nodes)} primaries"
    return str((await client.info("memory"))["used_memory_human"])


async def measure() -> dict[str, float]:
    from backend import cache, db
    from backend.boards import leaderboard, redis_leaderboards
    from backend.boards.cli import rebuild_all
    from backend.ledger import services as ledger
    from backend.registry.tables import Household, Village

    await db.start()
    villages = [r["id"] for r in await Village.select(Village.id).order_by(Village.id).run()]
    households = await Household.count().run()
    sample = villages[len(villages) // 2]
    intended = {
        r["household"]: int(r["total"])
        for r in await db.fetch(
            "SELECT household, SUM(CASE WHEN kind = 'deduction' THEN -amount ELSE amount END) "
            "AS total FROM bench_moves WHERE village = :village GROUP BY household",
            village=sample,
        )
    }
    assert await ledger.earned_by_household(sample) == intended, "setup is not what boards read"

    began = time.perf_counter()
    boards = await rebuild_all(None)
    rebuild_seconds = time.perf_counter() - began
    print(f"rebuild: {boards} boards of {len(villages)} villages in {rebuild_seconds:.1f} s")
    scores: dict[bytes, float] = dict(
        await cache.redis().zrange(  # type: ignore[arg-type]
            redis_leaderboards.key(sample, None), 0, -1, withscores=True
        )
    )
    assert {int(m): int(s) for m, s in scores.items() if int(s)} == {
        h: t for h, t in intended.items() if t
    }, "Redis does not match the ledger"

    picks = await db.fetch(
        "SELECT id, village FROM household ORDER BY random() LIMIT :limit", limit=REQUESTS
    )
    rng = random.Random(5)
    both, tops, mine = [], [], []
    for pick in picks:
        period_id = rng.choice([None, 1])
        start = time.perf_counter()
        best = await leaderboard.top(pick["village"], period_id, ("village", None), 20)
        middle = time.perf_counter()
        standing, _near, _size = await leaderboard.standing(
            pick["village"], pick["id"], period_id, ("village", None)
        )
        end = time.perf_counter()
        assert len(best) == 20 and standing.household_id == pick["id"]
        both.append(end - start)
        tops.append(middle - start)
        mine.append(end - middle)
    for name, values in (("top 20", tops), ("my rank", mine), ("top 20 + my rank", both)):
        print(
            f"{name}: p50 {median(values) * 1000:.2f} ms, p99 "
            f"{percentile(values, 0.99) * 1000:.2f} ms over {len(values)} requests"
        )
    print(f"redis: {await used_memory()} used; redis fallback reads: {cache.failures['count']}")
    await db.stop()
    await cache.close()
    return {
        "top_p99_ms": percentile(both, 0.99) * 1000,
        "rebuild_seconds": rebuild_seconds,
        "households": households,
    }


def measure_on(redis_url: str, tag: str) -> dict[str, float]:
    """One measurement in a child process (settings are read once per process)."""
    var_dir = ROOT / "var" / "bench-boards"
    figures = var_dir / f"figures-{tag}.json"
    print(f"== {tag}: {redis_url} ==", flush=True)
    run_module(
        "scripts.bench.boards", bench_env(DATABASE_URL, redis_url, var_dir), "measure", str(figures)
    )
    return dict(json.loads(figures.read_text()))


DATABASE_URL = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"


def busy(ports: list[str]) -> list[str]:
    """The ports something on loopback already answers on: the cluster is started only on
    free ones, never beside (or, at its ``stop``, over) a Redis someone else runs there."""
    taken = []
    for port in ports:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", int(port))) == 0:
                taken.append(port)
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--villages", type=int, default=VILLAGES)
    parser.add_argument("--cluster-ports", default=CLUSTER_PORTS)
    args = parser.parse_args()
    ports = args.cluster_ports.split(",")
    if busy(ports):
        sys.exit(f"ports {', '.join(busy(ports))} are in use: pass free ones with --cluster-ports")
    scratch_database(DATABASE)
    single_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    run_module(
        "scripts.bench.boards",
        bench_env(DATABASE_URL, single_url, ROOT / "var" / "bench-boards"),
        "migrate",
    )
    began = time.perf_counter()
    subprocess.run(
        [
            "psql",
            *PG,
            "-q",
            "-d",
            DATABASE,
            "-v",
            f"villages={args.villages}",
            "-v",
            f"households={HOUSEHOLDS}",
            "-f",
            str(ROOT / "scripts" / "bench" / "boards_setup.sql"),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(
        f"setup: {args.villages * HOUSEHOLDS} households bulk-inserted in "
        f"{time.perf_counter() - began:.0f} s"
    )
    flush_redis(REDIS_DB)
    try:
        single = measure_on(single_url, "single")
    finally:
        flush_redis(REDIS_DB)
    cluster_url = subprocess.run(
        [str(CLUSTER_SCRIPT), "start", *ports], check=True, capture_output=True, text=True
    ).stdout.strip()
    try:
        cluster = measure_on(cluster_url, "cluster")
    finally:
        subprocess.run([str(CLUSTER_SCRIPT), "stop", *ports], check=True)
    print(
        f"RESULT top_p99_ms={single['top_p99_ms']:.2f} "
        f"rebuild_seconds={single['rebuild_seconds']:.1f} "
        f"households={int(single['households'])} "
        f"cluster_top_p99_ms={cluster['top_p99_ms']:.2f} "
        f"cluster_rebuild_seconds={cluster['rebuild_seconds']:.1f} "
        f"cluster_top_ratio={cluster['top_p99_ms'] / single['top_p99_ms']:.2f} "
        f"cluster_rebuild_ratio={cluster['rebuild_seconds'] / single['rebuild_seconds']:.2f}"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["migrate"]:
        asyncio.run(migrate())
    elif sys.argv[1:2] == ["measure"]:
        Path(sys.argv[2]).write_text(json.dumps(asyncio.run(measure())))
    else:
        main()
