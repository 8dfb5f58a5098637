"""Scoring periods (评议周期): open → notice (公示) → closed.

Invariants: at most one period per village is open for scoring (a partial unique index backs the
check); a period goes on notice only when every evaluation in it has been verified or rejected, and
its verified evaluations go on notice with it; it closes only after the notice window, and closing
selects exactly the evaluations that may post (:func:`evaluations_to_post`). Every transition is
audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from backend import clock
from backend.audit.services import Actor, record
from backend.db import locked, write_transaction
from backend.errors import NotFound
from backend.registry import services as registry
from backend.scoring.errors import (
    BadPeriodDates,
    DuplicatePeriodName,
    PeriodAlreadyOpen,
    PeriodNotInNotice,
    PeriodNotOpen,
    UnverifiedEvaluations,
)
from backend.scoring.notice_window import (
    notice_ends_at,
    refuse_close_within_window,
)
from backend.scoring.tables import Evaluation, Objection
from backend.scoring.tables import Period as PeriodTable

PERIOD_FIELDS = (
    PeriodTable.id,
    PeriodTable.village,
    PeriodTable.name,
    PeriodTable.kind,
    PeriodTable.starts_on,
    PeriodTable.ends_on,
    PeriodTable.state,
    PeriodTable.notice_ends_at,
    PeriodTable.closed_at,
)


@dataclass(frozen=True, slots=True)
class Period:
    """A period as the services read it: ``notice_ends_at`` is set once notice starts,
    ``closed_at`` once it closes."""

    id: int
    village_id: int
    name: str
    kind: str
    starts_on: date
    ends_on: date
    state: str
    notice_ends_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class DueEvaluation:
    """An evaluation that must post now, with the ledger key it posts under."""

    id: int
    village_id: int
    household_id: int
    period_id: int
    rule_id: int
    points: int
    key: str


def _out(row: dict[str, Any]) -> Period:
    return Period(
        id=row["id"],
        village_id=row["village"],
        name=row["name"],
        kind=row["kind"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        state=row["state"],
        notice_ends_at=row["notice_ends_at"],
        closed_at=row["closed_at"],
    )


async def period(
    village_id: int, period_id: int, *, lock: Literal["SHARE", "UPDATE"] | None = None
) -> Period:
    """One period of the village. Writers that depend on its state lock it on PostgreSQL:
    entries take SHARE, transitions take UPDATE, so no entry slips in while notice starts."""
    query = PeriodTable.select(*PERIOD_FIELDS).where(
        (PeriodTable.id == period_id) & (PeriodTable.village == village_id)
    )
    if lock is not None:
        query = locked(query, lock)
    row = await query.first().run()
    if row is None:
        raise NotFound()
    return _out(row)


async def periods(village_id: int) -> list[Period]:
    rows = (
        await PeriodTable.select(*PERIOD_FIELDS)
        .where(PeriodTable.village == village_id)
        .order_by(PeriodTable.starts_on, ascending=False)
        .run()
    )
    return [_out(r) for r in rows]


async def open_period(
    actor: Actor, village_id: int, *, name: str, kind: str, starts_on: date, ends_on: date
) -> Period:
    """Open a period for scoring; a village scores one period at a time."""
    if ends_on < starts_on:
        raise BadPeriodDates()
    async with write_transaction():
        if (
            await PeriodTable.exists()
            .where((PeriodTable.village == village_id) & (PeriodTable.state == "open"))
            .run()
        ):
            raise PeriodAlreadyOpen()
        if (
            await PeriodTable.exists()
            .where((PeriodTable.village == village_id) & (PeriodTable.name == name))
            .run()
        ):
            raise DuplicatePeriodName(name=name)
        row = (
            await PeriodTable.insert(
                PeriodTable(
                    village=village_id,
                    name=name,
                    kind=kind,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    state="open",
                )
            )
            .returning(PeriodTable.id)
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
) -> Period:
    """Publish a period's verified evaluations for notice (公示) for the village's notice days."""
    now = now or clock.now()
    async with write_transaction():
        current = await period(village_id, period_id, lock="UPDATE")
        if current.state != "open":
            raise PeriodNotOpen()
        pending = (
            await Evaluation.count()
            .where((Evaluation.period == period_id) & (Evaluation.state == "proposed"))
            .run()
        )
        if pending:
            raise UnverifiedEvaluations(count=pending)
        days = (await registry.village(village_id)).notice_days
        ends_at = notice_ends_at(now, days)
        moved = (
            await PeriodTable.update(
                {PeriodTable.state: "notice", PeriodTable.notice_ends_at: ends_at}
            )
            .where((PeriodTable.id == period_id) & (PeriodTable.state == "open"))
            .returning(PeriodTable.id)
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
) -> Period:
    """Close a period whose notice window is over. Closing a closed period is not an error: the
    caller then posts whatever :func:`evaluations_to_post` still returns (e.g. an evaluation
    whose objection was overturned after the close, or a close that stopped half way)."""
    now = now or clock.now()
    async with write_transaction():
        current = await period(village_id, period_id, lock="UPDATE")
        if current.state == "closed":
            return current
        if current.state != "notice" or current.notice_ends_at is None:
            raise PeriodNotInNotice()
        refuse_close_within_window(current.notice_ends_at, now)
        await (
            PeriodTable.update({PeriodTable.state: "closed", PeriodTable.closed_at: now})
            .where(PeriodTable.id == period_id)
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


async def evaluations_to_post(period_id: int) -> list[DueEvaluation]:
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
        DueEvaluation(
            id=r["id"],
            village_id=r["village"],
            household_id=r["household"],
            period_id=r["period"],
            rule_id=r["rule"],
            points=r["points"],
            key=f"evaluation:{r['id']}",
        )
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
