"""What every benchmark needs: a scratch database, pgbench as the baseline, a real server.

Benchmarks run against this machine's PostgreSQL (127.0.0.1:5432, trust auth) and Redis
(127.0.0.1:6379) in scratch databases they create; nothing here is used by the tests.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
ROOT = Path(__file__).resolve().parents[2]


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(
        ["psql", *PG, "-q", "-d", database, "-c", sql], check=True, stdout=subprocess.DEVNULL
    )


def analyze(database: str) -> None:
    """Give the planner statistics of the data just built, as autovacuum keeps them in a village
    in use: plans cached while the tables looked empty would otherwise scan what has grown."""
    psql("ANALYZE", database)


def scratch_database(name: str) -> str:
    """Drop and create a database; return its URL."""
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


@dataclass(frozen=True)
class Baseline:
    """pgbench's TPC-B-like run: transactions per second, and the CPU its PostgreSQL backends
    spent per transaction (what the server itself does for one, client and wire aside)."""

    tps: float
    pg_cpu_ms: float


def pgbench_baseline(clients: int = 8, threads: int = 2, seconds: int = 15) -> Baseline:
    """TPC-B-like tps of this PostgreSQL, in a scratch database, as the baseline. The backends'
    CPU is read from the third second to two before the end, while every client is connected."""
    scratch_database("jifen_bench_pgbench")
    subprocess.run(
        ["pgbench", *PG, "-i", "-s", "10", "-q", "jifen_bench_pgbench"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    run = subprocess.Popen(
        [
            "pgbench",
            *PG,
            "-c",
            str(clients),
            "-j",
            str(threads),
            "-T",
            str(seconds),
            "jifen_bench_pgbench",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    time.sleep(3)
    backends, began = BackendCpu("jifen_bench_pgbench"), time.monotonic()
    time.sleep(seconds - 5)
    spent, window = backends.spent(), time.monotonic() - began
    out = run.communicate()[0]
    match = re.search(r"tps = ([0-9.]+)", out)
    if run.returncode or match is None:
        raise RuntimeError(f"pgbench printed no tps:\n{out}")
    psql('DROP DATABASE IF EXISTS "jifen_bench_pgbench" WITH (FORCE)')
    tps = float(match.group(1))
    return Baseline(tps, spent * 1000 / (tps * window))


class BackendCpu:
    """CPU time spent by the PostgreSQL backends connected to one database since this was made
    (a backend that connects later counts from zero): how much of a figure is PostgreSQL's own
    work, the part no client code can take away."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.start = self._read()

    def _read(self) -> dict[int, float]:
        pids = subprocess.run(
            [
                "psql",
                *PG,
                "-Atq",
                "-d",
                "postgres",
                "-c",
                f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.database}'",  # noqa: S608 (our scratch database)
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        return {int(pid): _own_cpu_seconds(int(pid)) for pid in pids}

    def spent(self) -> float:
        """Seconds of CPU since this was made, over the backends connected now."""
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self._read().items())


def bench_env(database_url: str, redis_url: str, var_dir: Path) -> dict[str, str]:
    var_dir.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "JIFEN_DATABASE_URL": database_url,
        "JIFEN_REDIS_URL": redis_url,
        "JIFEN_VAR_DIR": str(var_dir),
        "JIFEN_SECRET_KEY": "bench-only-secret-0123456789",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(env: dict[str, str], workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    """``jifen serve`` as ``scripts/serve`` runs it, on a free port; waits until healthy."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--workers", str(workers)],
        env={**env, "JIFEN_PORT": str(port), "JIFEN_HOST": "127.0.0.1"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its children, in MB."""
    pids = [pid, *_children(pid)]
    total = 0
    for one in pids:
        status = Path(f"/proc/{one}/status")
        if status.exists():
            match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            total += int(match.group(1)) if match else 0
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) spent so far by a process and its children."""
    return sum(_own_cpu_seconds(one) for one in [pid, *_children(pid)])


def _own_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().split()[3]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run_module(module: str, env: dict[str, str], *args: str) -> None:
    """Run ``python -m module`` with the benchmark's environment, its output passed through:
    settings are read once per process, so the measured part runs in a child."""
    subprocess.run([sys.executable, "-m", module, *args], env=env, cwd=ROOT, check=True)


def flush_redis(db: int) -> None:
    subprocess.run(["redis-cli", "-n", str(db), "FLUSHDB"], check=True, stdout=subprocess.DEVNULL)
