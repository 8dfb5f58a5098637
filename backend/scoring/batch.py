"""Batch entry: many (household, rule, times) cells for one period, all or nothing.

Invariants: the same checks as a single proposal (current rule, proposing role, not one's own
household, evidence, cap — counting the batch's own cells) are run for every cell inside the one
write transaction, with the households locked on PostgreSQL; any problem and nothing is entered,
and the refusal lists every problem with where it was (sheet row and column, or list index).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from backend.audit.services import record
from backend.db import locked, write_transaction
from backend.registry.tables import Household
from backend.scoring.errors import BadSheet, PeriodNotOpen
from backend.scoring.evaluations import Scorer
from backend.scoring.periods import period
from backend.scoring.rules import current_rule_book
from backend.scoring.tables import Evaluation
from backend.sheets import SheetProblem


@dataclass(frozen=True, slots=True)
class Cell:
    """One entry to make: ``times`` applications of ``rule_id`` to ``household_id``; ``row`` and
    ``column`` (a sheet's) or ``index`` (a JSON list's) say where it came from, so a problem can
    name the cell."""

    household_id: int
    rule_id: int
    times: int
    row: int | None = None
    column: int | None = None
    index: int | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """What a cell enters: ``times`` evaluations of the rule, ``points`` in all."""

    household_id: int
    household_number: str
    rule_id: int
    rule_code: str
    times: int
    points: int


@dataclass(frozen=True, slots=True)
class Repeat:
    """Sheet row ``row`` repeats row ``first_row`` word for word: entered once."""

    row: int
    first_row: int


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What was entered (or, with ``dry_run``, would be); ``repeats`` only for a sheet."""

    dry_run: bool
    entries: list[Entry]
    evaluation_ids: list[int]
    repeats: list[Repeat] = field(default_factory=list)


async def _households(village_id: int, ids: list[int]) -> dict[int, str]:
    query = (
        Household.select(Household.id, Household.number)
        .where(
            (Household.village == village_id)
            & Household.id.is_in(ids or [0])
            & (Household.status == "active")
        )
        .order_by(Household.id)
    )
    return {r["id"]: r["number"] for r in await locked(query).run()}


async def _used(period_id: int, household_ids: list[int]) -> Counter[tuple[int, str]]:
    rows = (
        await Evaluation.select(Evaluation.household, Evaluation.rule._.code)
        .where(
            (Evaluation.period == period_id)
            & Evaluation.household.is_in(household_ids or [0])
            & (Evaluation.state != "rejected")
        )
        .run()
    )
    return Counter((r["household"], r["rule.code"]) for r in rows)


def _problem(cell: Cell, kind: str, **params: Any) -> SheetProblem:
    return SheetProblem(kind, row=cell.row, column=cell.column, index=cell.index, params=params)


async def enter_batch(
    scorer: Scorer,
    village_id: int,
    period_id: int,
    cells: list[Cell],
    *,
    dry_run: bool = False,
    source: str = "batch",
) -> BatchResult:
    """Check every cell, then enter them all (or, with ``dry_run``, only say what would be)."""
    async with write_transaction():
        if (await period(village_id, period_id, lock="SHARE")).state != "open":
            raise PeriodNotOpen()
        rules = {r.id: r for r in (await current_rule_book(village_id)).rules}
        household_ids = sorted({c.household_id for c in cells})
        numbers = await _households(village_id, household_ids)
        counts = await _used(period_id, household_ids)
        problems: list[SheetProblem] = []
        entries: list[Entry] = []
        for cell in cells:
            rule = rules.get(cell.rule_id)
            if cell.household_id not in numbers:
                problems.append(_problem(cell, "unknown_household"))
            elif rule is None:
                problems.append(_problem(cell, "not_current_rule"))
            elif not scorer.roles & set(rule.proposers):
                problems.append(_problem(cell, "role_may_not_propose"))
            elif cell.household_id == scorer.household_id:
                problems.append(_problem(cell, "own_household"))
            elif rule.evidence_required:
                problems.append(_problem(cell, "needs_photo"))
            else:
                key = (cell.household_id, rule.code)
                if counts[key] + cell.times > rule.cap:
                    problems.append(_problem(cell, "over_cap", cap=rule.cap, before=counts[key]))
                counts[key] += cell.times
                entries.append(
                    Entry(
                        household_id=cell.household_id,
                        household_number=numbers[cell.household_id],
                        rule_id=cell.rule_id,
                        rule_code=rule.code,
                        times=cell.times,
                        points=rule.points * cell.times,
                    )
                )
        if problems:
            raise BadSheet(problems)
        ids: list[int] = []
        if not dry_run and entries:
            rows = (
                await Evaluation.insert(
                    *[
                        Evaluation(
                            village=village_id,
                            period=period_id,
                            household=e.household_id,
                            rule=e.rule_id,
                            points=rules[e.rule_id].points,
                            state="proposed",
                            source=source,
                            proposed_by=scorer.user_id,
                            proposer_name=scorer.name,
                        )
                        for e in entries
                        for _ in range(e.times)
                    ]
                )
                .returning(Evaluation.id)
                .run()
            )
            ids = [r["id"] for r in rows]
            await record(
                scorer.actor,
                "evaluation.batch",
                "period",
                period_id,
                village_id=village_id,
                after={"evaluations": ids, "entries": [asdict(e) for e in entries]},
            )
    return BatchResult(dry_run=dry_run, entries=entries, evaluation_ids=ids)
