"""From attendance to points: finishing proposes, a second committee member confirms.

Invariants: finishing turns every attendance into one *proposed* evaluation of the activity's rule
in the village's open period, under the same caps as any proposal (an attendance over the cap is
kept, with the reason it earned nothing, never failed) — the sign-in list is the evidence, so
they enter like a batch sheet (``source="batch"``), without a photo each; the list is confirmed
by a committee member other than its organiser, in one action that may strike names (their
evaluations are rejected) and verifies the rest — which then go on notice (公示) and post at
close like every evaluation.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from backend import clock
from backend.activities.errors import (
    ActivityWrongStatus,
    NoOpenPeriod,
    OwnList,
    UnknownAttendance,
)
from backend.activities.records import ActivityRecord
from backend.activities.services import STATUS_ZH, activity, attendances, may_run
from backend.activities.tables import Activity, Attendance
from backend.audit.services import record
from backend.db import write_transaction
from backend.errors import DomainError, Forbidden
from backend.scoring import evaluations, periods
from backend.scoring.evaluations import Scorer
from backend.settings import get_settings


def evaluation_note(current: ActivityRecord) -> str:
    """The words the ledger's statement line carries: the activity and its day."""
    day = current.starts_at.astimezone(ZoneInfo(get_settings().timezone))
    return f"志愿活动“{current.title}”（{day.month}月{day.day}日）"


async def _open_period(village_id: int) -> int:
    for period in await periods.periods(village_id):
        if period.state == "open":
            return int(period.id)
    raise NoOpenPeriod()


async def finish_activity(scorer: Scorer, village_id: int, activity_id: int) -> ActivityRecord:
    """running → finished; each attendance becomes a proposed evaluation (or says why not)."""
    async with write_transaction():
        current = await activity(village_id, activity_id, lock=True)
        may_run(scorer, current)
        if current.status != "running":
            raise ActivityWrongStatus(status=STATUS_ZH[current.status])
        period_id = await _open_period(village_id)
        note = evaluation_note(current)
        for item in await attendances(village_id, activity_id):
            if item.struck or item.evaluation_id is not None:
                continue
            try:
                [evaluation_id] = await evaluations.propose(
                    scorer,
                    village_id,
                    period_id,
                    item.household_id,
                    current.rule_id,
                    note=note,
                    source="batch",
                )
            except DomainError as refusal:
                await (
                    Attendance.update({Attendance.problem: refusal.message("zh")[:200]})
                    .where(Attendance.id == item.id)
                    .run()
                )
                continue
            await (
                Attendance.update({Attendance.evaluation: evaluation_id})
                .where(Attendance.id == item.id)
                .run()
            )
        await (
            Activity.update({Activity.status: "finished", Activity.finished_at: clock.now()})
            .where(Activity.id == activity_id)
            .run()
        )
        await record(
            scorer.actor,
            "activity.finish",
            "activity",
            activity_id,
            village_id=village_id,
            before={"status": "running"},
            after={"status": "finished", "period": period_id},
        )
    return await activity(village_id, activity_id)


async def confirm_activity(
    scorer: Scorer, village_id: int, activity_id: int, strikes: dict[int, str]
) -> ActivityRecord:
    """finished → confirmed by a committee member who is not the organiser: the ``strikes``
    (attendance id → reason) are struck and their evaluations rejected, the rest verified."""
    async with write_transaction():
        current = await activity(village_id, activity_id, lock=True)
        if "committee" not in scorer.roles:
            raise Forbidden()
        if scorer.user_id is not None and scorer.user_id == current.organiser_id:
            raise OwnList()
        if current.status != "finished":
            raise ActivityWrongStatus(status=STATUS_ZH[current.status])
        items = await attendances(village_id, activity_id)
        unknown = set(strikes) - {item.id for item in items}
        if unknown:
            raise UnknownAttendance(ids=", ".join(str(i) for i in sorted(unknown)))
        for item in items:
            if item.id in strikes:
                reason = strikes[item.id]
                await (
                    Attendance.update({Attendance.struck: True, Attendance.strike_reason: reason})
                    .where(Attendance.id == item.id)
                    .run()
                )
                if item.evaluation_id is not None:
                    await evaluations.reject(
                        scorer, village_id, item.evaluation_id, f"签到名单划去：{reason}"
                    )
            elif item.evaluation_id is not None and not item.struck:
                await evaluations.verify(
                    scorer, village_id, item.evaluation_id, note="活动签到名单确认"
                )
        await (
            Activity.update(
                {
                    Activity.status: "confirmed",
                    Activity.confirmed_by: scorer.user_id,
                    Activity.confirmer_name: scorer.name,
                    Activity.confirmed_at: clock.now(),
                }
            )
            .where(Activity.id == activity_id)
            .run()
        )
        await record(
            scorer.actor,
            "activity.confirm",
            "activity",
            activity_id,
            village_id=village_id,
            before={"status": "finished"},
            after={"status": "confirmed", "struck": {str(k): v for k, v in strikes.items()}},
        )
    return await activity(village_id, activity_id)
