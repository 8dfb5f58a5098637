"""The bank under faults (after Jepsen's bank test): a real server, 64 concurrent clients doing
awards, sales and voids with saved idempotency keys, the server killed with SIGKILL several times
and restarted, clients retrying with the same keys. Afterwards every acknowledged sale exists
exactly once, no transfer exists twice, balances add up to zero per village, no household is below
its floor, no stock is negative, and the ledger and the boards verify (tests/reliability/bank.py).
"""

from __future__ import annotations

import asyncio
import time

import httpx

from tests.reliability.bank import Ledgerbook, bank_places, check_bank, worker
from tests.reliability.conftest import long_tests
from tests.server import ServerProcess

CLIENTS = 64
KILLS = 3


async def killer(server: ServerProcess, seconds: float) -> None:
    for _ in range(KILLS):
        await asyncio.sleep(seconds / (KILLS + 1))
        server.kill()
        await asyncio.to_thread(server.start)


async def test_the_bank_survives_sigkill() -> None:
    places, codes = await bank_places()
    server = ServerProcess("bank-server")
    await asyncio.to_thread(server.start)
    seconds = 60.0 if long_tests() else 12.0
    book = Ledgerbook()
    deadline = time.monotonic() + seconds
    try:
        limits = httpx.Limits(max_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=30) as client:
            await asyncio.gather(
                killer(server, seconds),
                *(worker(n, client, places, codes, book, deadline) for n in range(CLIENTS)),
            )
    finally:
        server.stop()
    await check_bank(places, book)
