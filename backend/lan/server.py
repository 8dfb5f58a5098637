"""``jifen serve --lan``: the app over HTTPS and the plain-HTTP listener beside it, in one
process on the embedded defaults (no Docker, no Caddy).

The plain listener (``backend/lan/plain.py``) follows the HTTPS server: it takes no signals of
its own and stops when the HTTPS server has stopped, so SIGTERM or Ctrl-C ends both.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn
from rich.console import Console

from backend.lan.addresses import certificate_names, lan_addresses
from backend.lan.announce import announce
from backend.lan.certificates import ensure_local_ca, ensure_server_certificate
from backend.lan.plain import plain_http_app
from backend.settings import PROJECT_ROOT, get_settings

GRACEFUL_SHUTDOWN_SECONDS = 5


class _Follower(uvicorn.Server):
    """A uvicorn server that leaves the signals to the HTTPS server it follows."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _serve_both(https: uvicorn.Config, http: uvicorn.Config) -> None:
    follower = _Follower(http)
    plain = asyncio.create_task(follower.serve())
    try:
        await uvicorn.Server(https).serve()
    finally:
        follower.should_exit = True
        await plain


def serve_lan(host: str, console: Console) -> None:
    """Make the local authority (once) and a server certificate for this PC's addresses, print
    where the devices go, then serve HTTPS on ``JIFEN_HTTPS_PORT`` and the redirect on
    ``JIFEN_PORT`` until stopped."""
    settings = get_settings()
    folder = settings.var_dir / "lan"
    ca = ensure_local_ca(folder)
    addresses, hostnames = certificate_names(host)
    certificate = ensure_server_certificate(ca, folder, addresses, hostnames)
    announce(console, ca, lan_addresses(host), settings.port, settings.https_port)
    https = uvicorn.Config(
        "backend.app:create_app",
        factory=True,
        host=host,
        port=settings.https_port,
        ssl_certfile=str(certificate.certificate),
        ssl_keyfile=str(certificate.key),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        log_level="info",
        proxy_headers=False,  # nothing stands in front of it on the LAN
    )
    http = uvicorn.Config(
        plain_http_app(PROJECT_ROOT / "kiosk", settings.https_port),
        host=host,
        port=settings.port,
        lifespan="off",
        log_level="warning",
    )
    asyncio.run(_serve_both(https, http))
