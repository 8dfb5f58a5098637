"""How every ``jifen`` command runs its async work: the database pool open, closed after.

Its own module so that the top-level command line (:mod:`backend.cli`, which gathers the
domains' commands) and the domains' command lines (``backend/*/cli.py``) both import it at the
top: when ``run`` lived in :mod:`backend.cli`, each domain imported it inside its commands to
dodge the cycle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from backend import cache, db


def run(work: Callable[[], Awaitable[Any]]) -> Any:
    """Run one piece of async work with the database pool open, and close everything after."""

    async def wrapped() -> Any:
        await db.start()
        try:
            return await work()
        finally:
            await db.stop()
            await cache.close()

    return asyncio.run(wrapped())
