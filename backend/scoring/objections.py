"""Objections (异议) during notice, and the committee's decision on them.

Invariants: only an evaluation on notice can be objected to, by any villager of the village
(公示 is public to the village: anyone may object to any line) or by a committee member; an
evaluation has at most one undecided objection, and while it has one it is held out of posting
(:func:`backend.scoring.periods.evaluations_to_post`); upholding rejects the evaluation,
overturning lets it stand, and either way the reason is kept for the villager.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from piccolo.columns.combination import Where

from backend import clock
from backend.audit.services import record
from backend.db import write_transaction
from backend.errors import NotFound
from backend.scoring.errors import (
    EvaluationNotInNotice,
    ObjectionAlreadyOpen,
    ObjectionDecided,
    OwnHousehold,
)
from backend.scoring.evaluations import Scorer, evaluation
from backend.scoring.notice_window import refuse_objection_outside_window
from backend.scoring.periods import period
from backend.scoring.tables import Evaluation
from backend.scoring.tables import Objection as ObjectionTable

OBJECTION_FIELDS = (
    ObjectionTable.id,
    ObjectionTable.village,
    ObjectionTable.evaluation,
    ObjectionTable.evaluation.household,
    ObjectionTable.evaluation.period,
    ObjectionTable.filer_name,
    ObjectionTable.reason,
    ObjectionTable.state,
    ObjectionTable.decision_reason,
    ObjectionTable.created_at,
    ObjectionTable.decided_at,
)


@dataclass(frozen=True, slots=True)
class Objection:
    """An objection to one evaluation: ``state`` is open, upheld or overturned."""

    id: int
    village_id: int
    evaluation_id: int
    household_id: int
    period_id: int
    filer_name: str
    reason: str
    state: str
    decision_reason: str
    created_at: datetime
    decided_at: datetime | None

    def without_filer(self) -> Objection:
        """As the household objected to reads it: not who objected."""
        return replace(self, filer_name="")


def _out(row: dict[str, Any]) -> Objection:
    return Objection(
        id=row["id"],
        village_id=row["village"],
        evaluation_id=row["evaluation"],
        household_id=row["evaluation.household"],
        period_id=row["evaluation.period"],
        filer_name=row["filer_name"],
        reason=row["reason"],
        state=row["state"],
        decision_reason=row["decision_reason"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
    )


async def objection(village_id: int, objection_id: int) -> Objection:
    row = (
        await ObjectionTable.select(*OBJECTION_FIELDS)
        .where((ObjectionTable.id == objection_id) & (ObjectionTable.village == village_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return _out(row)


async def objections(
    village_id: int, period_id: int, *, household_id: int | None = None
) -> list[Objection]:
    where: Where | Any = (ObjectionTable.village == village_id) & (
        ObjectionTable.evaluation.period == period_id
    )
    if household_id is not None:
        where &= ObjectionTable.evaluation.household == household_id
    rows = (
        await ObjectionTable.select(*OBJECTION_FIELDS)
        .where(where)
        .order_by(ObjectionTable.id)
        .run()
    )
    return [_out(r) for r in rows]


async def file_objection(
    scorer: Scorer, village_id: int, evaluation_id: int, reason: str
) -> Objection:
    """A villager of the village (about any household's line) or a committee member
    challenges an evaluation, while the notice window lasts."""
    async with write_transaction():
        target = await evaluation(village_id, evaluation_id)
        if "committee" not in scorer.roles and scorer.household_id is None:
            raise NotFound()
        notice = await period(village_id, target.period_id, lock="SHARE")
        refuse_objection_outside_window(notice.state, notice.notice_ends_at, clock.now())
        if target.state != "notice":
            raise EvaluationNotInNotice()
        if (
            await ObjectionTable.exists()
            .where((ObjectionTable.evaluation == evaluation_id) & (ObjectionTable.state == "open"))
            .run()
        ):
            raise ObjectionAlreadyOpen()
        row = (
            await ObjectionTable.insert(
                ObjectionTable(
                    village=village_id,
                    evaluation=evaluation_id,
                    filed_by=scorer.user_id,
                    filer_name=scorer.name,
                    reason=reason,
                    state="open",
                )
            )
            .returning(ObjectionTable.id)
            .run()
        )[0]
        await record(
            scorer.actor,
            "objection.file",
            "objection",
            row["id"],
            village_id=village_id,
            after={"evaluation": evaluation_id, "reason": reason},
        )
    return await objection(village_id, row["id"])


async def decide_objection(
    scorer: Scorer, village_id: int, objection_id: int, *, uphold: bool, reason: str
) -> Objection:
    """Uphold (the evaluation is rejected) or overturn (it stands) an objection, with a reason."""
    now = clock.now()
    async with write_transaction():
        current = await objection(village_id, objection_id)
        if scorer.household_id == current.household_id:
            raise OwnHousehold()
        state = "upheld" if uphold else "overturned"
        done = (
            await ObjectionTable.update(
                {
                    ObjectionTable.state: state,
                    ObjectionTable.decided_by: scorer.user_id,
                    ObjectionTable.decision_reason: reason,
                    ObjectionTable.decided_at: now,
                }
            )
            .where((ObjectionTable.id == objection_id) & (ObjectionTable.state == "open"))
            .returning(ObjectionTable.id)
            .run()
        )
        if not done:
            raise ObjectionDecided()
        if uphold:
            await (
                Evaluation.update(
                    {
                        Evaluation.state: "rejected",
                        Evaluation.reject_reason: reason,
                        Evaluation.decided_at: now,
                    }
                )
                .where((Evaluation.id == current.evaluation_id) & (Evaluation.state == "notice"))
                .run()
            )
        await record(
            scorer.actor,
            "objection.uphold" if uphold else "objection.overturn",
            "objection",
            objection_id,
            village_id=village_id,
            before={"state": "open"},
            after={"state": state, "reason": reason},
        )
    return await objection(village_id, objection_id)
