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


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    zh = "该请求编号已用于另一笔不同的操作，请勿重复使用。"
    en = "This idempotency key was already used for a different request."


class IdempotencyKeyMissing(DomainError):
    code = "idempotency_key_missing"
    status = 400
    zh = "缺少 Idempotency-Key 请求头：每笔积分操作都需要一个唯一编号。"
    en = "The Idempotency-Key header is required for every points operation."


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
