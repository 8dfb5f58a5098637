"""``jifen backup`` on PostgreSQL: a dump that restores into a scratch database and verifies, a
clear refusal without pg_dump, no file from a failed pg_dump, and restore left to pg_restore."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from backend.db import postgres_config
from tests.backup.conftest import Township, printed_heads

pytestmark = pytest.mark.postgres_only


async def databases_like(township: Township, pattern: str) -> list[str]:
    connection = await asyncpg.connect(**postgres_config(township.database_url))
    try:
        rows = await connection.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", pattern
        )
    finally:
        await connection.close()
    return [row["datname"] for row in rows]


async def test_a_verified_dump_restores_into_a_scratch_database_and_its_ledger_holds(
    township: Township,
) -> None:
    made = township.jifen("backup", "--verify")

    assert made.returncode == 0, made.stdout + made.stderr
    [dump] = township.backups.glob("jifen-*.dump")
    assert f"backed up: {dump}" in made.stdout
    assert printed_heads(made.stdout)[township.village][0] == 2  # the two seed awards
    assert "副本中 1 个村的账本核对无误" in made.stdout
    name = postgres_config(township.database_url)["database"]
    assert await databases_like(township, f"{name[:40]}_verify_%") == []  # scratch dropped


async def test_without_verify_the_output_says_the_dump_was_not_verified(
    township: Township,
) -> None:
    made = township.jifen("backup")
    assert made.returncode == 0, made.stdout + made.stderr
    assert "未核对账本" in made.stdout and "--verify" in made.stdout
    assert printed_heads(made.stdout) == {}


async def test_without_pg_dump_the_backup_is_refused_clearly(
    township: Township,
    tmp_path: Path,
) -> None:
    nothing = tmp_path / "no-tools"
    nothing.mkdir()

    refused = township.jifen("backup", env={**township.env, "PATH": str(nothing)})

    assert refused.returncode == 1
    assert "找不到 pg_dump" in refused.stdout and "pg_tool_missing" in refused.stdout
    assert not township.backups.exists()


async def test_a_failing_pg_dump_leaves_no_file(township: Township) -> None:
    missing = township.database_url + "_missing"

    refused = township.jifen("backup", env={**township.env, "JIFEN_DATABASE_URL": missing})

    assert refused.returncode == 1
    assert "pg_dump 失败" in refused.stdout and "pg_dump_failed" in refused.stdout
    assert list(township.backups.iterdir()) == []


async def test_restore_on_postgres_names_the_pg_restore_command(township: Township) -> None:
    refused = township.jifen("restore", "jifen-20260101-020000.dump", "--yes")
    assert refused.returncode == 1 and "restore_postgresql" in refused.stdout
    assert (
        'pg_restore --clean --if-exists --no-owner --dbname "$JIFEN_DATABASE_URL" '
        "jifen-20260101-020000.dump"
    ) in refused.stdout
