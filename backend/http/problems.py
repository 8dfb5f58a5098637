"""The one place that turns errors into HTTP replies: RFC 9457 problem details.

Every refusal carries a stable ``code`` and a ``detail`` in the request's language. Unexpected
errors are logged with their traceback on the server and answered with a plain 500 that leaks
nothing.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from backend import db
from backend.errors import (
    BodyTooLarge,
    DatabaseUnavailable,
    DomainError,
    Forbidden,
    HiddenCharacters,
    InternalError,
    InvalidInput,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    ServiceUnavailable,
)
from backend.http.input import PLAIN_TEXT
from backend.http.language import language_of

log = logging.getLogger("jifen.http")
UNKNOWN_FIELD = re.compile(r"unknown field `([^`]+)`")

BY_STATUS: dict[int, type[DomainError]] = {
    400: InvalidInput,
    401: NotAuthenticated,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    413: BodyTooLarge,
    503: ServiceUnavailable,
}


def problem(
    error: DomainError, request: Request, extra: dict[str, Any] | None = None
) -> Response[dict[str, Any]]:
    language = language_of(request)
    detail = error.message(language)
    body: dict[str, Any] = {
        "type": f"urn:jifen:problem:{error.code}",
        "title": error.code,
        "status": error.status,
        "code": error.code,
        "detail": detail,
        **{k: v for k, v in error.body(language).items() if k not in {"detail"}},
        **(extra or {}),
    }
    headers = {}
    if "retry_after" in error.params:
        headers["Retry-After"] = str(error.params["retry_after"])
    return Response(
        body, status_code=error.status, media_type="application/problem+json", headers=headers
    )


def _field_errors(exc: ValidationException) -> list[dict[str, str]]:
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            message = str(item.get("message"))
            unknown = UNKNOWN_FIELD.search(message)
            key = item.get("key") or item.get("source") or ""
            field = unknown.group(1) if unknown else str(key)
            errors.append({"field": field.removeprefix("$."), "message": message})
    return errors


def on_domain_error(request: Request, exc: DomainError) -> Response[dict[str, Any]]:
    return problem(exc, request)


def on_validation_error(request: Request, exc: ValidationException) -> Response[dict[str, Any]]:
    errors = _field_errors(exc)
    fields = ", ".join(e["field"] for e in errors if e["field"]) or str(exc.detail)
    if any(repr(PLAIN_TEXT) in e["message"] for e in errors):  # msgspec quotes the pattern
        return problem(HiddenCharacters(detail=fields), request, {"errors": errors})
    return problem(InvalidInput(detail=fields), request, {"errors": errors})


def on_http_error(request: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    kind = BY_STATUS.get(exc.status_code)
    if kind is None:
        error: DomainError = (
            InternalError() if exc.status_code >= 500 else InvalidInput(detail=str(exc.detail))
        )
    elif kind is InvalidInput:
        error = InvalidInput(detail=str(exc.detail))
    else:
        error = kind()
    return problem(error, request)


def on_number_out_of_range(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    """A number too large for the database's integer columns is the caller's mistake."""
    return problem(InvalidInput(detail="number out of range"), request)


def on_too_deep(request: Request, exc: RecursionError) -> Response[dict[str, Any]]:
    """JSON nested deeper than the decoder goes is the caller's mistake, not the server's."""
    return problem(InvalidInput(detail="nested too deeply"), request)


def on_unexpected_error(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(InternalError(), request)


FAILOVER_RETRY_SECONDS = 2


def on_database_error(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    """A failover (the primary died, a standby is being promoted) is answered 503 with
    Retry-After, never 500: the kiosk keeps its idempotency key and sends the same sale again
    (kiosk/js/api.js), which settles a sale whose commit the server never confirmed."""
    if not db.lost_primary(exc):
        return on_unexpected_error(request, exc)
    log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
    db.reconnect_pool()
    return problem(DatabaseUnavailable(retry_after=FAILOVER_RETRY_SECONDS), request)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: on_domain_error,
    ValidationException: on_validation_error,
    HTTPException: on_http_error,
    OverflowError: on_number_out_of_range,
    RecursionError: on_too_deep,
    asyncpg.exceptions.DataError: on_number_out_of_range,
    **{error: on_database_error for error in db.FAILOVER_ERRORS},
    asyncpg.InterfaceError: on_database_error,
    HTTP_500_INTERNAL_SERVER_ERROR: on_unexpected_error,
    Exception: on_unexpected_error,
}
