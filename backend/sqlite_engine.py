"""SQLite without a thread hop per statement: the embedded default's engine.

Piccolo talks to SQLite through aiosqlite, which runs every call (the PRAGMA Piccolo sends before
each query, the execute, the fetch, the cursor's close) on a worker thread and wakes the event
loop for each result: a sale of twenty-odd statements paid more for those hops than for SQLite.
The embedded deployment is one process whose writers already queue on one lock
(:func:`backend.db.write_transaction`), and SQLite answers a village-sized query in
microseconds, so here the calls run inline: the same aiosqlite-shaped objects Piccolo expects,
doing the work directly on the connection. A statement that has to wait for another *process's*
write lock (a CLI command beside the server) holds the event loop for that wait, at most the busy
timeout — the price of the embedded default; PostgreSQL is the engine for anything larger.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator, Sequence
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, dict_factory


class InlineCursor:
    """The async face of a ``sqlite3.Cursor`` that aiosqlite gives, without the thread."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def description(self) -> Any:
        return self._cursor.description

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int) -> list[Any]:
        return self._cursor.fetchmany(size)

    async def close(self) -> None:
        self._cursor.close()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()


class _Executed:
    """What ``connection.execute(...)`` returns: awaitable, or an ``async with`` block."""

    def __init__(self, connection: sqlite3.Connection, sql: str, parameters: Sequence[Any]):
        self._cursor = InlineCursor(connection.execute(sql, parameters))

    def __await__(self) -> Generator[Any, None, InlineCursor]:
        if False:  # pragma: no cover - makes this a generator without suspending
            yield
        return self._cursor

    async def __aenter__(self) -> InlineCursor:
        return self._cursor

    async def __aexit__(self, *_exc: object) -> None:
        await self._cursor.close()


class InlineConnection:
    """The async face of a ``sqlite3.Connection`` that Piccolo uses."""

    def __init__(self, **kwargs: Any) -> None:
        self._connection = sqlite3.connect(check_same_thread=False, **kwargs)
        self._connection.row_factory = dict_factory
        self._connection.execute("PRAGMA foreign_keys = 1")

    @property
    def row_factory(self) -> Any:
        return self._connection.row_factory

    @row_factory.setter
    def row_factory(self, factory: Any) -> None:
        self._connection.row_factory = factory

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> _Executed:
        return _Executed(self._connection, sql, parameters)

    async def commit(self) -> None:
        self._connection.commit()

    async def rollback(self) -> None:
        self._connection.rollback()

    async def close(self) -> None:
        self._connection.close()

    async def __aenter__(self) -> InlineConnection:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._connection.close()


class InlineSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine with :class:`InlineConnection` in place of aiosqlite."""

    async def get_connection(self) -> Any:
        return InlineConnection(**self.connection_kwargs)

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        async with (
            InlineConnection(**self.connection_kwargs) as connection,
            connection.execute(query, args or []) as cursor,
        ):
            rows = await cursor.fetchall()
            await connection.commit()
            return rows

    async def _run_in_existing_connection(
        self, connection: Any, query: str, args: list[Any] | None = None,
        query_type: str = "generic", table: Any = None,
    ) -> Any:
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()
