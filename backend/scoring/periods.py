"""Scoring periods (评议周期): open → notice (公示) → closed.

Invariants: at most one period per village is open for scoring (a partial unique index backs the
check); a period goes on notice only when every evaluation in it has been verified or rejected, and
its verified evaluations go on notice with it; it closes only after the notice window, and closing
selects exactly the evaluations that may post (:func:`evaluations_to_post`). Every transition is
audited.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal

from backend import clock
from backend.audit.services import Actor, record
from backend.db import is_postgres, write_transaction
from backend.errors import NotFound
from backend.registry import services as registry
from backend.scoring.errors import (
    BadPeriodDates,
    DuplicatePeriodName,
    NoticeNotOver,
    PeriodAlreadyOpen,
    PeriodNotInNotice,
    PeriodNotOpen,
    UnverifiedEvaluations,
)
from backend.scoring.tables import Evaluation, Objection, Period

PERIOD_FIELDS = (
    Period.id,
    Period.village,
    Period.name,
    Period.kind,
    Period.starts_on,
    Period.ends_on,
    Period.state,
    Period.notice_ends_at,
    Period.closed_at,
)


def _out(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["village_id"] = out.pop("village")
    return out


async def period(
    village_id: int, period_id: int, *, lock: Literal["SHARE", "UPDATE"] | None = None
) -> dict[str, Any]:
    """One period of the village. Writers that depend on its state lock it on PostgreSQL:
    entries take SHARE, transitions take UPDATE, so no entry slips in while notice starts."""
    query = Period.select(*PERIOD_FIELDS).where(
        (Period.id == period_id) & (Period.village == village_id)
    )
    if lock is not None and is_postgres():
        query = query.lock_rows(lock)
    row = await query.first().run()
    if row is None:
        raise NotFound()
    return _out(row)


async def periods(village_id: int) -> list[dict[str, Any]]:
    rows = (
        await Period.select(*PERIOD_FIELDS)
        .where(Period.village == village_id)
        .order_by(Period.starts_on, ascending=False)
        .run()
    )
    return [_out(r) for r in rows]


async def open_period(
    actor: Actor, village_id: int, *, name: str, kind: str, starts_on: date, ends_on: date
) -> dict[str, Any]:
    """Open a period for scoring; a village scores one period at a time."""
    if ends_on < starts_on:
        raise BadPeriodDates()
    async with write_transaction():
        if (
            await Period.exists()
            .where((Period.village == village_id) & (Period.state == "open"))
            .run()
        ):
            raise PeriodAlreadyOpen()
        if (
            await Period.exists()
            .where((Period.village == village_id) & (Period.name == name))
            .run()
        ):
            raise DuplicatePeriodName(name=name)
        row = (
            await Period.insert(
                Period(
                    village=village_id,
                    name=name,
                    kind=kind,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    state="open",
                )
            )
            .returning(Period.id)
            .run()
        )[0]
        await record(
            actor,
            "period.open",
            "period",
            row["id"],
            village_id=village_id,
            after={"name": name, "kind": kind, "starts_on": starts_on, "ends_on": ends_on},
        )
    return await period(village_id, row["id"])


async def start_notice(
    actor: Actor, village_id: int, period_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """Publish a period's verified evaluations for notice (公示) for the village's notice days."""
    now = now or clock.now()
    async with write_transaction():
        current = await period(village_id, period_id, lock="UPDATE")
        if current["state"] != "open":
            raise PeriodNotOpen()
        pending = (
            await Evaluation.count()
            .where((Evaluation.period == period_id) & (Evaluation.state == "proposed"))
            .run()
        )
        if pending:
            raise UnverifiedEvaluations(count=pending)
        days = (await registry.village(village_id))["notice_days"]
        ends_at = now + timedelta(days=days)
        moved = (
            await Period.update({Period.state: "notice", Period.notice_ends_at: ends_at})
            .where((Period.id == period_id) & (Period.state == "open"))
            .returning(Period.id)
            .run()
        )
        if not moved:
            raise PeriodNotOpen()
        await (
            Evaluation.update({Evaluation.state: "notice"})
            .where((Evaluation.period == period_id) & (Evaluation.state == "verified"))
            .run()
        )
        await record(
            actor,
            "period.notice",
            "period",
            period_id,
            village_id=village_id,
            before={"state": "open"},
            after={"state": "notice", "notice_ends_at": ends_at},
        )
    return await period(village_id, period_id)


async def close_period(
    actor: Actor, village_id: int, period_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """Close a period whose notice window is over. Closing a closed period is not an error: the
    caller then posts whatever :func:`evaluations_to_post` still returns (e.g. an evaluation
    whose objection was overturned after the close, or a close that stopped half way)."""
    now = now or clock.now()
    async with write_transaction():
        current = await period(village_id, period_id, lock="UPDATE")
        if current["state"] == "closed":
            return current
        if current["state"] != "notice":
            raise PeriodNotInNotice()
        if now < current["notice_ends_at"]:
            raise NoticeNotOver(ends_at=current["notice_ends_at"].isoformat(timespec="minutes"))
        await (
            Period.update({Period.state: "closed", Period.closed_at: now})
            .where(Period.id == period_id)
            .run()
        )
        await record(
            actor,
            "period.close",
            "period",
            period_id,
            village_id=village_id,
            before={"state": "notice"},
            after={"state": "closed"},
        )
    return await period(village_id, period_id)


async def evaluations_to_post(period_id: int) -> list[dict[str, Any]]:
    """Exactly the evaluations that must post now: approved and on notice, not yet posted, and
    not held by an undecided objection. Rejected and posted ones are never returned."""
    held = Objection.select(Objection.evaluation).where(
        (Objection.state == "open") & (Objection.evaluation.period == period_id)
    )
    held_ids = [r["evaluation"] for r in await held.run()]
    where = (
        (Evaluation.period == period_id)
        & (Evaluation.state == "notice")
        & (Evaluation.period.state.is_in(["notice", "closed"]))
    )
    if held_ids:
        where &= Evaluation.id.not_in(held_ids)
    rows = (
        await Evaluation.select(
            Evaluation.id,
            Evaluation.village,
            Evaluation.household,
            Evaluation.period,
            Evaluation.rule,
            Evaluation.points,
        )
        .where(where)
        .order_by(Evaluation.id)
        .run()
    )
    return [
        {
            "id": r["id"],
            "village_id": r["village"],
            "household_id": r["household"],
            "period_id": r["period"],
            "rule_id": r["rule"],
            "points": r["points"],
            "key": f"evaluation:{r['id']}",
        }
        for r in rows
    ]


async def mark_posted(evaluation_id: int, *, now: datetime | None = None) -> bool:
    """Record that an evaluation's ledger transfer exists; call it in the transfer's transaction.

    Guarded on state, so it is true exactly once per evaluation.
    """
    return evaluation_id in await mark_all_posted([evaluation_id], now=now)


async def mark_all_posted(evaluation_ids: list[int], *, now: datetime | None = None) -> set[int]:
    """:func:`mark_posted` for many in one statement: the ids that were on notice until now."""
    async with write_transaction():
        done = (
            await Evaluation.update(
                {Evaluation.state: "posted", Evaluation.posted_at: now or clock.now()}
            )
            .where(Evaluation.id.is_in(evaluation_ids or [0]) & (Evaluation.state == "notice"))
            .returning(Evaluation.id)
            .run()
        )
    return {row["id"] for row in done}
