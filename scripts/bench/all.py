"""Run every benchmark in scripts/bench/ and write docs/benchmarks.md: each figure, its goal,
pass or fail, and the machine it ran on. Benchmarks run one after another (never in parallel:
they share the machine's cores with PostgreSQL)."""

from __future__ import annotations

import datetime
import os
import platform
import re
import subprocess
import sys

from scripts.bench.common import ROOT

# benchmark → [(figure, goal as text, test)]
GOALS: dict[str, list[tuple[str, str, object]]] = {
    "ledger": [
        ("ratio", "≥ 0.6 × pgbench", lambda v: v >= 0.6),
        ("ledger_tps", "", None),
        ("pgbench_tps", "", None),
    ],
    "redeem": [
        ("ratio", "≥ 0.6 × pgbench", lambda v: v >= 0.6),
        ("p99_ms", "≤ 50 ms", lambda v: v <= 50),
        ("redeem_rps", "", None),
        ("sqlite_rps", "≥ 200 /s", lambda v: v >= 200),
        ("sqlite_locked", "0", lambda v: v == 0),
        ("peak_rss_mb", "≤ 200 MB", lambda v: v <= 200),
        ("pg_cpu_ms", "", None),
        ("pgbench_pg_cpu_ms", "", None),
        ("paced_rps", "", None),
        ("paced_p99_ms", "", None),
    ],
    "close_period": [("close_seconds", "≤ 10 s", lambda v: v <= 10), ("evaluations", "", None)],
    "scale": [
        ("v4_ratio", "≥ 1 × 1 village", lambda v: v >= 1),
        ("v16_ratio", "≥ 1 × 1 village", lambda v: v >= 1),
        ("v4_p99_ratio", "≤ 1 × 1 village", lambda v: v <= 1),
        ("v16_p99_ratio", "≤ 1 × 1 village", lambda v: v <= 1),
        ("v1_rps", "", None),
        ("v16_rps", "", None),
    ],
    "boards": [
        ("top_p99_ms", "≤ 5 ms", lambda v: v <= 5),
        ("rebuild_seconds", "≤ 60 s", lambda v: v <= 60),
        ("households", "", None),
        ("cluster_top_p99_ms", "≤ 5 ms", lambda v: v <= 5),
        ("cluster_rebuild_seconds", "≤ 60 s", lambda v: v <= 60),
        ("cluster_top_ratio", "", None),
        ("cluster_rebuild_ratio", "", None),
    ],
}


def run(name: str) -> dict[str, float]:
    script = ROOT / "scripts" / "bench" / name
    if not script.exists():
        return {}
    print(f"== {name}", flush=True)
    out = subprocess.run([str(script)], cwd=ROOT, capture_output=True, text=True).stdout
    print(out.strip().splitlines()[-1] if out.strip() else "(no output)", flush=True)
    lines = [ln for ln in out.splitlines() if ln.startswith("RESULT ")]
    if not lines:
        return {}
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", lines[-1])}


def machine() -> str:
    cores = os.cpu_count()
    memory = ""
    meminfo = "/proc/meminfo"
    if os.path.exists(meminfo):
        with open(meminfo) as f:
            kb = int(f.readline().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    return f"{platform.node()}: {platform.processor() or platform.machine()}, {cores} cores{memory}"


def main() -> None:
    rows = []
    passed = failed = 0
    for name, goals in GOALS.items():
        figures = run(name)
        for figure, goal, test in goals:
            value = figures.get(figure)
            if value is None:
                verdict = "not run"
            elif test is None:
                verdict = ""
            elif test(value):  # type: ignore[operator]
                verdict, passed = "pass", passed + 1
            else:
                verdict, failed = "**fail**", failed + 1
            shown = "—" if value is None else f"{value:g}"
            rows.append(f"| `scripts/bench/{name}` | {figure} | {shown} | {goal} | {verdict} |")
    report = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Run by `scripts/bench/all` on {datetime.date.today()} — {machine()}, "
            f"Python {sys.version.split()[0]}.",
            "",
            "| benchmark | figure | value | goal | verdict |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"{passed} goals met, {failed} missed.",
            "",
        ]
    )
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text(report)
    print(f"RESULT goals_met={passed} goals_missed={failed}")


if __name__ == "__main__":
    main()
