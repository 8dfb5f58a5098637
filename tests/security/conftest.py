"""Helpers for the attacks: clients that come from addresses of their choosing."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from litestar import Litestar

from backend.app import create_app
from tests.asgi import plain_asgi

_addresses = itertools.count(1)


def new_address() -> str:
    """An address no other test uses, so per-address counters start at zero."""
    n = next(_addresses)
    return f"10.{77 + n // 65536 % 100}.{n // 256 % 256}.{n % 256}"


ClientAt = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(scope="module")
def app() -> Litestar:
    return create_app(background_jobs=False)


@pytest.fixture
def client_at(app: Litestar) -> ClientAt:
    """``async with client_at("10.0.0.1") as c:`` — real HTTP through the app, from there,
    with its own cookies (a browser of its own)."""

    @asynccontextmanager
    async def open_client(address: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=plain_asgi(app), client=(address, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c

    return open_client
