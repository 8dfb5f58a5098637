"""Activities and check-in (签到): create, start, record who came.

Invariants: a household is recorded at most once per activity (UNIQUE, and refused first with
``already_checked_in``); a check-in carries the client's idempotency key, and the same key
returns the first attendance however often it is replayed (an offline phone may send its queue
many times); the scan's own time must fall inside the check-in window; a phone code is spent in
the attendance's transaction, like at the shop; the activity's row is locked on PostgreSQL so
concurrent scans cannot overfill it (SQLite has one writer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.columns.combination import And, Where

from backend import clock
from backend.activities.errors import (
    ActivityFull,
    ActivityNotRunning,
    ActivityWrongStatus,
    AlreadyCheckedIn,
    BadActivityTimes,
    NotOrganiser,
    OutsideWindow,
    UnknownMember,
)
from backend.activities.records import ActivityRecord, AttendanceRecord, MemberBrief
from backend.activities.tables import Activity, Attendance
from backend.audit.services import record
from backend.cards import scanning
from backend.db import locked, write_transaction
from backend.errors import DomainError, NotFound
from backend.registry import services as registry
from backend.registry.tables import Member
from backend.scoring.evaluations import Scorer
from backend.scoring.rules import current_rule
from backend.settings import get_settings

CLOCK_SKEW = timedelta(minutes=5)
STATUS_ZH = {"planned": "计划中", "running": "进行中", "finished": "已结束", "confirmed": "已确认"}
ACTIVITY_FIELDS = (
    Activity.id,
    Activity.village,
    Activity.title,
    Activity.rule,
    Activity.rule.code,
    Activity.rule.category,
    Activity.rule.title,
    Activity.rule.points,
    Activity.place,
    Activity.starts_at,
    Activity.ends_at,
    Activity.opens_at,
    Activity.closes_at,
    Activity.capacity,
    Activity.organiser,
    Activity.organiser_name,
    Activity.status,
    Activity.signup,
    Activity.confirmed_by,
    Activity.confirmer_name,
    Activity.finished_at,
    Activity.confirmed_at,
)
ATTENDANCE_FIELDS = (
    Attendance.id,
    Attendance.activity,
    Attendance.household,
    Attendance.household.number,
    Attendance.household.head_name,
    Attendance.member,
    Attendance.member.name,
    Attendance.checked_in_at,
    Attendance.source,
    Attendance.struck,
    Attendance.strike_reason,
    Attendance.evaluation,
    Attendance.problem,
    Attendance.idempotency_key,
)


@dataclass(frozen=True, slots=True)
class Scan:
    """One scan as the organiser's phone recorded it: the code, who of the household came,
    when it was scanned (None: now) and the key the phone made for it."""

    code: str
    key: str
    member_id: int | None = None
    scanned_at: datetime | None = None


def _activity_out(row: dict[str, Any], checked_in: int = 0) -> ActivityRecord:
    return ActivityRecord(
        id=row["id"],
        village_id=row["village"],
        title=row["title"],
        rule_id=row["rule"],
        rule_code=row["rule.code"],
        rule_category=row["rule.category"],
        rule_title=row["rule.title"],
        points=row["rule.points"],
        place=row["place"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        capacity=row["capacity"],
        organiser_id=row["organiser"],
        organiser_name=row["organiser_name"],
        status=row["status"],
        signup=row["signup"],
        confirmed_by=row["confirmed_by"],
        confirmer_name=row["confirmer_name"],
        finished_at=row["finished_at"],
        confirmed_at=row["confirmed_at"],
        checked_in=checked_in,
    )


def _attendance_out(row: dict[str, Any], members: tuple[MemberBrief, ...]) -> AttendanceRecord:
    return AttendanceRecord(
        id=row["id"],
        activity_id=row["activity"],
        household_id=row["household"],
        number=row["household.number"],
        head_name=row["household.head_name"],
        member_id=row["member"],
        member_name=row["member.name"] or "",
        checked_in_at=row["checked_in_at"],
        source=row["source"],
        struck=row["struck"],
        strike_reason=row["strike_reason"],
        evaluation_id=row["evaluation"],
        problem=row["problem"],
        members=members,
    )


async def _count(activity_id: int) -> int:
    return (
        await Attendance.count()
        .where((Attendance.activity == activity_id) & (Attendance.struck.eq(False)))
        .run()
    )


async def activity(village_id: int, activity_id: int, *, lock: bool = False) -> ActivityRecord:
    """One activity of the village (another village's is not found); ``lock`` takes its row
    on PostgreSQL so check-ins and transitions of one activity queue up."""
    query = Activity.select(*ACTIVITY_FIELDS).where(
        (Activity.id == activity_id) & (Activity.village == village_id)
    )
    if lock:
        query = locked(query, of=(Activity,))
    row = await query.first().run()
    if row is None:
        raise NotFound()
    return _activity_out(row, await _count(activity_id))


async def activities(village_id: int, status: str | None = None) -> list[ActivityRecord]:
    where: Where | And = Activity.village == village_id
    if status is not None:
        where &= Activity.status == status
    rows = (
        await Activity.select(*ACTIVITY_FIELDS)
        .where(where)
        .order_by(Activity.starts_at, ascending=False)
        .run()
    )
    return [_activity_out(r, await _count(r["id"])) for r in rows]


async def _with_members(rows: list[dict[str, Any]]) -> list[AttendanceRecord]:
    """Attendance rows as records, each with its household's active members, so the organiser
    can pick who came."""
    members = (
        await Member.select(Member.id, Member.name, Member.household)
        .where(
            Member.household.is_in([r["household"] for r in rows] or [0]) & Member.active.eq(True)
        )
        .order_by(Member.id)
        .run()
    )
    return [
        _attendance_out(
            row,
            tuple(
                MemberBrief(m["id"], m["name"])
                for m in members
                if m["household"] == row["household"]
            ),
        )
        for row in rows
    ]


async def attendances(village_id: int, activity_id: int) -> list[AttendanceRecord]:
    await activity(village_id, activity_id)
    rows = (
        await Attendance.select(*ATTENDANCE_FIELDS)
        .where(Attendance.activity == activity_id)
        .order_by(Attendance.checked_in_at)
        .run()
    )
    return await _with_members(rows)


async def create_activity(
    scorer: Scorer, village_id: int, fields: dict[str, Any]
) -> ActivityRecord:
    """Plan an activity awarding a rule of the village's current rule book; its creator is its
    organiser."""
    if fields["ends_at"] <= fields["starts_at"]:
        raise BadActivityTimes()
    fields.setdefault("opens_at", fields["starts_at"] - timedelta(minutes=30))
    fields.setdefault("closes_at", fields["ends_at"])
    if fields["closes_at"] <= fields["opens_at"]:
        raise BadActivityTimes()
    async with write_transaction():
        await current_rule(village_id, fields["rule_id"])
        row = (
            await Activity.insert(
                Activity(
                    village=village_id,
                    title=fields["title"],
                    rule=fields["rule_id"],
                    place=fields.get("place", ""),
                    starts_at=fields["starts_at"],
                    ends_at=fields["ends_at"],
                    opens_at=fields["opens_at"],
                    closes_at=fields["closes_at"],
                    capacity=fields.get("capacity", 0),
                    signup=fields.get("signup", False),
                    organiser=scorer.user_id,
                    organiser_name=scorer.name,
                    status="planned",
                )
            )
            .returning(Activity.id)
            .run()
        )[0]
        await record(
            scorer.actor,
            "activity.create",
            "activity",
            row["id"],
            village_id=village_id,
            after={k: str(v) for k, v in fields.items()},
        )
    return await activity(village_id, row["id"])


def may_run(scorer: Scorer, current: ActivityRecord) -> None:
    """The organiser runs their activity; any committee member may stand in."""
    if scorer.user_id != current.organiser_id and "committee" not in scorer.roles:
        raise NotOrganiser()


async def start_activity(scorer: Scorer, village_id: int, activity_id: int) -> ActivityRecord:
    """planned → running: check-in is possible (inside its window) from now on."""
    async with write_transaction():
        current = await activity(village_id, activity_id, lock=True)
        may_run(scorer, current)
        if current.status != "planned":
            raise ActivityWrongStatus(status=STATUS_ZH[current.status])
        await Activity.update({Activity.status: "running"}).where(Activity.id == activity_id).run()
        await record(
            scorer.actor,
            "activity.start",
            "activity",
            activity_id,
            village_id=village_id,
            before={"status": "planned"},
            after={"status": "running"},
        )
    return await activity(village_id, activity_id)


def _local(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(get_settings().timezone)).strftime("%m-%d %H:%M")


async def _existing(activity_id: int, key: str) -> AttendanceRecord | None:
    row = (
        await Attendance.select(*ATTENDANCE_FIELDS)
        .where((Attendance.activity == activity_id) & (Attendance.idempotency_key == key))
        .first()
        .run()
    )
    return None if row is None else (await _with_members([row]))[0]


async def _member_of(village_id: int, household_id: int, member_id: int | None) -> None:
    if member_id is None:
        return
    members = (await registry.household(village_id, household_id)).members
    if not any(m.id == member_id and m.active for m in members):
        raise UnknownMember()


async def check_in(
    scorer: Scorer,
    village_id: int,
    activity_id: int,
    scan: Scan,
    *,
    now: datetime | None = None,
) -> AttendanceRecord:
    """Record the household a scanned card or phone code names; the same key returns the first
    attendance. Refuses ``already_checked_in``, ``outside_window``, ``activity_full``,
    ``activity_not_running`` and every refusal of :func:`scanning.resolve`."""
    now = now or clock.now()
    async with write_transaction():
        current = await activity(village_id, activity_id, lock=True)
        may_run(scorer, current)
        first = await _existing(activity_id, scan.key)
        if first is not None:
            return first
        if current.status != "running":
            raise ActivityNotRunning()
        at = scan.scanned_at or now
        if not current.opens_at <= at <= current.closes_at or at > now + CLOCK_SKEW:
            raise OutsideWindow(opens=_local(current.opens_at), closes=_local(current.closes_at))
        scanned = await scanning.resolve(scan.code, village_id=village_id, now=at)
        await _member_of(village_id, scanned.household_id, scan.member_id)
        if (
            await Attendance.exists()
            .where(
                (Attendance.activity == activity_id)
                & (Attendance.household == scanned.household_id)
            )
            .run()
        ):
            raise AlreadyCheckedIn(head_name=scanned.head_name, number=scanned.number)
        if current.capacity and current.checked_in >= current.capacity:
            raise ActivityFull(capacity=current.capacity)
        await scanning.consume_phone_code(scanned)
        row = (
            await Attendance.insert(
                Attendance(
                    village=village_id,
                    activity=activity_id,
                    household=scanned.household_id,
                    member=scan.member_id,
                    checked_in_at=at,
                    idempotency_key=scan.key,
                    source=scanned.kind,
                    recorded_by=scorer.user_id,
                )
            )
            .returning(Attendance.id)
            .run()
        )[0]
        await record(
            scorer.actor,
            "attendance.check_in",
            "attendance",
            row["id"],
            village_id=village_id,
            after={
                "activity": activity_id,
                "household": scanned.household_id,
                "member": scan.member_id,
                "at": at.isoformat(),
                "source": scanned.kind,
            },
        )
    found = await _existing(activity_id, scan.key)
    assert found is not None
    return found


async def check_in_batch(
    scorer: Scorer,
    village_id: int,
    activity_id: int,
    scans: list[Scan],
    *,
    now: datetime | None = None,
) -> list[tuple[Scan, AttendanceRecord | DomainError]]:
    """Replay an offline phone's queue: each scan in its own transaction, so one refusal does
    not lose the others; a scan already recorded answers with its first attendance."""
    await activity(village_id, activity_id)
    results: list[tuple[Scan, AttendanceRecord | DomainError]] = []
    for scan in scans:
        try:
            results.append((scan, await check_in(scorer, village_id, activity_id, scan, now=now)))
        except DomainError as refusal:
            results.append((scan, refusal))
    return results


async def set_member(
    scorer: Scorer, village_id: int, activity_id: int, attendance_id: int, member_id: int | None
) -> AttendanceRecord:
    """Say which member of the household came (or that it is not known), until the list is
    confirmed; it changes the member's hours, never the household's points."""
    async with write_transaction():
        current = await activity(village_id, activity_id, lock=True)
        may_run(scorer, current)
        if current.status == "confirmed":
            raise ActivityWrongStatus(status=STATUS_ZH["confirmed"])
        row = (
            await Attendance.select(
                Attendance.household, Attendance.member, Attendance.idempotency_key
            )
            .where((Attendance.id == attendance_id) & (Attendance.activity == activity_id))
            .first()
            .run()
        )
        if row is None:
            raise NotFound()
        await _member_of(village_id, row["household"], member_id)
        await (
            Attendance.update({Attendance.member: member_id})
            .where(Attendance.id == attendance_id)
            .run()
        )
        await record(
            scorer.actor,
            "attendance.member",
            "attendance",
            attendance_id,
            village_id=village_id,
            before={"member": row["member"]},
            after={"member": member_id},
        )
    found = await _existing(activity_id, row["idempotency_key"])
    assert found is not None
    return found
