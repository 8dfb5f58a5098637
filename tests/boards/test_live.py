"""The background catch-up that keeps the boards fresh, as the server starts and stops it."""

from __future__ import annotations

import asyncio

import pytest

from backend.boards import live
from tests.factories import stocked_place


async def test_the_watcher_stops_with_the_server_even_when_a_cancel_is_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cancel that lands while asyncpg returns a connection to its pool can vanish; the
    watcher then looped on and ``jifen serve`` never finished stopping. Here a catch-up swallows
    the cancel the way that release did; the server must stop all the same."""
    await stocked_place()  # a village whose ledger has a head, so the watcher has work
    catching_up = asyncio.Event()

    async def catch_up_that_loses_the_cancel(village_id: int) -> None:
        catching_up.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            return

    monkeypatch.setattr(live, "catch_up", catch_up_that_loses_the_cancel)

    async def serve_until_caught_up() -> None:
        async with live.background_watch(app=None):  # type: ignore[arg-type]
            await catching_up.wait()

    serving = asyncio.create_task(serve_until_caught_up())
    done, _ = await asyncio.wait({serving}, timeout=30)
    assert serving in done, "the board watcher kept the server from stopping"
    serving.result()
