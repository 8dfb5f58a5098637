"""One household's ledger over a stretch of time, oldest first, as a passbook prints it: the
balance it started with, then every transfer with its balance after.

The balance after each line is the one the ledger wrote with the transfer (and that
``jifen ledger verify`` re-adds), never a running sum made here, so the paper cannot disagree
with the chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from backend.ledger.tables import Account, Transfer


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One transfer seen from the household.

    seq: its place in the village's hash chain; kind: award, deduction, redemption, reversal…;
    amount: signed (+ in, − out); balance: the household's balance after it; reason: the words
    it was posted with; period_id: the scoring period it belongs to (None for a sale);
    reverses: the transfer id it reverses; created_at: when it was posted; other: the kind of
    account on the other side (``issuance``: earned or lost points, which ranks count;
    ``shop``: spent at the supermarket, or given back by a void).
    """

    seq: int
    kind: str
    other: str
    amount: int
    balance: int
    reason: str
    period_id: int | None
    reverses: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class History:
    """opening: the balance before the first line (0 before any transfer); lines: oldest first;
    closing: the balance after the last line (the opening one when there are none)."""

    opening: int
    lines: tuple[HistoryLine, ...]

    @property
    def closing(self) -> int:
        return self.lines[-1].balance if self.lines else self.opening


async def household_history(
    village_id: int, household_id: int, since: datetime | None, until: datetime | None
) -> History:
    """The household's transfers posted in [since, until), in chain order (either end open)."""
    account = (
        await Account.select(Account.id)
        .where(
            (Account.village == village_id)
            & (Account.kind == "household")
            & (Account.owner == household_id)
        )
        .first()
        .run()
    )
    if account is None:
        return History(0, ())
    mine = (Transfer.debit == account["id"]) | (Transfer.credit == account["id"])
    where = (Transfer.village == village_id) & mine
    opening = 0
    if since is not None:
        before = (
            await Transfer.select(Transfer.debit, Transfer.debit_balance, Transfer.credit_balance)
            .where(where & (Transfer.created_at < since))
            .order_by(Transfer.seq, ascending=False)
            .first()
            .run()
        )
        if before is not None:
            out = before["debit"] == account["id"]
            opening = before["debit_balance"] if out else before["credit_balance"]
        where &= Transfer.created_at >= since
    if until is not None:
        where &= Transfer.created_at < until
    rows = (
        await Transfer.select(
            Transfer.seq,
            Transfer.kind,
            Transfer.amount,
            Transfer.debit,
            Transfer.debit_balance,
            Transfer.credit_balance,
            Transfer.reason,
            Transfer.period_id,
            Transfer.reverses,
            Transfer.created_at,
            Transfer.debit.kind,
            Transfer.credit.kind,
        )
        .where(where)
        .order_by(Transfer.seq)
        .run()
    )
    lines = []
    for row in rows:
        out = row["debit"] == account["id"]
        lines.append(
            HistoryLine(
                seq=row["seq"],
                kind=row["kind"],
                other=row["credit.kind"] if out else row["debit.kind"],
                amount=-row["amount"] if out else row["amount"],
                balance=row["debit_balance"] if out else row["credit_balance"],
                reason=row["reason"],
                period_id=row["period_id"],
                reverses=row["reverses"],
                created_at=row["created_at"],
            )
        )
    return History(opening, tuple(lines))
