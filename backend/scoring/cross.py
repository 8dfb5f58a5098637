"""Cross-evaluation (道德小组交叉评议).

The model, kept simple: each period the committee assigns which moral groups mark which. A marker
is a household of the marking group; its 0–10 marks (per criterion) are typed in by a committee
member or grid officer from the group's paper sheet or on the member's behalf. A household is
never marked by a household of its own group, nor by a group not assigned to it.

A household's result per criterion is the trimmed mean of its markers' marks (drop the highest and
the lowest when there are five or more markers), its overall result the mean over criteria, kept
as an exact fraction — never a float — and turned into points by the village's table of bands
(``[minimum result in tenths, points]``). Tallying proposes those points as evaluations of a rule
the committee names, which then go through 入户核实 and notice like any other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from fractions import Fraction

from backend.audit.services import Actor, record
from backend.db import write_transaction
from backend.registry.errors import UnknownMoralGroup
from backend.registry.tables import Household, MoralGroup
from backend.scoring.errors import NotAssigned, OwnGroup, PeriodNotOpen
from backend.scoring.evaluations import Scorer, propose
from backend.scoring.periods import period
from backend.scoring.scoring_settings import scoring_settings
from backend.scoring.tables import CrossAssignment, CrossMark

TRIM_FROM = 5


@dataclass(frozen=True, slots=True)
class Assignment:
    """The households of ``marker_group_id`` mark those of ``target_group_id``."""

    marker_group_id: int
    target_group_id: int


@dataclass(frozen=True, slots=True)
class CrossResult:
    """A marked household's result; ``evaluation_id`` once a tally proposed its points."""

    household_id: int
    markers: int
    result_tenths: int
    criteria_tenths: dict[str, int]
    points: int
    evaluation_id: int | None = None


async def assign_groups(
    actor: Actor, village_id: int, period_id: int, pairs: list[tuple[int, int]]
) -> list[Assignment]:
    """Add (marking group, marked group) pairs for an open period; a group never marks itself."""
    async with write_transaction():
        if (await period(village_id, period_id, lock="SHARE")).state != "open":
            raise PeriodNotOpen()
        groups = {
            r["id"]
            for r in await MoralGroup.select(MoralGroup.id)
            .where(MoralGroup.village == village_id)
            .run()
        }
        for marker, target in pairs:
            if marker not in groups or target not in groups:
                raise UnknownMoralGroup()
            if marker == target:
                raise OwnGroup()
            if (
                not await CrossAssignment.exists()
                .where(
                    (CrossAssignment.period == period_id)
                    & (CrossAssignment.marker_group == marker)
                    & (CrossAssignment.target_group == target)
                )
                .run()
            ):
                await CrossAssignment.insert(
                    CrossAssignment(
                        village=village_id,
                        period=period_id,
                        marker_group=marker,
                        target_group=target,
                    )
                ).run()
        await record(
            actor,
            "cross.assign",
            "period",
            period_id,
            village_id=village_id,
            after={"pairs": pairs},
        )
    return await assignments(village_id, period_id)


async def assignments(village_id: int, period_id: int) -> list[Assignment]:
    rows = (
        await CrossAssignment.select(CrossAssignment.marker_group, CrossAssignment.target_group)
        .where((CrossAssignment.village == village_id) & (CrossAssignment.period == period_id))
        .order_by(CrossAssignment.id)
        .run()
    )
    return [Assignment(r["marker_group"], r["target_group"]) for r in rows]


