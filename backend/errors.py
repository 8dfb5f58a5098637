"""Domain errors and their problem-details form (RFC 9457).

Services raise :class:`DomainError` subclasses carrying data; the edge (``backend/http``) turns
them into a response with a stable ``code`` and a message a villager can read, in zh-CN unless the
request asks for English. Each subclass carries its own two messages so a new refusal is one class.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A refusal the user can act on. ``params`` fill the message templates and go in the body."""

    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 400
    zh: ClassVar[str] = "请求无法完成。"
    en: ClassVar[str] = "The request could not be completed."

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.message("en"))

    def message(self, language: str) -> str:
        template = self.en if language == "en" else self.zh
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return template

    def body(self, language: str) -> dict[str, Any]:
        """The params as they go in the reply; a refusal carrying words of its own (a sheet's
        problems) puts them in ``language`` here."""
        return dict(self.params)


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 400
    zh = "输入有误：{detail}"
    en = "Invalid input: {detail}"


class ReasonRequired(DomainError):
    """A decision that must say why (refusing an adjustment, marking a household 关怀户) came
    without a reason. ``field`` names the form field, so a page shows the words next to it."""

    code = "reason_required"
    status = 400
    zh = "请写明理由。"
    en = "Please give a reason."

    def body(self, language: str) -> dict[str, Any]:
        field = self.params.get("field", "reason")
        return {"field": field, "errors": [{"field": field, "message": self.message(language)}]}


class NotFound(DomainError):
    """Also the answer for another village's objects, so ids cannot be probed."""

    code = "not_found"
    status = 404
    zh = "找不到该记录。"
    en = "Not found."


class Conflict(DomainError):
    code = "conflict"
    status = 409
    zh = "与现有记录冲突：{detail}"
    en = "Conflicts with an existing record: {detail}"


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    zh = "请先登录。"
    en = "Please log in first."


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    zh = "您没有权限进行此操作。"
    en = "You are not allowed to do this."


class BodyTooLarge(DomainError):
    code = "body_too_large"
    status = 413
    zh = "提交的内容太大。"
    en = "The request body is too large."


class MethodNotAllowed(DomainError):
    code = "method_not_allowed"
    status = 405
    zh = "不支持此操作方式。"
    en = "This method is not allowed here."


class InternalError(DomainError):
    code = "internal_error"
    status = 500
    zh = "系统出错了，请稍后再试。如果一直出错，请联系管理员。"
    en = "Something went wrong on our side. Please try again later."


class ServiceUnavailable(DomainError):
    code = "service_unavailable"
    status = 503
    zh = "系统暂时不可用，请稍后再试。"
    en = "The service is temporarily unavailable."


class DatabaseUnavailable(DomainError):
    """The primary database went away mid-request (a failover: docs/deploy-ha.md). Nothing this
    request wrote is visible unless it committed on the standby too; a retry with the same
    Idempotency-Key either finds that commit or makes the write once."""

    code = "database_unavailable"
    status = 503
    zh = "数据库正在切换，请{retry_after}秒后重试；用同一笔操作重试不会重复记账。"
    en = (
        "The database is switching over; retry in {retry_after} s. Retrying the same "
        "request never records it twice."
    )


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    zh = "该请求编号已用于另一笔不同的操作，请勿重复使用。"
    en = "This idempotency key was already used for a different request."


class IdempotencyKeyMissing(DomainError):
    code = "idempotency_key_missing"
    status = 400
    zh = "缺少 Idempotency-Key 请求头：每笔操作都需要一个唯一编号。"
    en = "The Idempotency-Key header is required for this operation."


class CrossOriginRefused(DomainError):
    """A write that a page of another origin (another site, or another port of this server)
    made the browser send: refused before it is read (CSRF)."""

    code = "cross_origin_refused"
    status = 403
    zh = "请求来自其他网页，已拒绝。请直接在本系统的页面上操作。"
    en = "The request came from another web page and was refused. Use this system's own pages."


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    status = 415
    zh = "请求格式不对：请以 JSON 发送。"
    en = "Unsupported request format: send JSON."


class HiddenCharacters(DomainError):
    """A name with control, zero-width or text-direction characters: it would show as something
    other than what it is (on the board, the receipt, the poster)."""

    code = "hidden_characters"
    status = 400
    zh = "“{detail}”里有看不见的特殊字符（如零宽字符或文字方向控制符），请重新输入。"
    en = (
        "“{detail}” contains invisible characters (zero-width or text-direction marks): "
        "type it again."
    )
