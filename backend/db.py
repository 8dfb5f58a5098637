"""The database engine, the one way services open a write transaction, and raw statements.

SQLite and PostgreSQL lock differently. PostgreSQL takes row locks and guarded updates inside an
ordinary transaction. SQLite has one writer: a transaction that reads and then writes must start
with ``BEGIN IMMEDIATE`` or it dies with "database is locked" on upgrade, and the embedded
deployment is one process, so an ``asyncio.Lock`` queues writers there instead of letting them
spin on the busy timeout (docs/stack-notes.md: 300 writers went from 4-5 s to under 1 s).

Piccolo's SQLite engine opens a new aiosqlite connection — a new thread and a fresh read of the
schema — for every transaction and for every statement outside one, and sends
``PRAGMA foreign_keys`` before each statement, three thread hops per statement: a kiosk sale
spent more time there than in SQLite. :class:`PooledSQLiteEngine` keeps connections open and
runs each statement in one hop; each connection still has its own thread, so a statement that
waits for another process's write lock waits there, never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import aiosqlite
import asyncpg
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from backend.settings import Settings

# Piccolo finds its configuration by module name; ours lives in the package.
os.environ["PICCOLO_CONF"] = "backend.piccolo_conf"

SQLITE_BUSY_TIMEOUT_SECONDS = 30
SQLITE_IDLE_CONNECTIONS = 8


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine on reused connections, one thread hop per statement."""

    def __init__(self, path: str, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self.idle: list[aiosqlite.Connection] = []

    async def acquire(self) -> aiosqlite.Connection:
        if self.idle:
            return self.idle.pop()
        connection = aiosqlite.connect(**self.connection_kwargs)
        # A daemon thread: a pool nobody closed must not keep the interpreter from exiting.
        connection._thread.daemon = True
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute_fetchall("PRAGMA foreign_keys = 1")
        return connection

    async def release(self, connection: aiosqlite.Connection) -> None:
        """Back to the pool, unless it is still inside a transaction (a failed COMMIT or
        ROLLBACK): such a connection is closed, which rolls it back."""
        if connection.in_transaction or len(self.idle) >= SQLITE_IDLE_CONNECTIONS:
            await connection.close()
        else:
            self.idle.append(connection)

    async def close_idle(self) -> None:
        while self.idle:
            await self.idle.pop().close()

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        connection = await self.acquire()
        try:
            return list(await connection.execute_fetchall(query, args or []))
        finally:
            await self.release(connection)

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        return list(await connection.execute_fetchall(query, args or []))

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return _PooledTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )


class _PooledTransaction(SQLiteTransaction):
    """A transaction on a pooled connection, handed back (not closed) at the end."""

    engine: PooledSQLiteEngine

    async def get_connection(self) -> aiosqlite.Connection:
        return await self.engine.acquire()

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception is not None:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self.engine.current_transaction.reset(self.context)
            await self.engine.release(self.connection)
        return exception is None


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///path`` URL."""
    return Path(url.removeprefix("sqlite:///"))


_HOST_PORT = re.compile(r"^(?:\[(?P<v6>[^\]]+)\]|(?P<host>[^:]*))(?::(?P<port>\d+))?$")


def postgres_config(url: str) -> dict[str, Any]:
    """asyncpg's connection arguments (host, port, database, user, password) from a
    ``postgresql://`` URL; the backup hands the same ones to pg_dump as ``PG*`` variables.

    A high-availability deployment names every node, ``postgresql://u@h1:p1,h2:p2/db?
    target_session_attrs=read-write`` (docs/deploy-ha.md): host and port are then lists, in
    order, and asyncpg (like libpq) connects to the first node that is the writable primary, so
    a pool whose primary died finds the promoted standby by itself."""
    parsed = urlparse(url)
    userinfo, _, hosts = parsed.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    names: list[str] = []
    ports: list[int] = []
    for item in hosts.split(","):
        found = _HOST_PORT.match(item)
        if found is None:
            raise ValueError(f"not a host[:port] in the database URL: {item!r}")
        names.append(found["v6"] or found["host"] or "127.0.0.1")
        ports.append(int(found["port"] or 5432))
    config: dict[str, Any] = {
        "host": names[0] if len(names) == 1 else names,
        "port": ports[0] if len(ports) == 1 else ports,
        "database": parsed.path.lstrip("/"),
        "user": unquote(user) if user else "postgres",
    }
    if password:
        config["password"] = unquote(password)
    attrs = parse_qs(parsed.query).get("target_session_attrs")
    if attrs:
        config["target_session_attrs"] = attrs[-1]
    return config


def pooler_config(pooler: str) -> dict[str, Any]:
    """asyncpg's arguments for what sits in front of PostgreSQL.

    PgBouncer in transaction mode (Debian's 1.18) hands each transaction, and each statement
    outside one, to whichever server connection is free, and does not track prepared
    statements (1.21 learnt to). asyncpg prepares and caches every statement by name; with
    ``statement_cache_size=0`` it uses unnamed statements and re-parses them within one
    protocol exchange, which survives the hand-over (asyncpg issues 1041/1058). Nothing else
    here keeps session state — no SET, LISTEN or advisory locks (:func:`_keep_session`) —
    which transaction pooling would lose."""
    if pooler == "pgbouncer-transaction":
        return {"statement_cache_size": 0}
    return {}


