"""The address villagers' phones reach this deployment at, for printed QR codes."""

from __future__ import annotations

from litestar import Request

from backend.settings import get_settings

LOOPBACK = ("127.", "localhost", "[::1]", "0.0.0.0")  # noqa: S104 (a name, not a bind)


def public_base(request: Request) -> str:
    """``JIFEN_PUBLIC_URL`` if set, else the address the request came to (from the village PC
    that is ``http://127.0.0.1:8000``, which opens nothing on a phone: the console warns)."""
    return (get_settings().public_url or str(request.base_url)).rstrip("/")


def is_loopback(url: str) -> bool:
    host = url.split("://", 1)[-1]
    return host.startswith(LOOPBACK)
