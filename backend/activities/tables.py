"""Volunteer activities (志愿服务) and who turned up (签到).

An ``Activity`` awards one rule of the village's rule book to every household that checked in;
its status goes planned → running → finished → confirmed. An ``Attendance`` is one household at
one activity, recorded once: its ``idempotency_key`` (made by the organiser's phone before it
sends) is UNIQUE per activity, and so is the household. Nothing is deleted: a wrong name is
struck (``struck`` + ``strike_reason``) when the list is confirmed.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from backend.clock import ClockNow
from backend.registry.tables import Household, Member, Village
from backend.scoring.tables import Evaluation, Rule


class Activity(Table):
    """One event: where and when, the check-in window, the rule it awards, who organises it.

    ``capacity`` 0 means no limit. ``signup`` says whether villagers may sign up beforehand.
    ``confirmed_by`` is the committee member (never the organiser) who confirmed the list.
    """

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    title = Varchar(length=100)
    rule = ForeignKey(references=Rule, on_delete=OnDelete.restrict, null=False)
    place = Varchar(length=100, default="")
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    opens_at = Timestamptz()
    closes_at = Timestamptz()
    capacity = Integer(default=0)
    organiser = Integer(null=True, default=None)
    organiser_name = Varchar(length=100, default="")
    status = Varchar(length=16, default="planned")
    signup = Boolean(default=False)
    confirmed_by = Integer(null=True, default=None)
    confirmer_name = Varchar(length=100, default="")
    created_at = Timestamptz(default=ClockNow())
    finished_at = Timestamptz(null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None)


class ActivitySignup(Table):
    """A household that said beforehand it will come (报名), where the activity allows it."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    activity = ForeignKey(references=Activity, on_delete=OnDelete.restrict, null=False)
    household = ForeignKey(references=Household, on_delete=OnDelete.restrict, null=False)
    created_at = Timestamptz(default=ClockNow())


class Attendance(Table):
    """One household at one activity; ``checked_in_at`` is when the code was scanned (the
    phone's time, even when the scan reached the server later). ``evaluation`` is the points
    proposal made when the activity finished, ``problem`` why none was made (e.g. over cap)."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    activity = ForeignKey(references=Activity, on_delete=OnDelete.restrict, null=False)
    household = ForeignKey(references=Household, on_delete=OnDelete.restrict, null=False)
    member = ForeignKey(references=Member, on_delete=OnDelete.restrict, null=True)
    checked_in_at = Timestamptz()
    idempotency_key = Varchar(length=200)
    source = Varchar(length=8)
    struck = Boolean(default=False)
    strike_reason = Varchar(length=200, default="")
    evaluation = ForeignKey(references=Evaluation, on_delete=OnDelete.restrict, null=True)
    problem = Varchar(length=200, default="")
    recorded_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=ClockNow())
