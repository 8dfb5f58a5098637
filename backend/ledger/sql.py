"""Statements of the write path, run on the current transaction's own connection.

The write path is a handful of guarded statements (``UPDATE … WHERE … RETURNING``) that the query
builder cannot all express on both engines; running them straight on the transaction's
connection also saves a layer per round trip on the hot path. Statements are written once with
PostgreSQL's ``$n`` placeholders; SQLite reads the same numbers as ``?n``.
"""

from __future__ import annotations

from typing import Any

from piccolo.engine.postgres import PostgresEngine

from backend.db import engine


async def fetch(statement: str, *args: Any) -> list[dict[str, Any]]:
    """Rows of one statement, inside the open write transaction (there must be one)."""
    db = engine()
    transaction = db.current_transaction.get()
    if transaction is None:
        raise RuntimeError("ledger statements run inside write_transaction()")
    connection = transaction.connection
    if isinstance(db, PostgresEngine):
        return [dict(row) for row in await connection.fetch(statement, *args)]
    async with connection.execute(statement.replace("$", "?"), args) as cursor:
        rows: list[dict[str, Any]] = await cursor.fetchall()
    return rows


async def first(statement: str, *args: Any) -> dict[str, Any] | None:
    rows = await fetch(statement, *args)
    return rows[0] if rows else None
