"""Redemptions per second over real HTTP, against PostgreSQL + Redis and against SQLite.

32 concurrent kiosks sell two products to households spread over 20 villages (code check,
stock, ledger — the whole sale) on PostgreSQL; then pgbench on the same server as the baseline;
then 8 kiosks on the embedded SQLite default. Last line:
``RESULT redeem_rps=… p99_ms=… pgbench_tps=… ratio=… sqlite_rps=… sqlite_locked=… peak_rss_mb=…
pg_cpu_ms=… pgbench_pg_cpu_ms=… pg_cpu_ratio=… paced_rps=… paced_p99_ms=…`` (``pg_cpu_ratio``: the
PostgreSQL CPU of a sale over that of a pgbench transaction, issue 20's figure).

Each kiosk holds one keep-alive connection (:mod:`scripts.bench.kiosk_client`; httpx used more
CPU than the server it measured). The server runs one worker. uvicorn's ``--workers 2``
shares one listening socket, and all 32 long-lived kiosk connections landed on one worker
(counted with ``ss``): the second one only added 93 MB, past the 200 MB goal. Two servers with
the kiosks split evenly did help — 596 against 363 sales/s, p99 89 against 215 ms, in the same
minute — so spreading connections (a socket per worker with SO_REUSEPORT, or a balancer) and a
leaner worker are the next steps, not more workers behind one socket. Besides throughput
and latency it prints the server's CPU per sale and its peak RSS, and the CPU PostgreSQL's
own backends spend per sale beside what they spend per pgbench transaction: that quotient
bounds the ratio whatever the Python side does (a sale is several TPC-B transactions' worth
of work inside PostgreSQL: sale row, two lines, two stock moves and their log, the
hash-chained transfer, about fifteen foreign-key checks).
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, replace

from scripts.bench.common import (
    ROOT,
    BackendCpu,
    analyze,
    bench_env,
    cpu_seconds,
    median,
    peak_rss_mb,
    percentile,
    pgbench_baseline,
    scratch_database,
    start_server,
)
from scripts.bench.kiosk_client import KioskConnection

SECONDS = 15
# Unmeasured sales before the measured ones, then ANALYZE: the sale tables start empty, and
# plans cached while they looked empty (the foreign-key checks' among them, cached for the
# connection's life) scan them whole as they grow — 17 buffers a check into ``redemption``
# after a few hundred sales, against 4 with statistics. A village in use has history and
# autovacuum's statistics; pgbench's tables are analysed by ``pgbench -i``.
WARM_SECONDS = 5
PACED_EVERY = 0.1  # 32 kiosks → 320 sales/s offered, about half of what they reach flat out


def setup(env: dict[str, str], villages: int, households: int) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "scripts.bench.redeem_setup", str(villages), str(households)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@dataclass(frozen=True, slots=True)
class Load:
    """One load's figures: completed sales per second, latencies, refusals by code; the CPU
    figures per sale (the server's, PostgreSQL's backends') are filled in by :func:`run`."""

    rps: float
    sales: int
    p50_ms: float
    p99_ms: float
    failures: dict[str, int]
    cpu_ms: float = float("nan")
    pg_cpu_ms: float = float("nan")


async def load(
    url: str, villages: list[dict], kiosks: int, seconds: int, every: float | None = None
) -> Load:
    """Kiosks selling flat out (closed loop), or each one sale ``every`` seconds (paced). A
    paced sale's latency counts from when it was due, so a server that falls behind shows it."""
    latencies: list[float] = []
    failures: dict[str, int] = {}
    deadline = time.monotonic() + seconds

    async def kiosk(n: int) -> None:
        village = villages[n % len(villages)]
        connection = KioskConnection(url, {"Authorization": f"Bearer {village['token']}"})
        target = f"/api/v1/villages/{village['village']}/shops/{village['shop']}/redemptions"
        rng = random.Random(n)
        due = time.perf_counter() + (every or 0) * n / kiosks
        try:
            while time.monotonic() < deadline:
                body = {
                    "code": rng.choice(village["codes"]),
                    "lines": [{"product_id": p, "quantity": 1} for p in village["products"]],
                }
                if every:
                    await asyncio.sleep(due - time.perf_counter())
                    start, due = due, due + every
                else:
                    start = time.perf_counter()
                status, answer = await connection.post(
                    target, body, {"Idempotency-Key": str(uuid.uuid4())}
                )
                latencies.append(time.perf_counter() - start)
                if status != 201:
                    code = (answer or {}).get("code", str(status))
                    failures[code] = failures.get(code, 0) + 1
        finally:
            await connection.close()

    began = time.monotonic()
    await asyncio.gather(*(kiosk(n) for n in range(kiosks)))
    elapsed = time.monotonic() - began
    ok = len(latencies) - sum(failures.values())
    return Load(
        rps=ok / elapsed,
        sales=ok,
        p50_ms=median(latencies) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        failures=failures,
    )


def run(
    env: dict[str, str],
    villages: int,
    households: int,
    kiosks: int,
    workers: int,
    paced_every: float | None = None,
) -> tuple[Load, Load | None, float, str]:
    """The flat-out load with its CPU per sale, the paced one if asked, the server's peak RSS
    and its log."""
    data = setup(env, villages, households)
    database = env["JIFEN_DATABASE_URL"].rsplit("/", 1)[1]
    postgres = env["JIFEN_DATABASE_URL"].startswith("postgresql:")
    if postgres:
        analyze(database)
    server, url = start_server(env, workers=workers)
    try:
        if postgres:
            asyncio.run(load(url, data, kiosks, WARM_SECONDS))
            analyze(database)
        cpu, backends = cpu_seconds(server.pid), BackendCpu(database) if postgres else None
        result = asyncio.run(load(url, data, kiosks, SECONDS))
        sales = max(result.sales, 1)
        result = replace(
            result,
            cpu_ms=(cpu_seconds(server.pid) - cpu) * 1000 / sales,
            pg_cpu_ms=backends.spent() * 1000 / sales if backends else float("nan"),
        )
        rss = peak_rss_mb(server.pid)
        paced = asyncio.run(load(url, data, kiosks, SECONDS, paced_every)) if paced_every else None
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=20)
    return result, paced, rss, err.decode(errors="replace")


