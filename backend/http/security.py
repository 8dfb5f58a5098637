"""The edge's own defences: cross-site writes refused, security headers on every answer,
paths and logs kept clean.

- **CSRF.** The pages authenticate with an HttpOnly cookie, and ``SameSite=Strict`` does not
  stop another *port* of the same server (the same site). So every write to the API is judged
  the way Go's ``net/http.CrossOriginProtection`` does: a browser's ``Sec-Fetch-Site`` must say
  ``same-origin`` (or ``none``, typed by the user); without it, an ``Origin`` must equal this
  server's own; a request with neither comes from no browser and carries no ambient cookie
  risk. And the API refuses the bodies a plain HTML form can send without asking
  (``text/plain``, ``application/x-www-form-urlencoded``): JSON, or multipart for uploads.
- **Headers.** A strict CSP (``script-src 'self'``: no inline script, no framing with
  ``frame-ancestors 'none'``), ``X-Content-Type-Options``, ``Referrer-Policy``, and HSTS when
  the request came over HTTPS (behind a trusted proxy, see ``JIFEN_TRUSTED_PROXIES``).
  The generated API documentation and piccolo-admin bring their own scripts: they get only the
  framing rule.
- **Paths.** A control character in a path (``%00``, ``%0a``) names nothing here: 404 before
  any file is looked up, and control characters in logged paths are escaped, so a request
  cannot forge a log line.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend.errors import CrossOriginRefused, NotFound, UnsupportedMediaType

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("text/plain", "application/x-www-form-urlencoded")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
FRAMING_ONLY_CSP = "frame-ancestors 'none'"
OWN_SCRIPTS = ("/api/schema", "/admin")
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def refuse_cross_origin(scope: Scope) -> None:
    """Raise unless a write to the API came from this server's own pages (or from no browser)."""
    if scope.get("method", "GET") in SAFE_METHODS or not scope["path"].startswith("/api/"):
        return
    site = _header(scope, b"sec-fetch-site")
    if site is not None:
        if site not in ("same-origin", "none"):
            raise CrossOriginRefused()
    else:
        origin = _header(scope, b"origin")
        if origin is not None and origin != f"{scope['scheme']}://{_header(scope, b'host')}":
            raise CrossOriginRefused()
    kind = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    if kind in FORM_TYPES:
        raise UnsupportedMediaType()


def edge_middleware(app: ASGIApp) -> ASGIApp:
    """Refuse control characters in paths and cross-origin writes before anything else runs."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if CONTROL.search(scope["path"]):
                raise NotFound()
            refuse_cross_origin(scope)
        await app(scope, receive, send)

    return middleware


async def security_headers(message: Message, scope: Scope) -> None:
    """``before_send``: the security headers on every answer, errors and files included."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in COMMON_HEADERS.items():
        headers[name] = value
    own = scope["path"].startswith(OWN_SCRIPTS)
    headers["Content-Security-Policy"] = FRAMING_ONLY_CSP if own else PAGE_CSP
    if scope.get("scheme") == "https":
        headers["Strict-Transport-Security"] = HSTS


class EscapeControls(logging.Filter):
    """Log lines name paths the client chose: escape control characters so a ``%0a`` cannot
    start a forged line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_escaped(a) for a in record.args)
        record.msg = _escaped(record.msg)
        return True


def _escaped(value: Any) -> Any:
    if isinstance(value, str) and CONTROL.search(value):
        return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def escape_logged_paths() -> None:
    for name in ("uvicorn.access", "uvicorn.error", "jifen.http"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, EscapeControls) for f in logger.filters):
            logger.addFilter(EscapeControls())
