"""Closing a period: its approved evaluations become ledger transfers, each exactly once.

Each evaluation posts with the ledger key ``evaluation:<id>`` and is marked posted in the same
transaction, so a close that crashed half way is resumed by closing again: what was posted is
not in :func:`periods.evaluations_to_post` any more, and if it were, the ledger would answer with
the first transfer. Evaluations post in chunks, one transaction each, so 10 000 of them close in
seconds without one giant transaction holding the village's ledger; a chunk is marked posted in
one statement and appended to the ledger in one batch (:func:`ledger.post_points`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from backend.audit.services import Actor
from backend.db import write_transaction
from backend.ledger import services as ledger
from backend.registry import services as registry
from backend.scoring import evaluations, periods
from backend.scoring.evaluations import Evaluation
from backend.scoring.tables import Rule

CHUNK = 1000


@dataclass(frozen=True, slots=True)
class ClosedPeriod(periods.Period):
    """A close's answer: the period, how many evaluations posted now, and the deductions the
    balance floor held back (their evaluation ids)."""

    posted: int
    blocked: list[int]


def statement_line(item: Evaluation, period_name: str) -> str:
    """The statement line a villager reads: rule, the entry's note (e.g. the volunteer activity),
    period, who entered it and who checked it."""
    checked = f"，{item.verifier_name}入户核实" if item.verifier_name else ""
    what = f"：{item.note}" if item.note else ""
    return f"{item.category}·{item.title}{what}（{period_name}，{item.proposer_name}录入{checked}）"


async def post_approved(
    actor: Actor,
    village_id: int,
    period_id: int,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, list[int]]:
    """Post every evaluation of a closed period that may post.

    Returns how many posted now, and the deductions that could not: in a village that keeps
    balances at or above zero, a deduction larger than the balance stays on notice (listed, not
    lost) until the committee decides — allow negative balances, or reject it — and closes again.
    """
    period = await periods.period(village_id, period_id)
    due = {item.id for item in await periods.evaluations_to_post(period_id)}
    if period.state != "closed" or not due:
        return 0, []
    negative_ok = (await registry.village(village_id)).allow_negative_balance
    items = [
        e
        for e in await evaluations.evaluations(village_id, period_id, states=["notice"])
        if e.id in due
    ]
    versions = {
        r["id"]: r["rule_book.version"]
        for r in await Rule.select(Rule.id, Rule.rule_book.version)
        .where(Rule.id.is_in(list({e.rule_id for e in items}) or [0]))
        .run()
    }
    posted = 0
    blocked: list[int] = []
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        async with write_transaction():
            cleared = (
                chunk
                if negative_ok
                else _within_balances(
                    chunk, await ledger.balances(village_id, [e.household_id for e in chunk])
                )
            )
            blocked += [item.id for item in chunk if item not in cleared]
            marked = await periods.mark_all_posted([item.id for item in cleared])
            await ledger.post_points(
                actor,
                village_id,
                [
                    ledger.Points(
                        item.household_id,
                        item.points,
                        f"evaluation:{item.id}",
                        statement_line(item, period.name),
                        period_id=period_id,
                        reference={
                            "evaluation": item.id,
                            "rule": item.rule_code,
                            "rule_version": versions.get(item.rule_id),
                        },
                    )
                    for item in cleared
                    if item.id in marked
                ],
            )
            posted += len(marked)
        if progress is not None:
            progress(min(start + CHUNK, len(items)), len(items))
    return posted, blocked


def _within_balances(chunk: list[Evaluation], balances: dict[int, int]) -> list[Evaluation]:
    """The evaluations that keep every balance at or above zero, posted in order: a deduction
    beyond what the household holds (counting the chunk's earlier awards) waits."""
    running = dict(balances)
    cleared = []
    for item in chunk:
        after = running[item.household_id] + item.points
        if item.points < 0 and after < 0:
            continue
        running[item.household_id] = after
        cleared.append(item)
    return cleared


async def close_and_post(
    actor: Actor,
    village_id: int,
    period_id: int,
    *,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ClosedPeriod:
    """Close the period (once its notice is over) and post what it approved; safe to repeat."""
    await periods.close_period(actor, village_id, period_id, now=now)
    posted, blocked = await post_approved(actor, village_id, period_id, progress)
    closed = await periods.period(village_id, period_id)
    return ClosedPeriod(**asdict(closed), posted=posted, blocked=blocked)
