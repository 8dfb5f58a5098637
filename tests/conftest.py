"""Test setup: a real database (SQLite file, or the PostgreSQL that scripts/test names) and a
real Redis (in-process, or the server), migrated once per session.

Tests isolate by building their own village rather than by truncating, which is how the product
isolates tenants too. The environment is set before ``backend`` is imported because Piccolo
picks its engine at import.

Time is the tests' clock (tests/clock.py), installed here before anything reads it: every test
starts at ``START`` and moves time with the ``clock`` fixture, never by the wall clock.
"""

from __future__ import annotations

import os
import tempfile

os.environ["JIFEN_VAR_DIR"] = tempfile.mkdtemp(prefix="jifen-test-")
os.environ.setdefault("JIFEN_REDIS_URL", "memory://")
os.environ.setdefault("JIFEN_SECRET_KEY", "test-only-secret-0123456789abcdef")

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from backend import cache, db
from backend.app import create_app
from backend.migrations import migrate
from backend.settings import get_settings
from tests.asgi import plain_asgi
from tests.clock import CLOCK, TestClock
from tests.factories import World, build_world
from tests.server import ServerProcess

CLOCK.local.install()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests (real row-lock concurrency, pg_dump) are not collected on the
    SQLite run, nor SQLite-only ones (restoring the embedded file) on the PostgreSQL run, nor
    the failover tests (``ha``: they kill a node of scripts/ha's cluster) outside their leg."""
    other = {"postgres_only" if get_settings().is_sqlite else "sqlite_only"}
    if os.environ.get("JIFEN_HA") != "1":  # the failover leg of .ci/run sets it
        other.add("ha")
    kept = [i for i in items if not any(i.get_closest_marker(m) for m in other)]
    deselected = [i for i in items if any(i.get_closest_marker(m) for m in other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


async def _reset_postgres() -> None:
    name = get_settings().database_url.rsplit("/", 1)[-1]
    if "test" not in name:
        raise RuntimeError(f"refusing to wipe database {name!r}: its name must contain 'test'")
    await db.engine().run_ddl("DROP SCHEMA public CASCADE")
    await db.engine().run_ddl("CREATE SCHEMA public")


@pytest.fixture(scope="session", autouse=True)
async def database() -> AsyncIterator[None]:
    if not get_settings().is_sqlite:
        await _reset_postgres()
    await migrate()
    await db.start()
    await cache.redis().flushdb()
    yield
    await db.stop()
    await cache.close()


@pytest.fixture(autouse=True)
def clock() -> TestClock:
    """The tests' clock, back at ``START`` for every test (here and in the test servers):
    ``await clock.advance(timedelta(days=3))`` moves this process, the servers and the open
    browser pages forward together; ``clock.now()`` is ``backend.clock.now()``."""
    CLOCK.restart()
    return CLOCK


@pytest.fixture(scope="session")
def server_url(database: None) -> Iterator[str]:
    """The real server process on the tests' database and Redis, for the whole session."""
    server = ServerProcess("e2e-server")
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
async def client(database: None) -> AsyncIterator[httpx.AsyncClient]:
    """Real HTTP requests through the ASGI app on the test's own event loop (the database pool
    and Redis connections are bound to it); a fresh client per test, so no cookie leaks."""
    transport = httpx.ASGITransport(
        app=plain_asgi(create_app(background_jobs=False)), client=("127.0.0.1", 50000)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture(scope="session")
async def world(database: None) -> World:
    """Two villages of one town and one of another, with households and a user per role.

    Shared by the session: tests may add to it but must not change what others read.
    """
    return await build_world()
