"""Deductions held by the balance floor after a close (因余额不足暂缓的扣分), and the committee's
choices on them: post now if the balance allows, keep waiting, or waive with a reason.

Invariants: a held deduction is an evaluation of a closed period still on notice, with points
below zero and no undecided objection; posting it goes through the ledger under its own key
``evaluation:<id>`` and marks it posted in the same transaction, so however often it is asked it
posts once, and never takes a balance below zero in a village that forbids it; waiving rejects it
with the reason, in the audit log. Keeping it waiting is doing nothing: it stays listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.audit.services import Actor, record
from backend.db import write_transaction
from backend.errors import NotFound
from backend.ledger import services as ledger
from backend.registry import services as registry
from backend.registry.tables import Household
from backend.scoring import periods
from backend.scoring.errors import HeldStillTooLarge
from backend.scoring.evaluations import evaluation, evaluations
from backend.scoring.period_close import statement_line
from backend.scoring.tables import Evaluation, Objection


@dataclass(frozen=True, slots=True)
class HeldDeduction:
    """``can_post``: the household's balance now covers it (or the village allows negative)."""

    evaluation_id: int
    period_id: int
    household_id: int
    number: str
    head_name: str
    rule_code: str
    category: str
    title: str
    points: int
    balance: int
    can_post: bool


async def held(village_id: int, period_id: int) -> list[HeldDeduction]:
    """The period's held deductions, by household number and rule."""
    current = await periods.period(village_id, period_id)
    if current.state != "closed":
        return []
    objected = {
        r["evaluation"]
        for r in await Objection.select(Objection.evaluation)
        .where((Objection.state == "open") & (Objection.evaluation.period == period_id))
        .run()
    }
    rows = [
        e
        for e in await evaluations(village_id, period_id, states=["notice"])
        if e.points < 0 and e.id not in objected
    ]
    ids = list({r.household_id for r in rows})
    people = {
        h["id"]: h
        for h in await Household.select(Household.id, Household.number, Household.head_name)
        .where(Household.id.is_in(ids or [0]))
        .run()
    }
    balances = await ledger.balances(village_id, ids)
    negative_ok = (await registry.village(village_id)).allow_negative_balance
    found = [
        HeldDeduction(
            evaluation_id=r.id,
            period_id=period_id,
            household_id=r.household_id,
            number=people[r.household_id]["number"],
            head_name=people[r.household_id]["head_name"],
            rule_code=r.rule_code,
            category=r.category,
            title=r.title,
            points=r.points,
            balance=balances.get(r.household_id, 0),
            can_post=negative_ok or balances.get(r.household_id, 0) + r.points >= 0,
        )
        for r in rows
    ]
    return sorted(found, key=lambda h: (h.number, h.rule_code, h.evaluation_id))


async def _one(village_id: int, evaluation_id: int) -> HeldDeduction:
    target = await evaluation(village_id, evaluation_id)
    for item in await held(village_id, target.period_id):
        if item.evaluation_id == evaluation_id:
            return item
    raise NotFound()


async def post_held(actor: Actor, village_id: int, evaluation_id: int) -> HeldDeduction:
    """Post a held deduction now, once, if the balance allows."""
    async with write_transaction():
        item = await _one(village_id, evaluation_id)
        if not item.can_post:
            raise HeldStillTooLarge(balance=item.balance, points=-item.points)
        full = await evaluation(village_id, evaluation_id)
        period = await periods.period(village_id, item.period_id)
        if await periods.mark_posted(evaluation_id):
            await ledger.post_points(
                actor,
                village_id,
                [
                    ledger.Points(
                        item.household_id,
                        item.points,
                        f"evaluation:{evaluation_id}",
                        statement_line(full, period.name),
                        period_id=item.period_id,
                        reference={"evaluation": evaluation_id, "rule": item.rule_code},
                    )
                ],
            )
            await record(
                actor,
                "evaluation.post_held",
                "evaluation",
                evaluation_id,
                village_id=village_id,
                before={"state": "notice"},
                after={"state": "posted", "points": item.points},
            )
    return item


async def waive_held(
    actor: Actor, village_id: int, evaluation_id: int, reason: str
) -> HeldDeduction:
    """Waive a held deduction: it will never post; the reason is kept and audited."""
    async with write_transaction():
        item = await _one(village_id, evaluation_id)
        await (
            Evaluation.update(
                {Evaluation.state: "rejected", Evaluation.reject_reason: f"免予扣分：{reason}"}
            )
            .where((Evaluation.id == evaluation_id) & (Evaluation.state == "notice"))
            .run()
        )
        await record(
            actor,
            "evaluation.waive",
            "evaluation",
            evaluation_id,
            village_id=village_id,
            before={"state": "notice"},
            after={"state": "rejected", "reason": reason},
        )
    return item
