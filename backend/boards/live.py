"""Live updates for the notice-board screen: catch up the boards after postings, and fan the
news out through Redis pub/sub to every screen's server-sent-event stream.

The streams are public and each holds a connection, so they are capped per address and in all
(per server process: ``JIFEN_EVENT_STREAMS_PER_ADDRESS``, ``JIFEN_EVENT_STREAMS``) and
subscribe through a Redis pool of their own (:func:`backend.cache.subscriber`)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncGenerator

from backend import background, cache
from backend.boards.errors import TooManyStreams
from backend.boards.redis_leaderboards import catch_up, updates_channel
from backend.ledger.tables import LedgerHead
from backend.settings import get_settings

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
    except cache.UNAVAILABLE as exc:
        cache.failures["count"] += 1
        log.warning("board catch-up skipped, Redis unavailable: %s", exc)


background_watch = background.every(WATCH_SECONDS, catch_up_all, "boards catch-up")


class StreamSlots:
    """How many event streams this process holds open, per address and in all."""

    def __init__(self) -> None:
        self.by_address: Counter[str] = Counter()

    def take(self, address: str) -> None:
        """Hold a slot for a new stream, or refuse it (429) when either cap is reached."""
        settings = get_settings()
        if (
            self.by_address[address] >= settings.event_streams_per_address
            or self.by_address.total() >= settings.event_streams_total
        ):
            raise TooManyStreams(retry_after=int(KEEPALIVE_SECONDS * 2))
        self.by_address[address] += 1

    def give_back(self, address: str) -> None:
        self.by_address[address] -= 1
        if self.by_address[address] <= 0:
            del self.by_address[address]


slots = StreamSlots()


async def events(village_id: int, address: str) -> AsyncGenerator[str, None]:
    """``update`` whenever the village's boards change; a comment now and then keeps the
    connection open through proxies. Without Redis the screen is told to poll. The caller
    took a slot for ``address`` (:data:`slots`); it is given back when the stream ends."""
    try:
        yield "hello"
        while True:
            try:
                pubsub = await cache.pubsub()
                await pubsub.subscribe(updates_channel(village_id))
                try:
                    while True:
                        message = await pubsub.get_message(
                            ignore_subscribe_messages=True, timeout=KEEPALIVE_SECONDS
                        )
                        yield "update" if message else "keepalive"
                finally:
                    await pubsub.aclose()
            except cache.UNAVAILABLE:
                yield "poll"
                await asyncio.sleep(KEEPALIVE_SECONDS)
    finally:
        slots.give_back(address)
