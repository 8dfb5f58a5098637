"""``python -m tests.clockserver``: the server ``python -m backend serve`` starts (the same app,
uvicorn with the same options, JIFEN_HOST/JIFEN_PORT), on the tests' clock.

It installs tests/clock.py's settable clock into ``backend.clock`` before the app is built, starting
from the anchor the test process passes (``TEST_CLOCK_AT``, ``TEST_CLOCK_MONOTONIC``), and wraps
the app in one more route, ``PUT /__test__/clock`` with a new anchor as JSON, which is how
``await clock.advance(...)`` reaches this process. The installed backend has neither: a
production server cannot be put on this clock (backend/clock.py).
"""

from __future__ import annotations

import json
import os
from datetime import datetime

import uvicorn

from backend.app import create_app as create_backend_app
from backend.cli import GRACEFUL_SHUTDOWN_SECONDS, proxy_arguments
from backend.settings import get_settings
from tests.asgi import ASGIApp, Receive, Scope, Send, plain_asgi
from tests.clock import CONTROL_PATH, Anchor, SettableClock

CLOCK = SettableClock(
    Anchor(
        datetime.fromisoformat(os.environ["TEST_CLOCK_AT"]),
        float(os.environ["TEST_CLOCK_MONOTONIC"]),
    )
)


def with_clock_control(app: ASGIApp) -> ASGIApp:
    """``app`` plus ``PUT /__test__/clock``; every other request goes to ``app`` untouched."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != CONTROL_PATH:
            await app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["method"] != "PUT":
            await _reply(send, 405)
            return
        CLOCK.anchor = Anchor.from_json(json.loads(body))
        await _reply(send, 204)

    return wrapped


async def _reply(send: Send, status: int) -> None:
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def create_app() -> ASGIApp:
    """The uvicorn factory: the backend's own app on the tests' clock."""
    CLOCK.install()
    return with_clock_control(plain_asgi(create_backend_app()))


def main() -> None:
    settings = get_settings()
    print(f"积分 Jifen (tests' clock) → http://{settings.host}:{settings.port}", flush=True)
    proxies = proxy_arguments(settings.trusted_proxies)  # what `jifen serve` passes
    uvicorn.run(
        create_app,
        factory=True,
        host=settings.host,
        port=settings.port,
        proxy_headers=proxies[0] == "--proxy-headers",
        forwarded_allow_ips=proxies[-1] if proxies[0] == "--proxy-headers" else None,
        log_level="info",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


if __name__ == "__main__":
    main()
