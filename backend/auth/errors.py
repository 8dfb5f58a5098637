"""Refusals of the auth domain."""

from __future__ import annotations

from backend.errors import DomainError


class LoginFailed(DomainError):
    code = "login_failed"
    status = 401
    zh = "用户名或密码不正确。"
    en = "Wrong username or password."


class TooManyLoginFailures(DomainError):
    code = "too_many_login_failures"
    status = 429
    zh = "登录失败次数太多，请 {retry_after} 秒后再试。"
    en = "Too many failed logins. Try again in {retry_after} seconds."


class WeakPassword(DomainError):
    code = "weak_password"
    status = 400
    zh = "密码至少需要 {min_length} 个字符。"
    en = "The password needs at least {min_length} characters."


class CommonPassword(DomainError):
    """One of the passwords tried first: a known list, a keyboard run, the username."""

    code = "common_password"
    status = 400
    zh = "这个密码太常见、太容易被猜到，请换一个更长、不含用户名的密码。"
    en = (
        "This password is too common or too easy to guess: choose a longer one without the "
        "username."
    )


class UsernameTaken(DomainError):
    code = "username_taken"
    status = 409
    zh = "用户名已被使用。"
    en = "That username is taken."


class HouseholdLoginFailed(LoginFailed):
    """One answer for every failed household login: an unknown village or number, a household
    without a PIN, a wrong PIN and a locked card all look alike, so numbers cannot be probed."""

    zh = "户号或 PIN 不正确。"
    en = "Wrong household number or PIN."


class LoginLimitsUnavailable(DomainError):
    """The login limits live in Redis; when it does not answer, logins wait (fail closed)."""

    code = "login_limits_unavailable"
    status = 503
    zh = "暂时无法登录，请 {retry_after} 秒后再试。"
    en = "Logging in is not possible right now. Try again in {retry_after} seconds."


class CommitteeNeedsTownAdmin(DomainError):
    """Four eyes: a committee member must not be able to make a second committee account."""

    code = "committee_needs_town_admin"
    status = 403
    zh = "村委账号只能由镇管理员创建或管理，这样任何人都不能自己核实自己的评分。"
    en = (
        "Committee accounts are created and managed by the town admin, so nobody can verify "
        "their own scores."
    )


class GridOfficerNeedsGrid(DomainError):
    """A grid officer reads the households of their grid(s) only: an account without one would
    read nobody (or, before, everybody), so it is not made."""

    code = "grid_officer_needs_grid"
    status = 400
    zh = "网格员账号必须指定所负责的网格。"
    en = "A grid officer account needs the grid they look after."


class NotAGridOfficer(DomainError):
    code = "not_a_grid_officer"
    status = 400
    zh = "只有网格员账号可以分配网格。"
    en = "Only a grid officer account is given a grid."


class AccountNotYours(DomainError):
    code = "account_not_yours"
    status = 403
    zh = "您不能管理这个账号：村委账号由镇管理员管理，自己的密码请在“修改我的密码”中修改。"
    en = (
        "You cannot manage this account: committee accounts are managed by the town admin, "
        "and your own password is changed under “My password”."
    )
