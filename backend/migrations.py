"""Schema migrations as plain SQL that runs on SQLite and PostgreSQL alike.

Piccolo's auto-migrations add constraints with ``ALTER TABLE … ADD CONSTRAINT``, which SQLite
does not have, and the ledger's guarantees live in exactly those constraints (CHECKs on balances
and stock, unique idempotency keys). So each migration is written SQL; the only dialect gap is the
auto-increment key, spelled ``{id}`` and ``{bigid}``. Type names match Piccolo's column types so
its SQLite converters (BOOLEAN, TIMESTAMPTZ) apply on read.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.conf.apps import AppConfig, table_finder
from piccolo.engine.sqlite import SQLiteEngine

from backend.db import engine

DIALECT = {
    "sqlite": {"id": "INTEGER PRIMARY KEY", "bigid": "INTEGER PRIMARY KEY"},
    "postgres": {"id": "SERIAL PRIMARY KEY", "bigid": "BIGSERIAL PRIMARY KEY"},
}


def sql_migration(
    migration_id: str,
    app_name: str,
    description: str,
    statements: list[str],
    *,
    postgres_only: bool = False,
    sqlite_statements: list[str] | None = None,
) -> Callable[[], Awaitable[MigrationManager]]:
    """Build a migration's ``forwards`` from SQL statements written once for both engines.

    ``postgres_only`` statements (functions in PL/pgSQL) run as written on PostgreSQL and not at
    all on SQLite, where the migration is recorded all the same. ``sqlite_statements``, when
    given, run on SQLite instead of ``statements``: SQLite cannot drop or add a table's
    constraints, so a change of keys is written twice."""

    async def run() -> None:
        db = engine()
        sqlite = isinstance(db, SQLiteEngine)
        if sqlite and sqlite_statements is not None:
            for statement in sqlite_statements:
                await db.run_ddl(statement.format(**DIALECT["sqlite"]))
            return
        if postgres_only:
            if not sqlite:
                for statement in statements:
                    await db.run_ddl(statement)
            return
        words = DIALECT["sqlite" if sqlite else "postgres"]
        for statement in statements:
            await db.run_ddl(statement.format(**words))

    async def forwards() -> MigrationManager:
        manager = MigrationManager(
            migration_id=migration_id, app_name=app_name, description=description
        )
        manager.add_raw(run)
        return manager

    return forwards


@dataclass(frozen=True, slots=True)
class MigrationRun:
    """What one ``migrate`` did.

    Attributes:
        applied: migrations run this time (0 when the schema was already up to date).
        total: migrations the database has recorded now, all apps together.
        partitioned: hot tables made hash-partitioned by village this time
            (``JIFEN_PARTITIONS`` on a fresh PostgreSQL database; see backend/partitions.py).
    """

    applied: int
    total: int
    partitioned: tuple[str, ...] = ()


async def _recorded() -> int:
    from piccolo.apps.migrations.tables import Migration

    if not await Migration.table_exists().run():
        return 0
    return int(await Migration.count().run())


async def migrate() -> MigrationRun:
    """Bring the schema up to date (idempotent); on SQLite also switch the file to WAL; with
    ``JIFEN_PARTITIONS`` on PostgreSQL, partition the hot tables by village while still empty.

    Piccolo prints a few lines per app ("👍 3 migrations already complete ⏩ 3 not yet run"),
    which told an operator nothing they could act on; they are kept back (and shown only if a
    migration fails) and the caller prints one line from the returned counts."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    db = engine()
    if isinstance(db, SQLiteEngine):
        await db.run_ddl("PRAGMA journal_mode=WAL")
    before = await _recorded()
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}\n{chatter.getvalue()}")
    after = await _recorded()
    from backend.partitions import partition_hot_tables
    from backend.settings import get_settings

    partitioned = await partition_hot_tables(get_settings().partitions)
    return MigrationRun(applied=after - before, total=after, partitioned=tuple(partitioned))


def domain_app(name: str, *after: str) -> AppConfig:
    """The Piccolo app of one domain (``backend/<name>/``): its tables, its migrations, and the
    domains whose tables its migrations reference (the users table always comes first)."""
    dependencies = ["piccolo.apps.user.piccolo_app"] if name != "registry" else []
    return AppConfig(
        app_name=name,
        migrations_folder_path=str(Path(__file__).parent / name / "piccolo_migrations"),
        table_classes=table_finder(modules=[f"backend.{name}.tables"], exclude_imported=True),
        migration_dependencies=dependencies + [f"backend.{d}.piccolo_app" for d in after],
        commands=[],
    )
