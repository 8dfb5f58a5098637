"""The plain ASGI types the tests' wrappers and httpx's ASGITransport speak, and Litestar's app
seen as one of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

from litestar import Litestar

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def plain_asgi(app: Litestar) -> ASGIApp:
    """``app`` as a plain ASGI callable. Litestar types its scope and messages as TypedDicts and
    httpx (like tests/clockserver.py) as ``MutableMapping``: the same dicts at run time, but
    mypy cannot take a callable of the narrower type for the wider one, so the one cast is
    here rather than at every transport."""
    return cast(ASGIApp, app)
