"""Shared input shapes: strict structs, partial updates, paging."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, HeaderParameter, Parameter

from backend.errors import IdempotencyKeyMissing

# What a name may not contain: control characters, and the invisible ones that make a name read
# differently from what it is — bidirectional overrides and isolates (U+202A–202E, U+2066–2069:
# an override before "abc" shows it as "cba"), zero-width spaces and joiners (U+200B–200F,
# U+2060–2064) and the BOM. Written as a pattern both msgspec (Python's re) and the OpenAPI
# document's readers (JavaScript's dialect) understand; ``(?![\s\S])`` is the end of the text in
# both (Python's ``$`` also matches before a final newline).
HIDDEN_CHARACTERS = r"\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
PLAIN_TEXT = rf"^[^{HIDDEN_CHARACTERS}]*$(?![\s\S])"


def plain(min_length: int, max_length: int) -> msgspec.Meta:
    """The constraints of a name: its length, and none of the hidden characters above."""
    return msgspec.Meta(min_length=min_length, max_length=max_length, pattern=PLAIN_TEXT)


PathId = FromPath[int]
"""An ``{…_id:int}`` segment of the route's path,
declared as such (Litestar 3 no longer infers it)."""
UPLOAD_FIELD = "data"
Upload = Annotated[
    UploadFile,
    Body(
        media_type=RequestEncodingType.MULTI_PART,
        description=f"multipart/form-data with the file in the field `{UPLOAD_FIELD}`",
        schema_extra={
            "properties": {UPLOAD_FIELD: {"type": "string", "format": "binary"}},
            "required": [UPLOAD_FIELD],
        },
    ),
]
"""An uploaded file (a sheet, a roster, a picture): the pages send it as ``data``."""
Page = Annotated[int, Parameter(ge=1, le=100_000, description="1-based page number")]
PageSize = Annotated[int, Parameter(ge=1, le=100, description="rows per page, at most 100")]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="made by the client before it sends; a retry sends the same key",
    ),
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
