"""The ledger's API shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from backend.http.input import Strict
from backend.ledger.posting import MAX_AMOUNT, MAX_REASON


class StatementLine(msgspec.Struct, kw_only=True):
    """One transfer seen from the household: ``amount`` is signed (+ in, − out), ``balance``
    is what it left, ``description`` says in words what it was (kind and reason)."""

    id: int
    seq: int
    kind: str
    kind_label: str
    amount: int
    balance: int
    reason: str
    description: str
    reference: dict[str, Any]
    period_id: int | None
    actor_name: str
    reverses: int | None
    hash: str
    created_at: datetime


class Statement(msgspec.Struct, kw_only=True):
    household_id: int
    balance: int
    items: list[StatementLine]
    total: int
    page: int
    page_size: int
    period_id: int | None = None


class Points(msgspec.Struct, kw_only=True):
    """The two numbers: ``balance`` can be spent; ``earned`` ranks (total, and in
    ``period_id`` when one was asked for)."""

    household_id: int
    balance: int
    earned: int
    period_id: int | None = None
    earned_in_period: int | None = None


class AdjustmentCreate(Strict):
    amount: Annotated[int, msgspec.Meta(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_REASON)]


class AdjustmentRequestCreate(Strict):
    """An adjustment above the village's limit, for a second committee member to approve."""

    household_id: Annotated[int, msgspec.Meta(ge=1)]
    amount: Annotated[int, msgspec.Meta(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_REASON)]


class AdjustmentRequestRefusal(Strict):
    """Why a second committee member refuses an adjustment request (required: the proposer and
    the history read it)."""

    reason: Annotated[str, msgspec.Meta(max_length=MAX_REASON)] = ""


class Transfer(msgspec.Struct, kw_only=True):
    id: int
    seq: int
    kind: str
    amount: int
    household_id: int
    balance: int
    hash: str
    created_at: datetime
    replayed: bool


class ChainHead(msgspec.Struct, kw_only=True):
    village_id: int
    seq: int
    hash: str
