"""Refusals of volunteer activities; card refusals (``card_revoked``, …) come from cards."""

from __future__ import annotations

from backend.errors import DomainError


class AlreadyCheckedIn(DomainError):
    code = "already_checked_in"
    status = 409
    zh = "{head_name}户（{number}）已经签到过了。"
    en = "Household {number} ({head_name}) has already checked in."


class OutsideWindow(DomainError):
    code = "outside_window"
    status = 409
    zh = "不在签到时间内：本活动签到时间为 {opens} 至 {closes}。"
    en = "Outside the check-in window: check-in is open from {opens} to {closes}."


class ActivityFull(DomainError):
    code = "activity_full"
    status = 409
    zh = "名额已满：本活动限 {capacity} 户。"
    en = "The activity is full: it takes {capacity} households."


class ActivityNotRunning(DomainError):
    code = "activity_not_running"
    status = 409
    zh = "活动未在进行中，不能签到。"
    en = "The activity is not running: check-in is closed."


class ActivityWrongStatus(DomainError):
    code = "activity_wrong_status"
    status = 409
    zh = "活动当前状态为“{status}”，不能进行此操作。"
    en = "The activity is {status}: this cannot be done now."


class NotOrganiser(DomainError):
    code = "not_organiser"
    status = 403
    zh = "只有活动组织者或村委成员可以进行此操作。"
    en = "Only the organiser or a committee member may do this."


class OwnList(DomainError):
    code = "own_list"
    status = 403
    zh = "签到名单须由组织者以外的另一位村委成员确认。"
    en = "The list must be confirmed by a committee member other than its organiser."


class NoOpenPeriod(DomainError):
    code = "no_open_period"
    status = 409
    zh = "本村目前没有开放的评议周期，无法将签到转为积分。"
    en = "The village has no open scoring period to propose the points in."


class BadActivityTimes(DomainError):
    code = "bad_activity_times"
    status = 422
    zh = "时间有误：结束须晚于开始，签到截止须晚于签到开始。"
    en = "Bad times: the end must follow the start and the window must close after it opens."


class UnknownMember(DomainError):
    code = "unknown_member"
    status = 422
    zh = "所选成员不属于该户。"
    en = "That person is not a member of the household."


class UnknownAttendance(DomainError):
    code = "unknown_attendance"
    status = 422
    zh = "要划去的签到记录不属于本活动：{ids}。"
    en = "Attendances to strike do not belong to this activity: {ids}."


class SignupClosed(DomainError):
    code = "signup_closed"
    status = 409
    zh = "本活动不接受报名，或报名已截止。"
    en = "This activity does not take sign-ups, or sign-up has closed."


class AlreadySignedUp(DomainError):
    code = "already_signed_up"
    status = 409
    zh = "您家已经报名了这个活动。"
    en = "Your household has already signed up for this activity."
