"""The embedded database: an online copy, its integrity check, and putting a backup in place.

The copy uses SQLite's online backup API in a single step: one read transaction over the whole
file, so in WAL mode it is a consistent snapshot that includes what is still in the
write-ahead log, and the server's writers are never blocked (a copy in several steps would
restart every time the server wrote). The copy is switched to the rollback journal so a backup
is one self-contained file; a restored database goes back to WAL, as ``jifen migrate`` sets it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from backend.backup.errors import DatabaseInUse

BUSY_TIMEOUT_SECONDS = 30


def copy_online(source: Path, target: Path) -> None:
    """Copy the live database at ``source`` into a new file ``target`` while others write."""
    with (
        closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)) as live,
        closing(sqlite3.connect(target)) as copy,
    ):
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")


def integrity(path: Path) -> str:
    """``ok``, or what ``PRAGMA integrity_check`` found wrong (its first lines)."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as copy:
            found = [row[0] for row in copy.execute("PRAGMA integrity_check(10)")]
    except sqlite3.DatabaseError as exc:  # not a database at all
        return str(exc)
    return "ok" if found == ["ok"] else "; ".join(found)


def use_wal(path: Path) -> None:
    with closing(sqlite3.connect(path)) as database:
        database.execute("PRAGMA journal_mode=WAL")


def ensure_unused(path: Path) -> None:
    """Refuse while another process has the database open.

    Opening and closing it ourselves folds the write-ahead log back into the file; SQLite then
    deletes ``-wal`` and ``-shm`` unless another connection still holds the file. Whatever is
    left proves a server (or any other program) is using it, and moving the file away now would
    lose the log's committed transactions or pair the old log with the restored file."""
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)) as database:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm", "-journal")):
        raise DatabaseInUse(path=str(path))
