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