def engine_from_settings(settings: Settings) -> Engine:
    if settings.is_sqlite:
        path = sqlite_path(settings.database_url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return PooledSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    config = postgres_config(settings.database_url) | pooler_config(settings.database_pooler)
    return PostgresEngine(config=config, extensions=())


def engine() -> Engine:
    from backend import piccolo_conf

    return piccolo_conf.DB


_sqlite_writers: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}


def _sqlite_writer() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _sqlite_writers.get(loop)
    if lock is None:
        lock = _sqlite_writers[loop] = asyncio.Lock()
    return lock


@contextlib.asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """Open the transaction every service write runs in; commit on exit, roll back on error.

    Inside an open transaction this joins it, so a service may call another service's writer.
    """
    db = engine()
    if db.current_transaction.get() is not None:
        yield
    elif isinstance(db, SQLiteEngine):
        async with _sqlite_writer(), db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


def is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


async def _keep_session(connection: Any) -> None:
    """Return a connection to the pool as it is. asyncpg's default reset sends one more query
    (``RESET ALL; UNLISTEN *; …``) after every transaction — a sixth of the ledger's hot path —
    and nothing here changes session state (no SET, LISTEN or advisory locks); an unfinished
    transaction is still rolled back by asyncpg before this runs."""


async def start() -> None:
    """Open the PostgreSQL pool; SQLite needs nothing (WAL is set once by ``jifen migrate``)."""
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is None:
        await db.start_connection_pool(min_size=2, max_size=20, reset=_keep_session)


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
    elif isinstance(db, PooledSQLiteEngine):
        await db.close_idle()


FAILOVER_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # the connection died mid-statement, commit included
    asyncpg.exceptions.ReadOnlySQLTransactionError,  # a node that is a standby now
    asyncpg.exceptions.AdminShutdownError,  # "terminating connection due to ... postmaster exit"
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,  # "the database system is starting up"
    asyncpg.exceptions.TargetServerAttributeNotMatched,  # no node is the primary yet
    # "cannot switch to state 15; another operation is in progress": a pooled connection left
    # mid-operation by the failure of the statement before it (seen in the failover test)
    asyncpg.exceptions.InternalClientError,
    ConnectionError,  # refused or reset while connecting: every node down
)


def lost_primary(error: BaseException) -> bool:
    """Whether ``error`` is what a failover does to a request, not a fault of the request.

    asyncpg reports a statement sent on a connection it had already seen close as an
    ``InterfaceError`` ("connection is closed"), the same class as a programming mistake, so
    that one is told apart by its words."""
    if isinstance(error, FAILOVER_ERRORS):
        return True
    return isinstance(error, asyncpg.InterfaceError) and "connection is closed" in str(error)


_expiring: set[asyncio.Task[None]] = set()


def reconnect_pool() -> None:
    """After a failover error, let every pooled connection be replaced on its next use.

    asyncpg already replaces a connection that closed; this also retires the open ones, which
    may lead to a node that is a standby now (a switchover, or a proxy that sent them there).
    New connections go to the writable primary (``target_session_attrs``)."""
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        task = asyncio.get_running_loop().create_task(db.pool.expire_connections())
        _expiring.add(task)
        task.add_done_callback(_expiring.discard)


async def fetch(statement: str, *args: Any) -> list[dict[str, Any]]:
    """Rows of one hand-written statement, on the open transaction's connection if there is
    one. Written once with PostgreSQL's ``$n`` placeholders; SQLite reads them as ``?n``.

    For hot paths where the query builder costs more than it gives (a sale, a token lookup):
    one round trip, one thread hop on SQLite, no query object to build."""
    db = engine()
    transaction = db.current_transaction.get()
    if isinstance(db, PostgresEngine):
        if transaction is not None:
            return [dict(row) for row in await transaction.connection.fetch(statement, *args)]
        if db.pool is None:  # a script that never called start()
            connection = await db.get_new_connection()
            try:
                return [dict(row) for row in await connection.fetch(statement, *args)]
            finally:
                await connection.close()
        async with db.pool.acquire() as connection:
            return [dict(row) for row in await connection.fetch(statement, *args)]
    assert isinstance(db, PooledSQLiteEngine)
    sqlite_statement = statement.replace("$", "?")
    if transaction is not None:
        return list(await transaction.connection.execute_fetchall(sqlite_statement, args))
    return list(await db._run_in_new_connection(sqlite_statement, list(args)))


async def first(statement: str, *args: Any) -> dict[str, Any] | None:
    rows = await fetch(statement, *args)
    return rows[0] if rows else None


async def ping() -> bool:
    try:
        await engine().run_ddl("SELECT 1")
    except Exception:
        return False
    return True
