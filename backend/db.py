"""The database engine and the one way services open a write transaction.

SQLite and PostgreSQL lock differently. PostgreSQL takes row locks and guarded updates inside an
ordinary transaction. SQLite has one writer: a transaction that reads and then writes must start
with ``BEGIN IMMEDIATE`` or it dies with "database is locked" on upgrade, and the embedded
deployment is one process, so an ``asyncio.Lock`` queues writers there instead of letting them
spin on the busy timeout (STACK-NOTES: 300 writers went from 4-5 s to under 1 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from backend.settings import Settings

# Piccolo finds its configuration by module name; ours lives in the package.
os.environ["PICCOLO_CONF"] = "backend.piccolo_conf"

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def engine_from_settings(settings: Settings) -> Engine:
    url = settings.database_url
    if settings.is_sqlite:
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    parsed = urlparse(url)
    config: dict[str, Any] = {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "database": parsed.path.lstrip("/"),
        "user": unquote(parsed.username) if parsed.username else "postgres",
    }
    if parsed.password:
        config["password"] = unquote(parsed.password)
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


async def ping() -> bool:
    try:
        await engine().run_ddl("SELECT 1")
    except Exception:
        return False
    return True
