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
    zh = "密码至少需要 8 个字符。"
    en = "The password needs at least 8 characters."


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
