"""Shared input shapes: strict structs, partial updates, paging."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import Parameter

Page = Annotated[int, Parameter(ge=1, le=100_000, description="1-based page number")]
PageSize = Annotated[int, Parameter(ge=1, le=100, description="rows per page, at most 100")]


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Input base: unknown fields are an error, not ignored."""


def given(update: msgspec.Struct) -> dict[str, object]:
    """The fields a partial update actually sets (UNSET ones are left alone)."""
    return {
        name: value
        for name in update.__struct_fields__
        if (value := getattr(update, name)) is not msgspec.UNSET
    }
