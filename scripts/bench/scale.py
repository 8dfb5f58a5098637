"""Does adding villages cost sales? 1 → 4 → 16 villages' worth of kiosks on partitioned tables.

One scratch database, migrated with ``JIFEN_PARTITIONS=16`` (the hot tables hash-partitioned by
village), holds 16 villages built through the services. The same number of kiosks sells flat
out in every step — constant total load — first all in one village, then spread over 4, then
over 16: the total work is the same, only the number of villages (shard keys) it falls on
changes. Sales per second and p99 per step, and each step's ratio to the 1-village step of the
same run (this VM's speed varies ×4 within a day, so only same-run ratios mean anything).

Within one village every sale serialises on the village's ledger head (the hash chain has one
tip per village), so one village is the contended case; the claim DESIGN makes is that more
villages never make it worse. Last line:
``RESULT v1_rps=… v1_p99_ms=… v4_rps=… v4_p99_ms=… v16_rps=… v16_p99_ms=… v4_ratio=…
v16_ratio=… v4_p99_ratio=… v16_p99_ratio=… partitions=…``
"""

from __future__ import annotations

import asyncio
import os
import subprocess

from scripts.bench.common import (
    ROOT,
    analyze,
    bench_env,
    flush_redis,
    scratch_database,
    start_server,
)
from scripts.bench.redeem import Load, load, setup

PARTITIONS = 16
STEPS = (1, 4, 16)
KIOSKS = 16
HOUSEHOLDS = 20
SECONDS = 10
# Where it builds: a scratch database (dropped and made anew) and a Redis db (flushed); the
# environment may name others when several people share one machine.
DATABASE = os.environ.get("JIFEN_BENCH_SCALE_DATABASE", "jifen_bench_scale")
REDIS_DB = int(os.environ.get("JIFEN_BENCH_SCALE_REDIS_DB", "14"))


def main() -> None:
    env = {
        **bench_env(
            scratch_database(DATABASE),
            f"redis://127.0.0.1:6379/{REDIS_DB}",
            ROOT / "var" / "bench-scale",
        ),
        "JIFEN_PARTITIONS": str(PARTITIONS),
    }
    flush_redis(REDIS_DB)
    villages = setup(env, max(STEPS), HOUSEHOLDS)
    analyze(DATABASE)
    partitions = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-Atq",
            "-d",
            DATABASE,
            "-c",
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'transfer'::regclass",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    server, url = start_server(env)
    figures: dict[int, Load] = {}
    try:
        asyncio.run(load(url, villages, KIOSKS, 3))  # warm the server's caches and plans
        for step in STEPS:
            figures[step] = asyncio.run(load(url, villages[:step], KIOSKS, SECONDS))
            f = figures[step]
            print(
                f"{step:>2} village(s), {KIOSKS} kiosks: {f.rps:.0f} sales/s, "
                f"p50 {f.p50_ms:.1f} ms, p99 {f.p99_ms:.1f} ms, refusals {f.failures}"
            )
    finally:
        server.terminate()
        server.communicate(timeout=20)
    base = figures[STEPS[0]]
    parts = []
    for step in STEPS:
        parts += [
            f"v{step}_rps={figures[step].rps:.0f}",
            f"v{step}_p99_ms={figures[step].p99_ms:.1f}",
        ]
    for step in STEPS[1:]:
        parts.append(f"v{step}_ratio={figures[step].rps / base.rps:.2f}")
    for step in STEPS[1:]:
        parts.append(f"v{step}_p99_ratio={figures[step].p99_ms / base.p99_ms:.2f}")
    print("RESULT " + " ".join(parts) + f" partitions={partitions}")


if __name__ == "__main__":
    main()
