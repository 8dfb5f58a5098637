"""Live updates for the notice-board screen: catch up the boards after postings, and fan the
news out through Redis pub/sub to every screen's server-sent-event stream."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from litestar import Litestar
from redis.exceptions import RedisError

from backend import cache
from backend.boards.ranks import catch_up, updates_channel
from backend.ledger.tables import LedgerHead

log = logging.getLogger("jifen.boards")
WATCH_SECONDS = 2.0
KEEPALIVE_SECONDS = 15.0


async def watch_forever(stop: asyncio.Event) -> None:
    """Apply new postings to the boards every few seconds until ``stop`` is set (the app runs
    this in the background; a crash anywhere is repaired by the next round, since the ledger is
    the log).

    Stopping is an event, not only a cancellation: a cancel that lands while asyncpg hands a
    connection back to its pool (a shielded release) can be lost, and this loop then ran on
    forever while the server waited for it to end: ``jifen serve`` ignored SIGTERM."""
    while not stop.is_set():
        try:
            for head in await LedgerHead.select(LedgerHead.village).run():
                if stop.is_set():
                    break
                await catch_up(head["village"])
        except (RedisError, OSError) as exc:
            cache.failures["count"] += 1
            log.warning("board catch-up skipped, Redis unavailable: %s", exc)
        except Exception:
            log.exception("board catch-up failed; retrying")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), WATCH_SECONDS)


@contextlib.asynccontextmanager
async def background_watch(app: Litestar) -> AsyncIterator[None]:
    """Litestar lifespan: run :func:`watch_forever` while the app serves."""
    stop = asyncio.Event()
    task = asyncio.create_task(watch_forever(stop))
    try:
        yield
    finally:
        stop.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def events(village_id: int) -> AsyncIterator[str]:
    """``update`` whenever the village's boards change; a comment now and then keeps the
    connection open through proxies. Without Redis the screen is told to poll."""
    yield "hello"
    while True:
        try:
            pubsub = cache.redis().pubsub()
            await pubsub.subscribe(updates_channel(village_id))
            try:
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True,
                                                       timeout=KEEPALIVE_SECONDS)
                    yield "update" if message else "keepalive"
            finally:
                await pubsub.aclose()
        except (RedisError, OSError):
            yield "poll"
            await asyncio.sleep(KEEPALIVE_SECONDS)
