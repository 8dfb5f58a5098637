"""``jifen restore`` of the embedded SQLite database: the backup goes back in place, the replaced
file is kept beside it, and nothing is replaced without --yes, while the database is in use, or
by a backup whose ledger does not verify."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.backup.conftest import Township, printed_heads

pytestmark = pytest.mark.sqlite_only


def sales(database: Path) -> set[int]:
    with closing(sqlite3.connect(database)) as db:
        return {sale for (sale,) in db.execute("SELECT id FROM redemption")}


def backed_up(township: Township) -> tuple[Path, str]:
    made = township.jifen("backup")
    assert made.returncode == 0, made.stdout + made.stderr
    [backup] = township.backups.glob("jifen-*.sqlite")
    return backup, made.stdout


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_restore_brings_back_the_backup_and_keeps_the_replaced_database(
    township: Township,
) -> None:
    backup, said = backed_up(township)
    sale = int(township.write("sale", json.dumps(township.place)))
    live = township.var_dir / "jifen.sqlite"
    assert sale in sales(live)

    unconfirmed = township.jifen("restore", str(backup))
    assert unconfirmed.returncode == 1
    assert "restore_needs_yes" in unconfirmed.stdout and "--yes" in unconfirmed.stdout
    assert f"将替换 will replace: {live}" in unconfirmed.stdout
    assert sale in sales(live) and not list(township.var_dir.glob("*.before-restore-*"))

    restored = township.jifen("restore", str(backup), "--yes")

    assert restored.returncode == 0, restored.stdout + restored.stderr
    [aside] = township.var_dir.glob("jifen.sqlite.before-restore-*")
    assert f"moved aside to: {aside}" in restored.stdout
    assert sale not in sales(live)  # the sale after the backup is gone: that is a restore
    assert sale in sales(aside)  # and the replaced database still has it
    assert printed_heads(restored.stdout) == printed_heads(said)
    verify = township.jifen("ledger", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    with closing(sqlite3.connect(live)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_restore_refuses_while_the_database_is_open(township: Township) -> None:
    backup, _ = backed_up(township)
    live = township.var_dir / "jifen.sqlite"
    with closing(sqlite3.connect(live)) as server:
        server.execute("SELECT count(*) FROM transfer").fetchone()
        refused = township.jifen("restore", str(backup), "--yes")
    assert refused.returncode == 1
    assert "database_in_use" in refused.stdout and "正在使用中" in refused.stdout
    assert not list(township.var_dir.glob("*.before-restore-*"))


async def test_restore_refuses_a_tampered_backup_and_changes_nothing(township: Township) -> None:
    backup, _ = backed_up(township)
    with closing(sqlite3.connect(backup)) as copy:
        [(transfer,)] = copy.execute(
            "UPDATE transfer SET amount = amount + 5 WHERE seq = 2 RETURNING id"
        ).fetchall()
        copy.commit()
    live = township.var_dir / "jifen.sqlite"
    before = fingerprint(live)

    refused = township.jifen("restore", str(backup), "--yes")

    assert refused.returncode == 1
    assert "backup_not_sound" in refused.stdout and "未通过核对" in refused.stdout
    assert f"first broken transfer #{transfer}" in refused.stdout
    assert fingerprint(live) == before
    assert not [
        p
        for p in township.var_dir.iterdir()
        if "before-restore" in p.name or p.name.endswith(".restoring")
    ]
