"""Schema migrations as plain SQL that runs on SQLite and PostgreSQL alike.

Piccolo's auto-migrations add constraints with ``ALTER TABLE … ADD CONSTRAINT``, which SQLite
does not have, and the ledger's guarantees live in exactly those constraints (CHECKs on balances
and stock, unique idempotency keys). So each migration is written SQL; the only dialect gap is the
auto-increment key, spelled ``{id}`` and ``{bigid}``. Type names match Piccolo's column types so
its SQLite converters (BOOLEAN, TIMESTAMPTZ) apply on read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.sqlite import SQLiteEngine

from backend.db import engine

DIALECT = {
    "sqlite": {"id": "INTEGER PRIMARY KEY", "bigid": "INTEGER PRIMARY KEY"},
    "postgres": {"id": "SERIAL PRIMARY KEY", "bigid": "BIGSERIAL PRIMARY KEY"},
}


def sql_migration(
    migration_id: str, app_name: str, description: str, statements: list[str]
) -> Callable[[], Awaitable[MigrationManager]]:
    """Build a migration's ``forwards`` from SQL statements written once for both engines."""

    async def run() -> None:
        db = engine()
        words = DIALECT["sqlite" if isinstance(db, SQLiteEngine) else "postgres"]
        for statement in statements:
            await db.run_ddl(statement.format(**words))

    async def forwards() -> MigrationManager:
        manager = MigrationManager(
            migration_id=migration_id, app_name=app_name, description=description
        )
        manager.add_raw(run)
        return manager

    return forwards


async def migrate() -> None:
    """Bring the schema up to date (idempotent); on SQLite also switch the file to WAL."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    db = engine()
    if isinstance(db, SQLiteEngine):
        await db.run_ddl("PRAGMA journal_mode=WAL")
    result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}")
