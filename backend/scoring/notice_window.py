"""The notice window (公示期): when it ends, and the two refusals it decides.

A period goes on notice for the village's ``notice_days``; the window ends at
``notice_ends_at`` (the server's clock). Objections are taken only inside the window — at its
end it is already too late — and the period closes only once the window is over, so nothing
objected to in time is posted before the committee has decided it. Called by
:mod:`backend.scoring.periods` (start of notice, close) and :mod:`backend.scoring.objections`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.scoring.errors import NoticeNotOver, PeriodNotInNotice


def notice_ends_at(start: datetime, notice_days: int) -> datetime:
    """The end of a window opened at ``start``."""
    return start + timedelta(days=notice_days)


def refuse_objection_outside_window(state: str, ends_at: datetime | None, now: datetime) -> None:
    """An objection is refused unless the period is on notice and its window has not ended."""
    if state != "notice" or ends_at is None or now >= ends_at:
        raise PeriodNotInNotice()


def refuse_close_within_window(ends_at: datetime, now: datetime) -> None:
    """A period on notice is refused its close until the window is over."""
    if now < ends_at:
        raise NoticeNotOver(ends_at=ends_at.isoformat(timespec="minutes"))
