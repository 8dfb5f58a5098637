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

Hand-written statements (:func:`fetch`, :func:`first`) name their parameters, one text for
both engines::

    await fetch("SELECT id FROM household WHERE village = :village AND id IN (:ids)",
                village=village_id, ids=[3, 5, 8])

- ``:name`` is a parameter; a name used twice is bound once. Each statement text is parsed
  once (cached) into PostgreSQL's ``$n`` or SQLite's ``?n``, numbered by first use.
- ``::`` is PostgreSQL's cast (``:day::date`` is the parameter ``day`` cast to date), and
  nothing inside a string, a quoted name or a ``--`` comment is a parameter. Dollar-quoted
  bodies and ``/* */`` comments are not understood: keep ``:word`` out of them.
- A list or tuple value stands for one parameter per item, comma-separated, on both engines:
  write ``IN (:ids)``. An empty list is refused (``IN ()`` is not SQL). JSON is passed as its
  text (``json.dumps``), never as a list.
- :class:`Array` wraps a list to bind it as one PostgreSQL array instead
  (``unnest(CAST(:ids AS INTEGER[]))``, ``= ANY(CAST(:ids AS INTEGER[]))``): one statement
  text whatever the list's length, so the prepared statement is planned once. SQLite has no
  arrays, and refuses it.
- A parameter the statement names but the call does not give, or one given but not named, is
  a ``TypeError`` naming it, before anything is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qs, unquote, urlparse

import aiosqlite
import asyncpg
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.query.methods.select import Select
from piccolo.table import Table

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


def require_transaction(what: str) -> None:
    """Refuse to run ``what`` outside :func:`write_transaction`: writes that must commit or
    vanish with their caller's (a ledger statement, a spent phone code)."""
    if engine().current_transaction.get() is None:
        raise RuntimeError(f"{what} must run inside write_transaction()")


Query = TypeVar("Query", bound=Select)


def locked(
    query: Query,
    strength: Literal["UPDATE", "SHARE"] = "UPDATE",
    *,
    of: tuple[type[Table], ...] = (),
) -> Query:
    """``query`` taking its rows ``FOR UPDATE`` (or ``FOR SHARE``) on PostgreSQL, so that
    writers of the same rows queue up; ``of`` limits the lock to those tables' rows.

    On SQLite the query is returned as it is: SQLite has no row locks, and needs none, because
    :func:`write_transaction` starts with ``BEGIN IMMEDIATE`` under the process's writer lock,
    so the transaction that reads holds the database against every other writer until it
    commits."""
    if not is_postgres():
        return query
    return query.lock_rows(strength, of=of)


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


@dataclass(frozen=True, slots=True)
class Array:
    """One parameter bound as a PostgreSQL array, where a bare list would be spread into one
    parameter per item (the module's docstring); PostgreSQL only."""

    values: Sequence[Any]


@dataclass(frozen=True, slots=True)
class Parsed:
    """A statement with named parameters, cut at them.

    Attributes:
        pieces: the text around the parameters, one more than ``names``.
        names: the parameter at each place, in order, repeats included.
        order: each name once, in order of first use: the order values are bound in.
        known: the same names as a set, to check a call's names against (a batch insert
            names thousands).
    """

    pieces: tuple[str, ...]
    names: tuple[str, ...]
    order: tuple[str, ...]
    known: frozenset[str]

    def join(self, marks: Mapping[str, str]) -> str:
        """The text with each parameter replaced by its mark (``$1``, ``?2, ?3``)."""
        out = [self.pieces[0]]
        for name, piece in zip(self.names, self.pieces[1:], strict=True):
            out += [marks[name], piece]
        return "".join(out)


