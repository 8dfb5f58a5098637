"""Refusals of the scoring domain: stable codes, messages a committee member can act on."""

from __future__ import annotations

from backend.errors import DomainError
from backend.sheets import BadSheet

__all__ = ["BadSheet"]  # scoring's sheets refuse with the one sheet refusal


class NoRuleBook(DomainError):
    code = "no_rule_book"
    status = 409
    zh = "本村还没有积分细则，请先建立细则。"
    en = "This village has no rule book yet."


class DuplicateRuleCode(DomainError):
    code = "duplicate_rule_code"
    status = 422
    zh = "细则编号“{code}”重复。"
    en = "Rule code “{code}” appears more than once."


class UnknownRule(DomainError):
    code = "unknown_rule"
    status = 422
    zh = "该细则不在本村现行积分细则中。"
    en = "That rule is not in this village's current rule book."


class SheetAlreadyUploaded(DomainError):
    """The same score sheet (the same scores, whatever the file's bytes) was entered before."""

    code = "sheet_already_uploaded"
    status = 409
    zh = "这份评分表已于 {uploaded_at} 由 {uploaded_by} 上传过（{count} 条评分），未重复录入。"
    en = (
        "This score sheet was already uploaded at {uploaded_at} by {uploaded_by} "
        "({count} score(s)); nothing was entered twice."
    )


class PeriodNotOpen(DomainError):
    code = "period_not_open"
    status = 409
    zh = "该评议周期不在评分阶段。"
    en = "This period is not open for scoring."


class PeriodNotInNotice(DomainError):
    code = "period_not_in_notice"
    status = 409
    zh = "该评议周期不在公示阶段。"
    en = "This period is not in its notice window."


class PeriodAlreadyOpen(DomainError):
    code = "period_already_open"
    status = 409
    zh = "本村已有一个正在评分的周期，请先将其公示。"
    en = "This village already has an open period; put it on notice first."


class DuplicatePeriodName(DomainError):
    code = "duplicate_period_name"
    status = 409
    zh = "周期名称“{name}”已存在。"
    en = "A period named “{name}” already exists."


class BadPeriodDates(DomainError):
    code = "bad_period_dates"
    status = 422
    zh = "结束日期不能早于开始日期。"
    en = "The end date cannot be before the start date."


class NoticeNotOver(DomainError):
    code = "notice_not_over"
    status = 409
    zh = "公示期要到 {ends_at} 才结束。"
    en = "The notice window lasts until {ends_at}."


class UnverifiedEvaluations(DomainError):
    code = "unverified_evaluations"
    status = 409
    zh = "还有 {count} 条评分未入户核实，请核实或驳回后再公示。"
    en = "{count} evaluation(s) are not verified yet; verify or reject them first."


class OpenObjections(DomainError):
    code = "open_objections"
    status = 409
    zh = "还有 {count} 条异议未处理。"
    en = "{count} objection(s) are still undecided."


class OwnHousehold(DomainError):
    code = "own_household"
    status = 403
    zh = "不能为自己家评分或核实。"
    en = "Nobody scores or verifies their own household."


class SelfVerification(DomainError):
    code = "self_verification"
    status = 403
    zh = "核实须由另一位村委成员完成，不能核实自己录入的评分。"
    en = "Another committee member must verify; you cannot verify your own entry."


class RoleMayNotPropose(DomainError):
    code = "role_may_not_propose"
    status = 403
    zh = "您的角色不能提议这条细则。"
    en = "Your role may not propose this rule."


class OverCap(DomainError):
    code = "over_cap"
    status = 409
    zh = "该户本期“{rule}”最多 {cap} 次，已有 {count} 次。"
    en = "“{rule}” may apply at most {cap} time(s) per period; this household has {count}."


class EvidenceRequired(DomainError):
    code = "evidence_required"
    status = 422
    zh = "这条细则需要照片作为证据。"
    en = "This rule needs a photo as evidence."


class BadEvidence(DomainError):
    code = "bad_evidence"
    status = 422
    zh = "照片无法识别：只接受不超过 {max_mb} MB 的 JPEG、PNG 或 WebP 图片。"
    en = "Unreadable photo: only JPEG, PNG or WebP up to {max_mb} MB are accepted."


class EvaluationNotPending(DomainError):
    code = "evaluation_not_pending"
    status = 409
    zh = "该评分已核实或已驳回，不能再次处理。"
    en = "This evaluation has already been verified or rejected."


class EvaluationNotInNotice(DomainError):
    code = "evaluation_not_in_notice"
    status = 409
    zh = "只能对公示中的评分提出异议。"
    en = "Only an evaluation on notice can be objected to."


class ObjectionAlreadyOpen(DomainError):
    code = "objection_already_open"
    status = 409
    zh = "该评分已有待处理的异议。"
    en = "This evaluation already has an undecided objection."


class ObjectionDecided(DomainError):
    code = "objection_decided"
    status = 409
    zh = "该异议已经处理过了。"
    en = "This objection has already been decided."


class OwnGroup(DomainError):
    code = "own_group"
    status = 403
    zh = "不能评议本小组的农户。"
    en = "Nobody cross-evaluates their own group."


class NotAssigned(DomainError):
    code = "not_assigned"
    status = 409
    zh = "本期没有安排该小组评议那个小组。"
    en = "This group is not assigned to mark that group in this period."


class HeldStillTooLarge(DomainError):
    code = "held_still_too_large"
    status = 409
    zh = "这户现在只有 {balance} 分，扣 {points} 分会低于零：请继续暂缓，或说明理由后免予扣分。"
    en = (
        "The household holds {balance} points only: deducting {points} would go below zero."
        " Keep it waiting, or waive it with a reason."
    )
