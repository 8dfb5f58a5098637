"""Shared input shapes: strict structs, partial updates, paging."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, HeaderParameter, Parameter

from backend.errors import IdempotencyKeyMissing

PathId = FromPath[int]
Upload = Annotated[UploadFile, Body(media_type=RequestEncodingType.MULTI_PART)]
"""An ``{…_id:int}`` segment of the route's path,
declared as such (Litestar 3 no longer infers it)."""
Page = Annotated[int, Parameter(ge=1, le=100_000, description="1-based page number")]
PageSize = Annotated[int, Parameter(ge=1, le=100, description="rows per page, at most 100")]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(name="Idempotency-Key", min_length=1, max_length=200,
                    description="made by the client before it sends; a retry sends the same key"),
]


def require_idempotency_key(key: str | None) -> str:
    """Writes that move points or goods refuse to run without a key (no accidental doubles)."""
    if not key:
        raise IdempotencyKeyMissing()
    return key


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Input base: unknown fields are an error, not ignored."""


def given(update: msgspec.Struct) -> dict[str, object]:
    """The fields a partial update actually sets (UNSET ones are left alone)."""
    return {
        name: value
        for name in update.__struct_fields__
        if (value := getattr(update, name)) is not msgspec.UNSET
    }