def main() -> None:
    pg_env = bench_env(
        scratch_database("jifen_bench_redeem"),
        "redis://127.0.0.1:6379/14",
        ROOT / "var" / "bench-redeem-pg",
    )
    subprocess.run(["redis-cli", "-n", "14", "FLUSHDB"], check=True, stdout=subprocess.DEVNULL)
    pg, paced, rss, _log = run(
        pg_env, villages=20, households=40, kiosks=32, workers=1, paced_every=PACED_EVERY
    )
    assert paced is not None  # asked for with paced_every
    print(
        f"postgresql: {pg.rps:.0f} redemptions/s, p50 {pg.p50_ms:.1f} ms, "
        f"p99 {pg.p99_ms:.1f} ms, refusals {pg.failures}, peak RSS {rss:.0f} MB, "
        f"server CPU {pg.cpu_ms:.2f} ms/sale, PostgreSQL CPU {pg.pg_cpu_ms:.2f} ms/sale"
    )
    print(
        f"postgresql, each kiosk one sale every {PACED_EVERY * 1000:.0f} ms: "
        f"{paced.rps:.0f} redemptions/s, p50 {paced.p50_ms:.1f} ms, "
        f"p99 {paced.p99_ms:.1f} ms, refusals {paced.failures}"
    )
    baseline = pgbench_baseline()
    tps = baseline.tps
    print(f"pgbench: {tps:.0f} tps, PostgreSQL CPU {baseline.pg_cpu_ms:.2f} ms/transaction")

    sqlite_dir = ROOT / "var" / "bench-redeem-sqlite"
    shutil.rmtree(sqlite_dir, ignore_errors=True)
    sqlite_env = bench_env(f"sqlite:///{sqlite_dir / 'bench.sqlite'}", "memory://", sqlite_dir)
    lite, _paced, _rss, log = run(sqlite_env, villages=4, households=40, kiosks=8, workers=1)
    locked = log.count("database is locked") + sum(
        n for code, n in lite.failures.items() if code == "internal_error"
    )
    print(
        f"sqlite: {lite.rps:.0f} redemptions/s, p99 {lite.p99_ms:.1f} ms, "
        f"refusals {lite.failures}, 'database is locked': {locked}, "
        f"server CPU {lite.cpu_ms:.2f} ms/sale"
    )
    print(
        f"RESULT redeem_rps={pg.rps:.0f} p99_ms={pg.p99_ms:.1f} pgbench_tps={tps:.0f} "
        f"ratio={pg.rps / tps:.2f} sqlite_rps={lite.rps:.0f} sqlite_locked={locked} "
        f"peak_rss_mb={rss:.0f} pg_cpu_ms={pg.pg_cpu_ms:.2f} "
        f"pgbench_pg_cpu_ms={baseline.pg_cpu_ms:.2f} "
        f"pg_cpu_ratio={pg.pg_cpu_ms / baseline.pg_cpu_ms:.2f} paced_rps={paced.rps:.0f} "
        f"paced_p99_ms={paced.p99_ms:.1f}"
    )


if __name__ == "__main__":
    main()
