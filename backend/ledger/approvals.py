"""Four eyes on big manual adjustments.

Invariants:
- A committee member alone posts an adjustment of at most the village's
  ``adjustment_approval_above`` points (either sign). A bigger one is an
  :class:`AdjustmentRequestRecord` until a *different* committee member approves it, which posts
  it exactly once (key ``adjustment-request:<id>``) in the same transaction as the decision; a
  refusal posts nothing and must say why (the reason is kept and audited). The database holds
  the four eyes too (a CHECK that the decider is not the proposer).
- Only the town admin may raise the limit; the committee may lower it (be stricter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.columns.combination import Combinable

from backend import clock
from backend.audit.services import Actor, record
from backend.db import write_transaction
from backend.errors import NotFound, ReasonRequired
from backend.ledger import services
from backend.ledger.errors import (
    AdjustmentNeedsApproval,
    AdjustmentRequestDecided,
    ApprovalLimitNeedsTownAdmin,
    OwnAdjustmentRequest,
)
from backend.ledger.posting import Posted, check_request
from backend.ledger.tables import AdjustmentRequest
from backend.registry import services as registry
from backend.registry.tables import Village


@dataclass(frozen=True, slots=True)
class AdjustmentRequestRecord:
    """An adjustment waiting for, or decided by, a second committee member.

    ``amount`` is signed (negative takes points away); ``transfer_id`` is the posted transfer
    once approved. ``proposed_by`` / ``decided_by`` are display names (``proposed_by_id`` lets
    a page tell its user's own requests); ``decision_reason`` says why a refusal was refused."""

    id: int
    household_id: int
    amount: int
    reason: str
    status: str
    proposed_by: str
    proposed_by_id: int
    decided_by: str
    decided_at: datetime | None
    decision_reason: str
    transfer_id: int | None
    created_at: datetime


def _record(row: dict[str, Any]) -> AdjustmentRequestRecord:
    return AdjustmentRequestRecord(
        id=row["id"],
        household_id=row["household"],
        amount=row["amount"],
        reason=row["reason"],
        status=row["status"],
        proposed_by=row["proposed_by_name"],
        proposed_by_id=row["proposed_by"],
        decided_by=row["decided_by_name"],
        decided_at=row["decided_at"],
        decision_reason=row["decision_reason"],
        transfer_id=row["transfer"],
        created_at=row["created_at"],
    )


async def approval_limit(village_id: int) -> int:
    row = (
        await Village.select(Village.adjustment_approval_above)
        .where(Village.id == village_id)
        .first()
        .run()
    )
    return int(row["adjustment_approval_above"]) if row else 0


async def check_limit_change(village_id: int, changes: dict[str, Any], town_admin: bool) -> None:
    """A committee member may lower the limit, never raise it (that would undo four eyes)."""
    new = changes.get("adjustment_approval_above")
    if new is not None and not town_admin and new > await approval_limit(village_id):
        raise ApprovalLimitNeedsTownAdmin()


async def adjust(
    actor: Actor, village_id: int, household_id: int, amount: int, *, key: str, reason: str
) -> Posted:
    """A committee member's own adjustment, within the village's limit."""
    limit = await approval_limit(village_id)
    if abs(amount) > limit:
        raise AdjustmentNeedsApproval(limit=limit)
    return await services.adjust(actor, village_id, household_id, amount, key=key, reason=reason)


async def propose(
    actor: Actor, village_id: int, household_id: int, amount: int, *, key: str, reason: str
) -> AdjustmentRequestRecord:
    """Ask a second committee member to approve an adjustment; the same key proposes once."""
    check_request(abs(amount), key, reason)
    await registry.household(village_id, household_id)
    async with write_transaction():
        existing = (
            await AdjustmentRequest.select()
            .where(
                (AdjustmentRequest.village == village_id)
                & (AdjustmentRequest.idempotency_key == key)
            )
            .first()
            .run()
        )
        if existing is not None:
            return _record(existing)
        row = (
            await AdjustmentRequest.insert(
                AdjustmentRequest(
                    village=village_id,
                    household=household_id,
                    amount=amount,
                    reason=reason,
                    idempotency_key=key,
                    proposed_by=actor.user_id,
                    proposed_by_name=actor.name,
                )
            )
            .returning(*AdjustmentRequest.all_columns())
            .run()
        )[0]
        await record(
            actor,
            "ledger.adjustment_request",
            "adjustment_request",
            row["id"],
            village_id=village_id,
            after={"household": household_id, "amount": amount, "reason": reason},
        )
    return _record(row)


async def requests(
    village_id: int, status: str | None = "pending"
) -> list[AdjustmentRequestRecord]:
    where: Combinable = AdjustmentRequest.village == village_id
    if status is not None:
        where &= AdjustmentRequest.status == status
    rows = (
        await AdjustmentRequest.select()
        .where(where)
        .order_by(AdjustmentRequest.id, ascending=False)
        .limit(200)
        .run()
    )
    return [_record(row) for row in rows]


async def _decide(
    actor: Actor, village_id: int, request_id: int, status: str, reason: str = ""
) -> dict:
    """Move a pending request to ``status`` in the caller's transaction, or say why not."""
    row = (
        await AdjustmentRequest.select()
        .where((AdjustmentRequest.id == request_id) & (AdjustmentRequest.village == village_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    if row["proposed_by"] == actor.user_id:
        raise OwnAdjustmentRequest()
    decided = (
        await AdjustmentRequest.update(
            {
                AdjustmentRequest.status: status,
                AdjustmentRequest.decided_by: actor.user_id,
                AdjustmentRequest.decided_by_name: actor.name,
                AdjustmentRequest.decided_at: clock.now(),
                AdjustmentRequest.decision_reason: reason,
            }
        )
        .where((AdjustmentRequest.id == request_id) & (AdjustmentRequest.status == "pending"))
        .returning(AdjustmentRequest.id)
        .run()
    )
    if not decided:  # someone else decided first: the guarded update says so
        raise AdjustmentRequestDecided(status=row["status"])
    return row


async def approve(actor: Actor, village_id: int, request_id: int) -> AdjustmentRequestRecord:
    """The second member's yes: the adjustment is posted once, with the decision."""
    async with write_transaction():
        row = await _decide(actor, village_id, request_id, "approved")
        posted = await services.adjust(
            actor,
            village_id,
            row["household"],
            row["amount"],
            key=f"adjustment-request:{request_id}",
            reason=row["reason"],
        )
        await (
            AdjustmentRequest.update({AdjustmentRequest.transfer: posted.id})
            .where(AdjustmentRequest.id == request_id)
            .run()
        )
        await record(
            actor,
            "ledger.adjustment_request.approve",
            "adjustment_request",
            request_id,
            village_id=village_id,
            after={"transfer": posted.id},
        )
    return await one(village_id, request_id)


async def refuse(
    actor: Actor, village_id: int, request_id: int, reason: str
) -> AdjustmentRequestRecord:
    """The second member's no, with the reason the proposer and the history will read."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired(field="reason")
    async with write_transaction():
        await _decide(actor, village_id, request_id, "refused", reason)
        await record(
            actor,
            "ledger.adjustment_request.refuse",
            "adjustment_request",
            request_id,
            village_id=village_id,
            after={"reason": reason},
        )
    return await one(village_id, request_id)


async def one(village_id: int, request_id: int) -> AdjustmentRequestRecord:
    row = (
        await AdjustmentRequest.select()
        .where((AdjustmentRequest.id == request_id) & (AdjustmentRequest.village == village_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return _record(row)
