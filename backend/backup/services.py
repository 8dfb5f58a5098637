"""Taking a backup and restoring one: the operations behind ``jifen backup`` and ``jifen restore``.

A backup is only ever named as one once it is whole and — for SQLite always, for PostgreSQL
with ``verify`` — its ledger has been proven on the copy itself, not on the live database it
came from. Rotation runs only after a good backup, so a failing night never deletes the last
good ones.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from backend.backup import files, postgres, sqlite
from backend.backup.errors import BackupMissing, BackupNotSound, DatabaseMissing, RestorePostgres
from backend.backup.proof import Proof, prove
from backend.db import sqlite_path
from backend.settings import get_settings

DEFAULT_KEEP = 14


@dataclass(frozen=True, slots=True)
class Backup:
    """A finished backup: its ``path`` and ``size`` in bytes; ``proof`` of its ledger (``None``
    for a dump that was not restored to check it); ``removed``: older backups rotated away."""

    path: Path
    size: int
    proof: Proof | None
    removed: list[Path]


@dataclass(frozen=True, slots=True)
class RestorePlan:
    """What a restore will do: put ``backup`` in place of ``database``, whose current file (if
    any) moves to ``aside`` rather than being deleted."""

    backup: Path
    database: Path
    aside: Path


def default_directory() -> Path:
    return get_settings().var_dir / "backups"


async def prove_sqlite(path: Path) -> Proof:
    """SQLite's own integrity check of the file, then the ledger's checks on it."""
    found = await asyncio.to_thread(sqlite.integrity, path)
    if found != "ok":
        return Proof(0, [], [], error=f"integrity_check: {found}")
    return await prove(f"sqlite:///{path}")


def _refuse(path: Path, proof: Proof) -> BackupNotSound:
    return BackupNotSound(path=str(path), detail=proof.summary(), failures=proof.failures)


async def back_up(directory: Path, keep: int = DEFAULT_KEEP, *, verify: bool = False) -> Backup:
    """Back up the configured database into ``directory`` and keep its newest ``keep`` backups.

    SQLite is copied online and always proven; a PostgreSQL dump is proven (restored into a
    scratch database) only with ``verify``. A backup that fails its proof is kept as
    ``….failed`` and refused; nothing is rotated then."""
    settings = get_settings()
    if settings.is_sqlite:
        kind, source = "sqlite", sqlite_path(settings.database_url)
        if not source.exists():
            raise DatabaseMissing(path=str(source))
    else:
        kind = "dump"
        postgres.tool("pg_dump")
        if verify:
            postgres.tool("pg_restore")
    final, partial = files.new_backup(directory, kind)
    try:
        if kind == "sqlite":
            await asyncio.to_thread(sqlite.copy_online, source, partial)
        else:
            await postgres.dump(settings.database_url, partial)
    except BaseException:
        files.discard(partial)
        raise
    try:
        if kind == "sqlite":
            proof: Proof | None = await prove_sqlite(partial)
        else:
            proof = await postgres.verify_dump(settings.database_url, partial) if verify else None
    except BaseException:
        files.set_aside(partial, final)
        raise
    if proof is not None and not proof.holds:
        raise _refuse(files.set_aside(partial, final), proof)
    files.publish(partial, final)
    return Backup(final, final.stat().st_size, proof, files.rotate(directory, kind, keep))


def plan_restore(backup: Path) -> RestorePlan:
    """What restoring ``backup`` would replace; PostgreSQL is refused with the command to use."""
    settings = get_settings()
    if not settings.is_sqlite:
        raise RestorePostgres(command=postgres.restore_command(backup))
    if not backup.is_file():
        raise BackupMissing(path=str(backup))
    database = sqlite_path(settings.database_url)
    aside = database.with_name(f"{database.name}.before-restore-{files.stamp()}")
    return RestorePlan(backup, database, aside)


async def restore(plan: RestorePlan) -> Proof:
    """Put the backup in place of the database, the old file moved aside, never deleted.

    The backup is copied next to the database and proven there first: a damaged backup or one
    whose ledger does not verify is refused and the database is left as it was. The swap is two
    renames on the same disk."""
    if plan.database.exists():
        sqlite.ensure_unused(plan.database)
    plan.database.parent.mkdir(parents=True, exist_ok=True)
    incoming = plan.database.with_name(f"{plan.database.name}.restoring")
    files.discard(incoming)
    try:
        await asyncio.to_thread(sqlite.copy_online, plan.backup, incoming)
        proof = await prove_sqlite(incoming)
        if not proof.holds:
            raise _refuse(plan.backup, proof)
        await asyncio.to_thread(sqlite.use_wal, incoming)
    except BaseException:
        files.discard(incoming)
        raise
    if plan.database.exists():
        plan.database.rename(plan.aside)
    files.publish(incoming, plan.database)
    return proof
