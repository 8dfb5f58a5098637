"""Refusals of the boards domain."""

from __future__ import annotations

from backend.errors import DomainError


class PeriodNotClosed(DomainError):
    code = "period_not_closed"
    status = 409
    zh = "评议周期还没有结束，结束后才能发布红黑榜。"
    en = "The period is not closed yet: boards are published after the close."


class BoardAlreadyPublished(DomainError):
    code = "board_already_published"
    status = 409
    zh = "本期红黑榜已经发布，不能再改。"
    en = "This period's board has already been published and cannot change."


class TooManyStreams(DomainError):
    """Live streams are capped per address and in all (each holds a connection)."""

    code = "too_many_streams"
    status = 429
    zh = "打开的公示屏太多，请 {retry_after} 秒后再试。"
    en = "Too many notice-board screens are open. Try again in {retry_after} seconds."
