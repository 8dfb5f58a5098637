"""``GET /health``: what a load balancer or a worried admin asks first."""

from __future__ import annotations

from litestar import Response, get

from backend import cache, db
from backend.http.access import PUBLIC


@get("/health", tags=["health"], **PUBLIC)
async def health() -> Response[dict[str, str]]:
    """``{"database": "ok", "redis": "ok"}``, or 503 naming what is down."""
    status = {
        "database": "ok" if await db.ping() else "down",
        "redis": "ok" if await cache.ping() else "down",
    }
    healthy = all(v == "ok" for v in status.values())
    return Response(status, status_code=200 if healthy else 503)
