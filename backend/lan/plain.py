"""The plain-HTTP listener of ``jifen serve --lan``: it sends every request to HTTPS, except
the certificate page and the certificate itself.

Those two must work over HTTP: a tablet that does not trust the local authority yet gets a
certificate warning on every HTTPS page, the certificate page included. The certificate is
public (only its key is secret); the page prints its fingerprint so that the person at the
tablet can compare it with the one the PC's terminal printed before trusting it.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.static_files import create_static_files_router
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
)

from backend.http.problems import EXCEPTION_HANDLERS
from backend.lan.controllers import lan_router

# What the certificate page needs, and nothing else: every other page talks to the API, which
# only HTTPS serves.
OVER_HTTP = frozenset(
    {
        "/lan.html",
        "/js/lan.js",
        "/js/lan-text.js",
        "/js/i18n.js",
        "/js/api.js",
        "/css/kiosk.css",
        "/lan/ca.crt",
        "/lan/ca.json",
    }
)


def redirect_target(scope: Scope, https_port: int) -> str:
    """The same address over HTTPS: the host the device used, the HTTPS port, path and query."""
    headers = dict(scope["headers"])
    host = headers.get(b"host", b"").decode("latin-1")
    if host.startswith("["):
        name = host[: host.find("]") + 1]
    else:
        name = host.rsplit(":", 1)[0] if ":" in host else host
    if not name:
        server = scope.get("server") or ("127.0.0.1", 0)
        name = str(server[0])
    query = scope.get("query_string", b"").decode("latin-1")
    return f"https://{name}:{https_port}{scope['path']}" + (f"?{query}" if query else "")


def plain_http_app(kiosk_dir: Path, https_port: int) -> ASGIApp:
    pages = Litestar(
        route_handlers=[
            lan_router(),
            create_static_files_router(
                path="/", directories=[kiosk_dir], html_mode=False, include_in_schema=False
            ),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=None,
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OVER_HTTP:
            await pages(scope, receive, send)
            return
        target = redirect_target(scope, https_port).encode("latin-1")
        # 308: the method and body stay as they were (a POST is not turned into a GET).
        start: HTTPResponseStartEvent = {
            "type": "http.response.start",
            "status": 308,
            "headers": [(b"location", target), (b"content-length", b"0")],
        }
        body: HTTPResponseBodyEvent = {
            "type": "http.response.body",
            "body": b"",
            "more_body": False,
        }
        await send(start)
        await send(body)

    return app
