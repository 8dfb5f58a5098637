"""Which language a reply speaks: the request's ``Accept-Language``, else the deployment's."""

from __future__ import annotations

from litestar.connection import ASGIConnection

from backend.settings import get_settings


def language_of(connection: ASGIConnection) -> str:
    header = connection.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh-CN"
    return get_settings().language
