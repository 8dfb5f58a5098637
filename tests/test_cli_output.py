"""What the command line prints when a script reads it: whole values, one line per migrate."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from backend.audit.services import CLI_ACTOR
from backend.ledger import services as ledger
from backend.ledger import verify as checks
from tests.factories import World, make_place, unique


def jifen(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command with its output going to a pipe, as in ``jifen … | cat`` (no COLUMNS)."""
    environment = {k: v for k, v in (env or os.environ).items() if k != "COLUMNS"}
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


async def test_a_piped_chain_head_is_all_64_hex_characters(world: World) -> None:
    place = await make_place(world.a.town_id)
    await ledger.award(
        CLI_ACTOR,
        place.village_id,
        place.households[0].id,
        7,
        key=unique("pipe"),
        reason="测试积分",
    )
    [head] = await checks.heads(place.village_id)
    printed = jifen("ledger", "head", "--village", str(place.village_id))
    assert printed.returncode == 0, printed.stderr
    row = next(line for line in printed.stdout.splitlines() if f" {place.village_id} " in line)
    assert head.hash in row


async def test_migrate_on_an_up_to_date_database_prints_one_line(world: World) -> None:
    again = jifen("migrate")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [again.stdout.strip()]
    assert "already up to date" in again.stdout and "👍" not in again.stdout


@pytest.mark.sqlite_only
def test_migrate_on_a_fresh_database_prints_one_line_with_the_count(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "JIFEN_VAR_DIR": str(tmp_path),
        "JIFEN_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}",
    }
    first = jifen("migrate", env=env)
    assert first.returncode == 0, first.stderr
    [line] = first.stdout.splitlines()
    counted = re.search(r"(\d+) migrations run", line)
    assert counted is not None and int(counted.group(1)) > 0, line
    assert first.stderr == ""