async def enter_marks(
    scorer: Scorer,
    village_id: int,
    period_id: int,
    marker_id: int,
    marks: list[tuple[int, str, int]],
) -> int:
    """Record one marker household's (household, criterion, 0–10) marks; a mark entered again
    replaces the earlier one. Returns how many marks were written."""
    async with write_transaction():
        if (await period(village_id, period_id, lock="SHARE")).state != "open":
            raise PeriodNotOpen()
        ids = sorted({marker_id, *(m[0] for m in marks)})
        group_of = {
            r["id"]: r["moral_group"]
            for r in await Household.select(Household.id, Household.moral_group)
            .where((Household.village == village_id) & Household.id.is_in(ids))
            .run()
        }
        if len(group_of) != len(ids) or None in group_of.values():
            raise UnknownMoralGroup()
        allowed = {
            (a.marker_group_id, a.target_group_id) for a in await assignments(village_id, period_id)
        }
        for household_id, criterion, mark in marks:
            pair = (group_of[marker_id], group_of[household_id])
            if pair[0] == pair[1]:
                raise OwnGroup()
            if pair not in allowed:
                raise NotAssigned()
            where = (
                (CrossMark.period == period_id)
                & (CrossMark.marker == marker_id)
                & (CrossMark.household == household_id)
                & (CrossMark.criterion == criterion)
            )
            if await CrossMark.exists().where(where).run():
                await (
                    CrossMark.update({CrossMark.mark: mark, CrossMark.entered_by: scorer.user_id})
                    .where(where)
                    .run()
                )
            else:
                await CrossMark.insert(
                    CrossMark(
                        village=village_id,
                        period=period_id,
                        marker=marker_id,
                        household=household_id,
                        criterion=criterion,
                        mark=mark,
                        entered_by=scorer.user_id,
                    )
                ).run()
        await record(
            scorer.actor,
            "cross.mark",
            "household",
            marker_id,
            village_id=village_id,
            after={"period": period_id, "marks": marks},
        )
    return len(marks)


def trimmed_mean(marks: list[int]) -> Fraction:
    """The mean, without the single highest and lowest mark once there are five or more."""
    ordered = sorted(marks)
    if len(ordered) >= TRIM_FROM:
        ordered = ordered[1:-1]
    return Fraction(sum(ordered), len(ordered))


def points_for(result: Fraction, bands: list[list[int]]) -> int:
    for minimum_tenths, points in bands:
        if result * 10 >= minimum_tenths:
            return points
    return 0


async def cross_results(village_id: int, period_id: int) -> list[CrossResult]:
    """Each marked household's result (in tenths, rounded down) and the points it earns."""
    await period(village_id, period_id)
    bands = (await scoring_settings(village_id)).cross_bands
    rows = (
        await CrossMark.select(
            CrossMark.household, CrossMark.criterion, CrossMark.mark, CrossMark.marker
        )
        .where((CrossMark.village == village_id) & (CrossMark.period == period_id))
        .run()
    )
    marks: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    markers: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        marks[row["household"]][row["criterion"]].append(row["mark"])
        markers[row["household"]].add(row["marker"])
    results = []
    for household_id in sorted(marks):
        criteria = {c: trimmed_mean(m) for c, m in sorted(marks[household_id].items())}
        overall = sum(criteria.values(), Fraction(0)) / len(criteria)
        results.append(
            CrossResult(
                household_id=household_id,
                markers=len(markers[household_id]),
                result_tenths=int(overall * 10),
                criteria_tenths={c: int(v * 10) for c, v in criteria.items()},
                points=points_for(overall, bands),
            )
        )
    return results


async def propose_cross_results(
    scorer: Scorer, village_id: int, period_id: int, rule_id: int
) -> list[CrossResult]:
    """Turn the results into proposed evaluations of ``rule_id`` (households earning 0 get none);
    the rule's cap keeps a second tally from scoring anyone twice."""
    proposed = []
    async with write_transaction():
        for result in await cross_results(village_id, period_id):
            whole, tenth = divmod(result.result_tenths, 10)
            if result.points:
                [evaluation_id] = await propose(
                    scorer,
                    village_id,
                    period_id,
                    result.household_id,
                    rule_id,
                    note=f"交叉评议 {whole}.{tenth} 分",
                    source="cross",
                    points=result.points,
                )
                result = replace(result, evaluation_id=evaluation_id)
            proposed.append(result)
    return proposed
