"""The ledger's tables. Written only by :mod:`backend.ledger.services`; the constraints that
guard them (positive amounts, floors, one transfer per key, one reversal per transfer) live in
the hand-written migration because SQLite cannot add them later.
"""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from backend.clock import ClockNow
from backend.registry.tables import Village


class Account(Table):
    """Where points sit.

    - ``kind``: ``issuance`` (one per village, the source of every award; its balance is minus
      everything issued), ``household`` or ``shop``.
    - ``owner``: the household or shop id; NULL for the issuance account.
    - ``balance``: cached sum of credits minus debits, kept in the transfer's own transaction.
    - ``allow_negative``: whether the balance may be below zero (the village's setting when the
      account last took a deduction; always true for issuance). A CHECK holds it.
    - ``identity``: the account's name in the hash chain (``issuance``,
      ``household:<public id>``, ``shop:<village key>/<name>``), frozen when it opens.
    """

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=16)
    owner = Integer(null=True)
    balance = BigInt(default=0)
    allow_negative = Boolean(default=False)
    identity = Varchar(length=160, default="")
    created_at = Timestamptz(default=ClockNow())


class LedgerHead(Table):
    """The tip of a village's hash chain. Locking this one row serialises appends per village
    without serialising the town; ``seq`` and ``hash`` are those of the last transfer;
    ``village_key`` is the village's stable identity the chain started from (town code / village
    code), frozen so that its links survive a move into another database."""

    village = Integer(primary_key=True)
    seq = BigInt(default=0)
    hash = Varchar(length=64)
    village_key = Varchar(length=80, default="")
    updated_at = Timestamptz(default=ClockNow())


class Transfer(Table):
    """One movement of ``amount`` points from ``debit`` to ``credit``; immutable once written.

    - ``seq``: position in the village's chain (1, 2, 3 …); ``prev_hash``/``hash`` link it.
    - ``public_id``: the transfer's own random id (unique per village), what the chain and
      other villages' databases know it by.
    - ``debit_balance``/``credit_balance``: the two accounts' balances right after it.
    - ``kind``: award, bonus, deduction, redemption, reversal or adjustment.
    - ``reason``: words a villager reads; ``reference``: the source (evaluation, rule and
      version, redemption, the reversed transfer) as JSON.
    - ``period_id``: the scoring period the points were earned in, if any.
    - ``idempotency_key``: unique per village; ``request_hash`` fingerprints the request so a
      retry is told apart from a different request reusing the key.
    - ``reverses``: the transfer this one undoes (unique: a transfer is reversed at most once).
    """

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    seq = BigInt()
    public_id = Varchar(length=16, default="")
    debit = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=False)
    credit = ForeignKey(references=Account, on_delete=OnDelete.restrict, null=False)
    amount = BigInt()
    debit_balance = BigInt()
    credit_balance = BigInt()
    kind = Varchar(length=16)
    reason = Text()
    reference = JSON(default={})
    period_id = Integer(null=True)
    actor = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=True)
    actor_name = Varchar(length=100, default="")
    idempotency_key = Varchar(length=200)
    request_hash = Varchar(length=64)
    reverses = BigInt(null=True)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)
    created_at = Timestamptz(default=ClockNow())


class AdjustmentRequest(Table):
    """A manual adjustment above the village's ``adjustment_approval_above``, waiting for a
    second committee member (four eyes).

    - ``status``: ``pending`` → ``approved`` (posted as transfer ``transfer``) or ``refused``.
    - ``proposed_by`` may never be ``decided_by`` (a CHECK holds it).
    - ``decision_reason``: why a refusal was refused (required then; kept for the history).
    - ``idempotency_key``: the proposer's key; the same key proposes once.
    """

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    household = Integer()
    amount = BigInt()
    reason = Text()
    idempotency_key = Varchar(length=200)
    status = Varchar(length=16, default="pending")
    proposed_by = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=False)
    proposed_by_name = Varchar(length=100, default="")
    decided_by = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=True)
    decided_by_name = Varchar(length=100, default="")
    decided_at = Timestamptz(null=True, default=None)
    decision_reason = Text(default="")
    transfer = BigInt(null=True)
    created_at = Timestamptz(default=ClockNow())
