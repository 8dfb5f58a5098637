"""Evaluations (评分): propose, verify by home visit (入户核实), reject.

Invariants: an evaluation names a rule of the village's current rule book when proposed and keeps
that rule (and its points) for good; nobody proposes or verifies for their own household; the
verifier is a different person from the proposer (four eyes); a household never has more
non-rejected evaluations of a rule in a period than the rule's cap — concurrent proposals for one
household are serialised by locking its row on PostgreSQL (SQLite has one writer anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
from piccolo.columns.combination import Where

from backend import clock
from backend.audit.services import Actor, record
from backend.db import locked, write_transaction
from backend.errors import NotFound
from backend.heavy import run_heavy
from backend.registry.tables import Household
from backend.scoring.errors import (
    EvaluationNotPending,
    EvidenceRequired,
    OverCap,
    OwnHousehold,
    PeriodNotOpen,
    RoleMayNotPropose,
    SelfVerification,
)
from backend.scoring.evidence import discard_evidence, evidence_path, store_evidence
from backend.scoring.periods import period
from backend.scoring.rules import current_rule
from backend.scoring.tables import Evaluation as EvaluationTable

EVALUATION_FIELDS = (
    EvaluationTable.id,
    EvaluationTable.village,
    EvaluationTable.period,
    EvaluationTable.household,
    EvaluationTable.rule,
    EvaluationTable.rule.code,
    EvaluationTable.rule.category,
    EvaluationTable.rule.title,
    EvaluationTable.points,
    EvaluationTable.state,
    EvaluationTable.source,
    EvaluationTable.note,
    EvaluationTable.evidence,
    EvaluationTable.proposed_by,
    EvaluationTable.proposer_name,
    EvaluationTable.verified_by,
    EvaluationTable.verifier_name,
    EvaluationTable.verify_note,
    EvaluationTable.reject_reason,
    EvaluationTable.created_at,
)


@dataclass(frozen=True, slots=True)
class Scorer:
    """Someone acting on evaluations in one village: their roles there and, if they hold a
    villager grant in it, their own household (which they may never score)."""

    user_id: int | None
    name: str
    roles: frozenset[str]
    household_id: int | None = None
    address: str = ""

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, name=self.name, address=self.address)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One evaluation as the services read it: the rule's code, category and title as applied,
    whether a photo backs it, who proposed and who verified it."""

    id: int
    village_id: int
    period_id: int
    household_id: int
    rule_id: int
    rule_code: str
    category: str
    title: str
    points: int
    state: str
    source: str
    note: str
    has_evidence: bool
    proposed_by: int | None
    proposer_name: str
    verified_by: int | None
    verifier_name: str
    verify_note: str
    reject_reason: str
    created_at: datetime


def _out(row: dict[str, Any]) -> Evaluation:
    return Evaluation(
        id=row["id"],
        village_id=row["village"],
        period_id=row["period"],
        household_id=row["household"],
        rule_id=row["rule"],
        rule_code=row["rule.code"],
        category=row["rule.category"],
        title=row["rule.title"],
        points=row["points"],
        state=row["state"],
        source=row["source"],
        note=row["note"],
        has_evidence=row["evidence"] is not None,
        proposed_by=row["proposed_by"],
        proposer_name=row["proposer_name"],
        verified_by=row["verified_by"],
        verifier_name=row["verifier_name"],
        verify_note=row["verify_note"],
        reject_reason=row["reject_reason"],
        created_at=row["created_at"],
    )