# What the scan steps over whole, so that no ``:`` inside it is read as a parameter; then the
# parameter itself.
_TOKEN = re.compile(
    r"""
      '(?:[^']|'')*'        # a string, 'it''s' included
    | "(?:[^"]|"")*"        # a quoted name
    | --[^\n]*              # a comment to the end of the line
    | ::                    # a cast
    | :(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)


@functools.lru_cache(maxsize=1024)
def parse(statement: str) -> Parsed:
    """``statement`` cut at its ``:name`` parameters (see the module's docstring)."""
    pieces: list[str] = []
    names: list[str] = []
    start = 0
    for found in _TOKEN.finditer(statement):
        if found["name"] is not None:
            pieces.append(statement[start : found.start()])
            names.append(found["name"])
            start = found.end()
    pieces.append(statement[start:])
    return Parsed(tuple(pieces), tuple(names), tuple(dict.fromkeys(names)), frozenset(names))


@functools.lru_cache(maxsize=1024)
def _numbered(statement: str, mark: str) -> str:
    """The text of a statement whose values are all single, for one engine's ``mark``."""
    parsed = parse(statement)
    return parsed.join({name: f"{mark}{n}" for n, name in enumerate(parsed.order, start=1)})


def bind(statement: str, params: Mapping[str, Any], mark: str) -> tuple[str, list[Any]]:
    """The engine's text of ``statement`` (``mark``: ``$`` for PostgreSQL, ``?`` for SQLite)
    and its values in order; a list or tuple value is spread over one parameter per item, an
    :class:`Array` is one parameter."""
    parsed = parse(statement)
    missing = [name for name in parsed.order if name not in params]
    unused = [name for name in params if name not in parsed.known]
    if missing or unused:
        problems = [f":{n} not given" for n in missing] + [f"{n}= not used" for n in unused]
        named = ", ".join(f":{n}" for n in parsed.order) or "no parameter"
        raise TypeError(f"{'; '.join(problems)} (it names {named}): {statement[:120]!r}")
    given = [params[name] for name in parsed.order]
    spreads = [isinstance(value, list | tuple) for value in given]
    if any(isinstance(value, Array) for value in given):
        if mark != "$":
            raise TypeError(
                f"an Array parameter is PostgreSQL's, SQLite has none: {statement[:120]!r}"
            )
        given = [list(value.values) if isinstance(value, Array) else value for value in given]
    if not any(spreads):
        return _numbered(statement, mark), given
    marks: dict[str, str] = {}
    spread: list[Any] = []
    for name, value, many in zip(parsed.order, given, spreads, strict=True):
        items = list(value) if many else [value]
        if not items:
            raise ValueError(f"parameter {name} is an empty list (IN () is not SQL)")
        marks[name] = ", ".join(f"{mark}{len(spread) + n}" for n in range(1, len(items) + 1))
        spread += items
    return parsed.join(marks), spread


def values(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[str, dict[str, Any]]:
    """The ``VALUES`` rows of a many-row INSERT into ``columns`` and their parameters, each
    named after its column and row (``(:seq_0, :hash_0), (:seq_1, :hash_1)``): one statement
    instead of a round trip per row, the columns written once."""
    marks = ", ".join(
        "(" + ", ".join(f":{column}_{n}" for column in columns) + ")" for n in range(len(rows))
    )
    params = {
        f"{column}_{n}": value
        for n, row in enumerate(rows)
        for column, value in zip(columns, row, strict=True)
    }
    return marks, params


async def fetch(statement: str, /, **params: Any) -> list[dict[str, Any]]:
    """Rows of one hand-written statement with ``:name`` parameters given by keyword (the
    module's docstring has the rules), on the open transaction's connection if there is one.

    For hot paths where the query builder costs more than it gives (a sale, a token lookup):
    one round trip, one thread hop on SQLite, no query object to build."""
    db = engine()
    text, bound = bind(statement, params, "$" if isinstance(db, PostgresEngine) else "?")
    transaction = db.current_transaction.get()
    if isinstance(db, PostgresEngine):
        if transaction is not None:
            return [dict(row) for row in await transaction.connection.fetch(text, *bound)]
        if db.pool is None:  # a script that never called start()
            connection = await db.get_new_connection()
            try:
                return [dict(row) for row in await connection.fetch(text, *bound)]
            finally:
                await connection.close()
        async with db.pool.acquire() as connection:
            return [dict(row) for row in await connection.fetch(text, *bound)]
    assert isinstance(db, PooledSQLiteEngine)
    if transaction is not None:
        return list(await transaction.connection.execute_fetchall(text, bound))
    return list(await db._run_in_new_connection(text, bound))


async def first(statement: str, /, **params: Any) -> dict[str, Any] | None:
    """The first row of :func:`fetch`, or None."""
    rows = await fetch(statement, **params)
    return rows[0] if rows else None


async def ping() -> bool:
    try:
        await engine().run_ddl("SELECT 1")
    except Exception:
        return False
    return True
