"""Refusals of the cards domain: what the kiosk shows full-screen when a code is not good."""

from __future__ import annotations

from backend.errors import DomainError


class CodeUnreadable(DomainError):
    """Not a Jifen code at all, or cut short (a scanner that dropped characters)."""

    code = "code_unreadable"
    status = 422
    zh = "无法识别此二维码，请重新扫码。"
    en = "This QR code cannot be read. Please scan it again."


class CodeForged(DomainError):
    """The MAC does not match: altered, made with another secret, or another village's code."""

    code = "code_forged"
    status = 422
    zh = "此二维码无效：不是本村的积分码，或已被篡改。"
    en = "This QR code is not valid: it is not from this village, or it has been altered."


class CardRevoked(DomainError):
    code = "card_revoked"
    status = 409
    zh = "卡已挂失：此卡已作废，请使用新卡。"
    en = "This card has been reported lost and is no longer valid. Please use the new card."


class CodeExpired(DomainError):
    code = "code_expired"
    status = 409
    zh = "二维码已过期，请在手机上刷新后重新出示。"
    en = "This QR code has expired. Please refresh it on the phone and show it again."


class CodeNotYetValid(DomainError):
    """A phone code from a later time step: the clocks disagree, so refuse rather than guess."""

    code = "code_not_yet_valid"
    status = 409
    zh = "二维码时间有误，请检查手机时间后刷新重试。"
    en = "This QR code's time is wrong. Please check the phone's clock and refresh it."


class CodeUsed(DomainError):
    code = "code_used"
    status = 409
    zh = "二维码已使用，请在手机上刷新后重新出示。"
    en = "This QR code has already been used. Please refresh it on the phone and show it again."


class HouseholdInactive(DomainError):
    code = "household_inactive"
    status = 409
    zh = "该户已迁出，不能再使用积分。"
    en = "This household has moved away and can no longer use points."


class PinFormat(DomainError):
    code = "pin_format"
    status = 422
    zh = "PIN 必须是 4 到 6 位数字。"
    en = "The PIN must be 4 to 6 digits."


class PinNotSet(DomainError):
    code = "pin_not_set"
    status = 409
    zh = "该户还没有设置 PIN，请到村委会设置。"
    en = "This household has no PIN yet; the village committee can set one."


class PinCurrentRequired(DomainError):
    code = "pin_current_required"
    status = 422
    zh = "请先输入现在的 PIN，再设置新的 PIN。"
    en = "Enter the current PIN before setting a new one."


class PinWrong(DomainError):
    code = "pin_wrong"
    status = 422
    zh = "PIN 错误，还可以再试 {tries_left} 次。"
    en = "Wrong PIN. {tries_left} tries left."


class PinLocked(DomainError):
    code = "pin_locked"
    status = 423
    zh = "PIN 错误次数太多，已锁定，请到村委会重新设置。"
    en = "Too many wrong PINs: locked. The village committee can set a new one."


class NoHouseholdsChosen(DomainError):
    code = "no_households_chosen"
    status = 422
    zh = "没有可以打印 PIN 通知单的农户。"
    en = "No household to print a PIN letter for."


class PinMustChange(DomainError):
    """The household logged in with a PIN someone else chose (a PIN letter, a committee reset):
    until it chooses its own, its login may only change the PIN, say who it is, and log out."""

    code = "pin_must_change"
    status = 403
    zh = (
        "请先修改 PIN：这个 PIN 是别人替您设的（PIN 告知单或村委重设），"
        "改成只有您知道的新 PIN 后才能继续。"
    )
    en = (
        "Please change your PIN first: it was set for you (a PIN letter or a committee reset). "
        "Choose a new PIN only you know to go on."
    )
