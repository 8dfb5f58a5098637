"""CPU-heavy work on uploads — decoding a picture, parsing a spreadsheet — off the event loop.

One request's 12000×12000 picture or 150 KB spreadsheet made every other request of the server
wait seconds when it was decoded on the event loop. Here it runs in a worker thread, and at most
``MAX_AT_ONCE`` such jobs run at a time per event loop (server process), so a burst of uploads
queues behind each other instead of taking every thread and all the memory; the kiosk's sales
and the notice boards go on meanwhile. The jobs bound their own size and time (see
:mod:`backend.spreadsheets` and the picture modules).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

T = TypeVar("T")
MAX_AT_ONCE = 2
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _limiter() -> CapacityLimiter:
    loop = asyncio.get_running_loop()
    if loop not in _limiters:
        _limiters[loop] = CapacityLimiter(MAX_AT_ONCE)
    return _limiters[loop]


async def run_heavy(work: Callable[..., T], *args: object) -> T:
    """``work(*args)`` in a worker thread, at most MAX_AT_ONCE at a time."""
    return await anyio.to_thread.run_sync(work, *args, limiter=_limiter())
