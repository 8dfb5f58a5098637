"""``jifen backup`` on whichever engine the suite runs on: a consistent copy while the ledger is
being written, rotation that deletes only its own files, and a ledger that fails its proof on
the copy refused loudly. SQLite backups are always proven; PostgreSQL ones here with --verify."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

import asyncpg
import pytest

from backend.backup.services import prove_sqlite
from backend.db import postgres_config
from backend.settings import get_settings
from tests.backup.conftest import Township, printed_heads

SQLITE = get_settings().is_sqlite
KIND = "sqlite" if SQLITE else "dump"
VERIFY = () if SQLITE else ("--verify",)


def committed(log: Path, at_least: int = 0) -> list[tuple[int, str]]:
    """(seq, hash) of every award the writer has committed so far (whole lines only)."""
    for _ in range(600):
        text = log.read_text() if log.exists() else ""
        lines = text[: text.rfind("\n") + 1].splitlines()
        if len(lines) >= at_least:
            return [(int(seq), hash_) for seq, hash_ in (line.split() for line in lines)]
        time.sleep(0.05)
    raise AssertionError(f"the writer committed fewer than {at_least} transfers")


async def tamper(township: Township) -> int:
    """Change one transfer's amount behind the service's back; returns its id."""
    statement = (
        "UPDATE transfer SET amount = amount + 5 WHERE village = {} AND seq = 2 RETURNING id"
    )
    if SQLITE:
        with closing(sqlite3.connect(township.database_url.removeprefix("sqlite:///"))) as db:
            [(transfer,)] = db.execute(statement.format(township.village)).fetchall()
            db.commit()
        return int(transfer)
    connection = await asyncpg.connect(**postgres_config(township.database_url))
    try:
        return int(await connection.fetchval(statement.format(township.village)))
    finally:
        await connection.close()


async def test_a_backup_taken_while_awards_are_written_holds_every_one_committed_before(
    township: Township,
    tmp_path: Path,
) -> None:
    household = township.place["households"][1]["id"]
    log, stop = tmp_path / "committed.txt", tmp_path / "stop"
    writer = township.writer("awards", str(township.village), str(household), str(log), str(stop))
    try:
        before = committed(log, at_least=20)
        made = township.jifen("backup", *VERIFY)
        during = committed(log)
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert made.returncode == 0, made.stdout + made.stderr
    assert len(during) > len(before)  # the writer went on while the backup ran

    seq, prefix = printed_heads(made.stdout)[township.village]
    chain = dict(committed(log))
    assert seq >= max(s for s, _ in before)  # the verified chain runs 1..seq: all of them
    assert chain[seq].startswith(prefix)  # and ends at a transfer the writer committed
    [backup] = township.backups.glob(f"jifen-*.{KIND}")
    if SQLITE:
        with closing(sqlite3.connect(backup)) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            hashes = {
                h
                for (h,) in copy.execute(
                    "SELECT hash FROM transfer WHERE village = ?", (township.village,)
                )
            }
        assert {h for _, h in before} <= hashes and len(hashes) == seq


async def test_rotation_keeps_the_newest_n_and_touches_nothing_else(township: Township) -> None:
    folder = township.backups
    folder.mkdir(parents=True)
    other_kind = "dump" if SQLITE else "sqlite"
    old = [f"jifen-202601{day:02}-020000.{KIND}" for day in range(1, 5)]
    bystanders = [
        f"jifen-20260101-020000.{other_kind}",
        "notes.txt",
        "jifen-latest.sqlite",
        f"jifen-20251231-020000.{KIND}.failed",
        f"jifen-20251231-020000.{KIND}.partial",
        f"jifen-20251231-020000.{KIND}.bak",
        f"jifen-2026010-020000.{KIND}",
    ]
    for name in old + bystanders:
        (folder / name).write_text("kept by the operator")
    (folder / f"jifen-20251230-020000.{KIND}").mkdir()  # a backup's name, but a folder
    bystanders.append(f"jifen-20251230-020000.{KIND}")
    there = {p.name for p in folder.iterdir()}

    made = township.jifen("backup", "--to", str(folder), "--keep", "2", *VERIFY)

    assert made.returncode == 0, made.stdout + made.stderr
    [new] = {p.name for p in folder.iterdir()} - there
    assert sorted(p.name for p in folder.iterdir()) == sorted([old[-1], new, *bystanders])
    for name in old[:-1]:
        assert f"rotated away: {name}" in made.stdout


async def test_a_ledger_that_fails_its_proof_is_refused_kept_aside_and_rotates_nothing(
    township: Township,
) -> None:
    township.backups.mkdir(parents=True)
    earlier = township.backups / f"jifen-20260101-020000.{KIND}"
    earlier.write_text("last night's backup")
    transfer = await tamper(township)

    made = township.jifen("backup", "--keep", "1", *VERIFY)

    assert made.returncode == 1
    assert f"first broken transfer #{transfer}" in made.stdout and "edited" in made.stdout
    assert "未通过核对" in made.stdout and "backup_not_sound" in made.stdout
    names = sorted(p.name for p in township.backups.iterdir())
    assert names[0] == earlier.name and len(names) == 2 and names[1].endswith(f".{KIND}.failed")


@pytest.mark.sqlite_only
async def test_a_tampered_backup_fails_the_proof(township: Township) -> None:
    made = township.jifen("backup")
    assert made.returncode == 0, made.stdout + made.stderr
    [backup] = township.backups.glob("jifen-*.sqlite")
    assert (await prove_sqlite(backup)).holds
    with closing(sqlite3.connect(backup)) as copy:
        [(transfer,)] = copy.execute(
            "UPDATE transfer SET amount = amount + 5 WHERE seq = 2 RETURNING id"
        ).fetchall()
        copy.commit()

    proof = await prove_sqlite(backup)

    assert not proof.holds
    assert {f.check for f in proof.failures} >= {"chain", "balance", "running_balance"}
    assert f"first broken transfer #{transfer}" in proof.summary()
    assert "edited" in proof.summary()
