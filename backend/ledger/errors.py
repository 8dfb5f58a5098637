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


class AdjustmentNeedsApproval(DomainError):
    """Four eyes: one committee member alone may not post more than the village's limit."""

    code = "adjustment_needs_approval"
    status = 409
    zh = (
        "调整超过本村设定的 {limit} 分，需要另一位村委批准：请提交调整申请"
        "（POST …/adjustment-requests）。"
    )
    en = (
        "The adjustment is above the village's limit of {limit} points and needs a second "
        "committee member's approval: submit it as an adjustment request."
    )


class OwnAdjustmentRequest(DomainError):
    code = "own_adjustment_request"
    status = 403
    zh = "不能批准自己提出的调整，请由另一位村委批准。"
    en = "You cannot approve your own adjustment request: another committee member must."


class AdjustmentRequestDecided(DomainError):
    code = "adjustment_request_decided"
    status = 409
    zh = "这项调整申请已经处理过了（{status}）。"
    en = "This adjustment request has already been decided ({status})."


class ApprovalLimitNeedsTownAdmin(DomainError):
    code = "approval_limit_needs_town_admin"
    status = 403
    zh = "只有镇管理员可以提高需要第二人批准的调整分数线；村委只能降低它。"
    en = (
        "Only the town admin can raise the adjustment approval limit; the committee can only "
        "lower it."
    )
