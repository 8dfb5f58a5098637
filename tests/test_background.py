"""The jobs the server runs on a beat while it serves, as it starts and stops them."""

from __future__ import annotations

import asyncio

from backend import background


async def test_a_job_runs_at_start_and_stops_with_the_server_even_when_a_cancel_is_lost() -> None:
    """A cancel that lands while asyncpg returns a connection to its pool can vanish; the
    boards' loop then ran on and ``jifen serve`` never finished stopping. This job swallows the
    cancel the way that release did; the server must stop all the same."""
    running = asyncio.Event()
    rounds = 0

    async def job_that_loses_the_cancel(stop: asyncio.Event) -> None:
        nonlocal rounds
        rounds += 1
        running.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            return

    async def serve_until_the_job_runs() -> None:
        async with background.every(3600, job_that_loses_the_cancel, "test job")(None):  # type: ignore[arg-type]
            await running.wait()

    serving = asyncio.create_task(serve_until_the_job_runs())
    done, _ = await asyncio.wait({serving}, timeout=30)
    assert serving in done, "a background job kept the server from stopping"
    serving.result()
    assert rounds == 1


async def test_a_failing_round_is_tried_again() -> None:
    attempts: list[int] = []
    retried = asyncio.Event()

    async def flaky(stop: asyncio.Event) -> None:
        attempts.append(len(attempts))
        if len(attempts) == 1:
            raise RuntimeError("the database went away for a moment")
        retried.set()

    async with background.every(0.01, flaky, "flaky job")(None):  # type: ignore[arg-type]
        await asyncio.wait_for(retried.wait(), 30)
    assert len(attempts) >= 2
