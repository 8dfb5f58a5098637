"""Statements of the write path, run on the current transaction's own connection.

The write path is a handful of guarded statements (``UPDATE … WHERE … RETURNING``) that the query
builder cannot all express on both engines; running them straight on the transaction's
connection also saves a layer per round trip on the hot path. Statements are written once with
PostgreSQL's ``$n`` placeholders; SQLite reads the same numbers as ``?n`` (see
:func:`backend.db.fetch`).
"""

from __future__ import annotations

from typing import Any

from backend import db


async def fetch(statement: str, *args: Any) -> list[dict[str, Any]]:
    """Rows of one statement, inside the open write transaction (there must be one)."""
    if db.engine().current_transaction.get() is None:
        raise RuntimeError("ledger statements run inside write_transaction()")
    return await db.fetch(statement, *args)


async def first(statement: str, *args: Any) -> dict[str, Any] | None:
    rows = await fetch(statement, *args)
    return rows[0] if rows else None


async def call(statement: str, *args: Any) -> dict[str, Any] | None:
    """PostgreSQL: the first row of one statement, in the open transaction if there is one, else
    as a transaction of its own on a pooled connection — one round trip, no BEGIN or COMMIT."""
    db = engine()
    assert isinstance(db, PostgresEngine)
    transaction = db.current_transaction.get()
    if transaction is not None:
        row = await transaction.connection.fetchrow(statement, *args)
    elif db.pool is not None:
        row = await db.pool.fetchrow(statement, *args)
    else:
        connection = await db.get_new_connection()
        try:
            row = await connection.fetchrow(statement, *args)
        finally:
            await connection.close()
    return dict(row) if row is not None else None
