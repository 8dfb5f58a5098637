"""The positional statements of :mod:`backend.ledger.posting`, each inside the open write
transaction.

What this module did is in :mod:`backend.db` now (:func:`~backend.db.fetch` with named
parameters, :func:`~backend.db.require_transaction`); posting.py still writes ``$n`` and imports
these two, and this module goes when it is written the named way.
"""

from __future__ import annotations

from typing import Any

from backend import db


async def fetch(statement: str, *args: Any) -> list[dict[str, Any]]:
    """Rows of one ``$n`` statement, inside the open write transaction (there must be one)."""
    db.require_transaction("ledger statements")
    return await db.fetch(statement, *args)


async def first(statement: str, *args: Any) -> dict[str, Any] | None:
    rows = await fetch(statement, *args)
    return rows[0] if rows else None
