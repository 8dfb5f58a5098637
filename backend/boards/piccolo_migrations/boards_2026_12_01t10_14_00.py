"""The black-board line, the hardship households left off, unguessable public board ids, and the
hall screen's revocable full-name link (issue 16)."""

from __future__ import annotations

import secrets

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from backend.db import engine, fetch
from backend.migrations import sql_migration

ID = "2026-12-01T10:14:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "black-board line, hardship count, board public ids, screen link token"

_columns = sql_migration(
    ID,
    "boards",
    DESCRIPTION,
    [
        "ALTER TABLE village ADD COLUMN black_line INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE village ADD COLUMN screen_token VARCHAR(64) NOT NULL DEFAULT ''",
        "ALTER TABLE board ADD COLUMN black_line INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE board ADD COLUMN hardship_left_off INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE board ADD COLUMN public_id VARCHAR(32) NOT NULL DEFAULT ''",
    ],
)


async def _public_ids() -> None:
    """Boards published before this migration get their random public id here: SQL has no
    portable random text, and a sequential id is what the public path must stop exposing."""
    for row in await fetch("SELECT id FROM board WHERE public_id = ''"):
        await fetch("UPDATE board SET public_id = :public_id WHERE id = :id",
                    public_id=secrets.token_urlsafe(12), id=row["id"])
    await engine().run_ddl("CREATE UNIQUE INDEX board_public_id ON board (public_id)")


async def forwards() -> MigrationManager:
    manager = await _columns()
    manager.add_raw(_public_ids)
    return manager
