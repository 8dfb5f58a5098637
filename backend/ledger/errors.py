"""Refusals of the ledger domain."""

from __future__ import annotations

from backend.errors import DomainError


class InsufficientPoints(DomainError):
    """409: the request conflicts with the account's current state (402 is reserved for
    payment, 422 means the request itself is wrong). ``balance`` and ``amount`` come along."""

    code = "insufficient_points"
    status = 409
    zh = "积分不足：可用 {balance} 分，需要 {amount} 分。"
    en = "Not enough points: {balance} available, {amount} needed."


class AlreadyReversed(DomainError):
    code = "already_reversed"
    status = 409
    zh = "这笔积分流水已经冲正过了。"
    en = "This transfer has already been reversed."


class ReversalNotReversible(DomainError):
    code = "reversal_not_reversible"
    status = 422
    zh = "冲正流水不能再次冲正，请另做一笔调整。"
    en = "A reversal cannot itself be reversed; make an adjustment instead."