async def evaluation(village_id: int, evaluation_id: int) -> Evaluation:
    row = (
        await EvaluationTable.select(*EVALUATION_FIELDS)
        .where((EvaluationTable.id == evaluation_id) & (EvaluationTable.village == village_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return _out(row)


async def evaluations(
    village_id: int,
    period_id: int,
    *,
    household_id: int | None = None,
    states: list[str] | None = None,
) -> list[Evaluation]:
    where: Where | Any = (EvaluationTable.village == village_id) & (
        EvaluationTable.period == period_id
    )
    if household_id is not None:
        where &= EvaluationTable.household == household_id
    if states is not None:
        where &= EvaluationTable.state.is_in(states)
    rows = (
        await EvaluationTable.select(*EVALUATION_FIELDS)
        .where(where)
        .order_by(EvaluationTable.id)
        .run()
    )
    return [_out(r) for r in rows]


async def active_household(village_id: int, household_id: int) -> None:
    """Lock (on PostgreSQL) the household row: proposals for one household queue here."""
    query = Household.select(Household.id).where(
        (Household.id == household_id)
        & (Household.village == village_id)
        & (Household.status == "active")
    )
    if not await locked(query).run():
        raise NotFound()


async def used(period_id: int, household_id: int, code: str) -> int:
    """Non-rejected applications of a rule code, whichever rule book version they used: a
    mid-period change of wording does not reset the cap."""
    return (
        await EvaluationTable.count()
        .where(
            (EvaluationTable.period == period_id)
            & (EvaluationTable.household == household_id)
            & (EvaluationTable.rule._.code == code)
            & (EvaluationTable.state != "rejected")
        )
        .run()
    )


async def propose(
    scorer: Scorer,
    village_id: int,
    period_id: int,
    household_id: int,
    rule_id: int,
    *,
    note: str = "",
    evidence: str | None = None,
    times: int = 1,
    source: str = "manual",
    points: int | None = None,
) -> list[int]:
    """Propose ``rule`` for ``household`` ``times`` times (1 for one entry); returns the new ids."""
    async with write_transaction():
        if (await period(village_id, period_id, lock="SHARE")).state != "open":
            raise PeriodNotOpen()
        rule = await current_rule(village_id, rule_id)
        if scorer.household_id == household_id:
            raise OwnHousehold()
        if source != "cross" and not scorer.roles & set(rule.proposers):
            raise RoleMayNotPropose()
        if rule.evidence_required and evidence is None and source == "manual":
            raise EvidenceRequired()
        await active_household(village_id, household_id)
        count = await used(period_id, household_id, rule.code)
        if count + times > rule.cap:
            raise OverCap(rule=rule.title, cap=rule.cap, count=count)
        rows = (
            await EvaluationTable.insert(
                *[
                    EvaluationTable(
                        village=village_id,
                        period=period_id,
                        household=household_id,
                        rule=rule_id,
                        points=rule.points if points is None else points,
                        state="proposed",
                        source=source,
                        note=note,
                        evidence=evidence,
                        proposed_by=scorer.user_id,
                        proposer_name=scorer.name,
                    )
                    for _ in range(times)
                ]
            )
            .returning(EvaluationTable.id)
            .run()
        )
        ids = [r["id"] for r in rows]
        for new_id in ids:
            await record(
                scorer.actor,
                "evaluation.propose",
                "evaluation",
                new_id,
                village_id=village_id,
                after={
                    "period": period_id,
                    "household": household_id,
                    "rule": rule_id,
                    "points": rule.points if points is None else points,
                    "source": source,
                    "note": note,
                    "evidence": evidence,
                },
            )
    return ids


async def propose_with_evidence(
    scorer: Scorer,
    village_id: int,
    period_id: int,
    household_id: int,
    rule_id: int,
    *,
    photo: bytes,
    note: str = "",
) -> int:
    """Propose one evaluation with a photo; a refused proposal leaves no photo behind."""
    name = await run_heavy(store_evidence, photo)
    try:
        [new_id] = await propose(
            scorer, village_id, period_id, household_id, rule_id, note=note, evidence=name
        )
    except BaseException:
        discard_evidence(name)
        raise
    return new_id


async def evidence_of(village_id: int, evaluation_id: int, *, thumbnail: bool) -> bytes:
    row = (
        await EvaluationTable.select(EvaluationTable.evidence)
        .where((EvaluationTable.id == evaluation_id) & (EvaluationTable.village == village_id))
        .first()
        .run()
    )
    if row is None or row["evidence"] is None:
        raise NotFound()
    path = evidence_path(row["evidence"], thumbnail=thumbnail)
    return await anyio.Path(path).read_bytes()


async def _pending(scorer: Scorer, village_id: int, evaluation_id: int) -> Evaluation:
    current = await evaluation(village_id, evaluation_id)
    if (await period(village_id, current.period_id, lock="SHARE")).state != "open":
        raise PeriodNotOpen()
    if scorer.household_id == current.household_id:
        raise OwnHousehold()
    return current


async def verify(scorer: Scorer, village_id: int, evaluation_id: int, note: str = "") -> Evaluation:
    """入户核实: a committee member other than the proposer confirms the entry."""
    async with write_transaction():
        current = await _pending(scorer, village_id, evaluation_id)
        if current.proposed_by is not None and current.proposed_by == scorer.user_id:
            raise SelfVerification()
        done = (
            await EvaluationTable.update(
                {
                    EvaluationTable.state: "verified",
                    EvaluationTable.verified_by: scorer.user_id,
                    EvaluationTable.verifier_name: scorer.name,
                    EvaluationTable.verify_note: note,
                    EvaluationTable.decided_at: clock.now(),
                }
            )
            .where((EvaluationTable.id == evaluation_id) & (EvaluationTable.state == "proposed"))
            .returning(EvaluationTable.id)
            .run()
        )
        if not done:
            raise EvaluationNotPending()
        await record(
            scorer.actor,
            "evaluation.verify",
            "evaluation",
            evaluation_id,
            village_id=village_id,
            before={"state": "proposed"},
            after={"state": "verified", "note": note},
        )
    return await evaluation(village_id, evaluation_id)


async def verify_many(
    scorer: Scorer, village_id: int, evaluation_ids: list[int], note: str = ""
) -> list[Evaluation]:
    """入户核实 of every checked line at once: the same four-eyes checks as one by one, in one
    transaction — one refusal (an own entry, one already decided) and none is verified."""
    async with write_transaction():
        for evaluation_id in dict.fromkeys(evaluation_ids):
            await verify(scorer, village_id, evaluation_id, note)
    return [await evaluation(village_id, e) for e in dict.fromkeys(evaluation_ids)]


async def reject(scorer: Scorer, village_id: int, evaluation_id: int, reason: str) -> Evaluation:
    """Reject a proposed or verified evaluation before notice; it no longer counts to the cap."""
    async with write_transaction():
        current = await _pending(scorer, village_id, evaluation_id)
        done = (
            await EvaluationTable.update(
                {
                    EvaluationTable.state: "rejected",
                    EvaluationTable.reject_reason: reason,
                    EvaluationTable.decided_at: clock.now(),
                }
            )
            .where(
                (EvaluationTable.id == evaluation_id)
                & EvaluationTable.state.is_in(["proposed", "verified"])
            )
            .returning(EvaluationTable.id)
            .run()
        )
        if not done:
            raise EvaluationNotPending()
        await record(
            scorer.actor,
            "evaluation.reject",
            "evaluation",
            evaluation_id,
            village_id=village_id,
            before={"state": current.state},
            after={"state": "rejected", "reason": reason},
        )
    return await evaluation(village_id, evaluation_id)
