"""公示 for the village: during notice every logged-in person of the village reads every line of
the period, and after the close the households concerned read how each objection was decided.

Invariants (docs/design.md): the list is the period's evaluations on notice, whole, for anyone
of the village (the household, the rule, the points, whether there is evidence, who verified it),
with the window's end; a villager's view of objections holds those about their own household and
those they filed — the objector's name only to the objector and the committee, never to the
household objected to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from piccolo.columns.combination import Or

from backend.registry.tables import Household
from backend.scoring.evaluations import evaluations
from backend.scoring.periods import period
from backend.scoring.tables import Objection


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """One evaluation on notice: ``objection`` is the state of its objection (``""`` if none)."""

    evaluation_id: int
    household_id: int
    number: str
    head_name: str
    category: str
    title: str
    points: int
    has_evidence: bool
    verifier_name: str
    objection: str


@dataclass(frozen=True, slots=True)
class Notice:
    """``lines`` is empty unless the period is on notice (``state``)."""

    period_id: int
    period_name: str
    state: str
    notice_ends_at: datetime | None
    lines: list[NoticeLine]


@dataclass(frozen=True, slots=True)
class ObjectionOutcome:
    """An objection as a villager reads it: ``mine`` when they filed it; ``filer_name`` only
    then (the household objected to does not learn who objected)."""

    id: int
    period_id: int
    period_name: str
    evaluation_id: int
    household_id: int
    head_name: str
    title: str
    points: int
    reason: str
    state: str
    decision_reason: str
    decided_at: datetime | None
    mine: bool
    filer_name: str


async def notice(village_id: int, period_id: int, *, reprint: bool = False) -> Notice:
    """The whole period's list while it is on notice (no lines before or after). With
    ``reprint`` (the committee's notice sheet of a closed period, printed again) a closed period
    lists what was on notice: the lines posted or held at the close, and those an upheld
    objection withdrew."""
    current = await period(village_id, period_id)
    if current.state == "notice":
        rows = await evaluations(village_id, period_id, states=["notice"])
    elif reprint and current.state == "closed":
        withdrawn = {
            o["evaluation"]
            for o in await Objection.select(Objection.evaluation)
            .where((Objection.village == village_id) & (Objection.state == "upheld"))
            .run()
        }
        rows = [
            r
            for r in await evaluations(
                village_id, period_id, states=["notice", "posted", "rejected"]
            )
            if r.state != "rejected" or r.id in withdrawn
        ]
    else:
        rows = []
    people = {
        h["id"]: h
        for h in await Household.select(Household.id, Household.number, Household.head_name)
        .where(Household.id.is_in([r.household_id for r in rows] or [0]))
        .run()
    }
    objected = {
        o["evaluation"]: o["state"]
        for o in await Objection.select(Objection.evaluation, Objection.state)
        .where(
            (Objection.village == village_id)
            & Objection.evaluation.is_in([r.id for r in rows] or [0])
        )
        .order_by(Objection.id)
        .run()
    }
    lines = [
        NoticeLine(
            evaluation_id=r.id,
            household_id=r.household_id,
            number=people[r.household_id]["number"],
            head_name=people[r.household_id]["head_name"],
            category=r.category,
            title=r.title,
            points=r.points,
            has_evidence=r.has_evidence,
            verifier_name=r.verifier_name,
            objection=objected.get(r.id, ""),
        )
        for r in rows
    ]
    lines.sort(key=lambda line: (line.number, line.evaluation_id))
    return Notice(
        period_id=period_id,
        period_name=current.name,
        state=current.state,
        notice_ends_at=current.notice_ends_at,
        lines=lines,
    )


async def outcomes(village_id: int, household_id: int, user_id: int) -> list[ObjectionOutcome]:
    """Every objection about the household or filed by this villager, in every period, newest
    first — decided ones with the committee's reason."""
    rows = (
        await Objection.select(
            Objection.id,
            Objection.evaluation,
            Objection.evaluation.period,
            Objection.evaluation._.period._.name,
            Objection.evaluation.household,
            Objection.evaluation._.household._.head_name,
            Objection.evaluation._.rule._.title,
            Objection.evaluation.points,
            Objection.reason,
            Objection.state,
            Objection.decision_reason,
            Objection.decided_at,
            Objection.filed_by,
            Objection.filer_name,
        )
        .where(
            (Objection.village == village_id)
            & Or(Objection.evaluation.household == household_id, Objection.filed_by == user_id)
        )
        .order_by(Objection.id, ascending=False)
        .run()
    )
    return [
        ObjectionOutcome(
            id=r["id"],
            period_id=r["evaluation.period"],
            period_name=r["evaluation.period.name"],
            evaluation_id=r["evaluation"],
            household_id=r["evaluation.household"],
            head_name=r["evaluation.household.head_name"],
            title=r["evaluation.rule.title"],
            points=r["evaluation.points"],
            reason=r["reason"],
            state=r["state"],
            decision_reason=r["decision_reason"],
            decided_at=r["decided_at"],
            mine=r["filed_by"] == user_id,
            filer_name=r["filer_name"] if r["filed_by"] == user_id else "",
        )
        for r in rows
    ]
