"""Live updates for the notice-board screen: catch up the boards after postings, and fan the
news out through Redis pub/sub to every screen's server-sent-event stream."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from redis.exceptions import RedisError

from backend import background, cache
from backend.boards.ranks import catch_up, updates_channel
from backend.ledger.tables import LedgerHead

log = logging.getLogger("jifen.boards")
WATCH_SECONDS = 2.0
KEEPALIVE_SECONDS = 15.0


async def catch_up_all(stop: asyncio.Event) -> None:
    """Apply new postings to every village's boards (a crash anywhere is repaired by the next
    round, since the ledger is the log). Without Redis there is nothing to keep current."""
    try:
        for head in await LedgerHead.select(LedgerHead.village).run():
            if stop.is_set():
                return
            await catch_up(head["village"])
    except (RedisError, OSError) as exc:
        cache.failures["count"] += 1
        log.warning("board catch-up skipped, Redis unavailable: %s", exc)


background_watch = background.every(WATCH_SECONDS, catch_up_all, "boards catch-up")


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
