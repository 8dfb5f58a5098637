"""Jobs the server runs on a beat while it serves: the boards' catch-up, the pruning of spent
phone codes. Each worker runs its own; every job is safe to run twice at once.

A job stops on an event, not only on a cancel: a cancel that lands while asyncpg hands a
connection back to its pool (a shielded release) can be lost, and a loop that only listened
for cancels then ran on while the server waited for it: ``jifen serve`` ignored SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager

from litestar import Litestar

log = logging.getLogger("jifen.background")

Job = Callable[[asyncio.Event], Awaitable[None]]
Lifespan = Callable[[Litestar], AbstractAsyncContextManager[None]]


def every(seconds: float, job: Job, name: str) -> Lifespan:
    """A Litestar lifespan running ``job(stop)`` now and then every ``seconds`` until the server
    stops; a long job looks at ``stop`` between its steps. A failing round is logged and the
    next one tries again."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(_repeat(seconds, job, name, stop), name=name)
        try:
            yield
        finally:
            stop.set()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan


async def _repeat(seconds: float, job: Job, name: str, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await job(stop)
        except Exception:
            log.exception("%s failed; trying again in %.0f s", name, seconds)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)
