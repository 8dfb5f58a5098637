"""What the activities services answer: typed records, converted to the API's shapes by the
controllers (``backend/activities/schemas.py``) field for field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Status = Literal["planned", "running", "finished", "confirmed"]


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """An activity with the rule it awards and how many unstruck check-ins it has."""

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
    status: Status
    signup: bool
    confirmed_by: int | None
    confirmer_name: str
    finished_at: datetime | None
    confirmed_at: datetime | None
    checked_in: int


@dataclass(frozen=True, slots=True)
class MemberBrief:
    """An active member of the household, for the organiser to pick who came."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class AttendanceRecord:
    """One household's check-in at an activity; ``members`` are the household's active ones."""

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
    members: tuple[MemberBrief, ...] = ()


@dataclass(frozen=True, slots=True)
class SignupRecord:
    """A household that said it will come (报名)."""

    household_id: int
    number: str
    head_name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class VolunteerHoursRecord:
    """Minutes volunteered in a year by a household (``member_id`` None) or one member."""

    household_id: int
    number: str
    head_name: str
    minutes: int
    activities: int
    member_id: int | None = None
    member_name: str = ""
