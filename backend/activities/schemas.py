"""The activities API shapes. Inputs are strict; outputs are named after the glossary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.http.input import Strict, plain

Id = Annotated[int, msgspec.Meta(ge=1)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Key = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Moment = Annotated[datetime, msgspec.Meta(tz=True)]


class ActivityCreate(Strict):
    title: Annotated[str, plain(1, 100)]
    rule_id: Id
    starts_at: Moment
    ends_at: Moment
    place: Annotated[str, plain(0, 100)] = ""
    opens_at: Moment | None = None
    closes_at: Moment | None = None
    capacity: Annotated[int, msgspec.Meta(ge=0, le=100_000)] = 0
    signup: bool = False


class Activity(msgspec.Struct):
    id: int
    village_id: int
    title: str
    rule_id: int
    rule_code: str
    rule_category: str
    rule_title: str
    points: int
    place: str
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime
    closes_at: datetime
    capacity: int
    organiser_id: int | None
    organiser_name: str
    status: Literal["planned", "running", "finished", "confirmed"]
    signup: bool
    confirmed_by: int | None
    confirmer_name: str
    finished_at: datetime | None
    confirmed_at: datetime | None
    checked_in: int


class CheckIn(Strict):
    """A live scan; the Idempotency-Key header names it."""

    code: Code
    member_id: Id | None = None
    scanned_at: Moment | None = None


class QueuedCheckIn(Strict):
    """A scan the phone kept while offline, with the time it was made and its own key."""

    code: Code
    idempotency_key: Key
    scanned_at: Moment
    member_id: Id | None = None


class CheckInBatch(Strict):
    scans: Annotated[list[QueuedCheckIn], msgspec.Meta(min_length=1, max_length=500)]


class MemberBrief(msgspec.Struct):
    id: int
    name: str


class MemberChoice(Strict):
    """Who of the household came; null when it is not known."""

    member_id: Id | None


class Attendance(msgspec.Struct):
    id: int
    activity_id: int
    household_id: int
    number: str
    head_name: str
    member_id: int | None
    member_name: str
    checked_in_at: datetime
    source: str
    struck: bool
    strike_reason: str
    evaluation_id: int | None
    problem: str
    members: list[MemberBrief] = msgspec.field(default_factory=list)


class BatchResult(msgspec.Struct):
    """One queued scan's answer: its attendance, or the refusal (``code`` and its words)."""

    idempotency_key: str
    ok: bool
    attendance: Attendance | None = None
    code: str = ""
    detail: str = ""


class Strike(Strict):
    attendance_id: Id
    reason: Reason


class Confirmation(Strict):
    strikes: Annotated[list[Strike], msgspec.Meta(max_length=1000)] = msgspec.field(
        default_factory=list
    )


class VolunteerHours(msgspec.Struct):
    """Minutes of volunteering in a year: per household, and per member where it was known."""

    household_id: int
    number: str
    head_name: str
    minutes: int
    activities: int
    member_id: int | None = None
    member_name: str = ""


class Signup(msgspec.Struct):
    household_id: int
    number: str
    head_name: str
    created_at: datetime
