"""The notice board's live stream hears a rebuild of its own village's boards, whichever node of
a Redis Cluster holds the village (the notice is PUBLISHed after the swap, outside any
pipeline)."""

from __future__ import annotations

import asyncio

from httpx import AsyncClient

from backend.boards.live import events, slots
from backend.boards.redis_leaderboards import rebuild
from tests.factories import make_place, make_town


async def test_a_rebuild_reaches_the_villages_open_screens(client: AsyncClient) -> None:
    mine = await make_place((await make_town()).id, with_users=False)
    slots.take("10.9.9.9")
    stream = events(mine.village_id, "10.9.9.9")
    try:
        assert await anext(stream) == "hello"
        said: list[str] = []
        while "update" not in said and len(said) < 5:  # a keepalive may come first
            # The stream subscribes inside the call; rebuild until it says something.
            heard = asyncio.ensure_future(anext(stream))
            while not heard.done():
                await rebuild(mine.village_id)
                await asyncio.wait([heard], timeout=0.05)
            said.append(heard.result())
        assert said[-1] == "update", said
    finally:
        await stream.aclose()
    assert slots.by_address["10.9.9.9"] == 0
