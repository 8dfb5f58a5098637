"""The ledger's public service API: the only writers of accounts and transfers, and the readers.

Every writer takes an idempotency key and returns a :class:`Posted`. The same key with the same
request returns the first transfer again (``replayed=True``) and writes nothing; the same key with
a different request is refused with ``idempotency_key_reused``. Each runs in
``write_transaction()`` and joins an outer one if open, so a sale or a period close can post
inside its own transaction.

Two numbers per household: *balance* (what can be spent) and *earned* — the net of everything
that moved between the village's issuance account and the household (awards, bonuses,
adjustments, minus deductions, with their reversals). Redemptions move points to a shop, so
spending never lowers earned points or a rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from piccolo.query.functions.aggregate import Sum

from backend import db
from backend.audit.services import Actor, record
from backend.db import write_transaction
from backend.errors import InvalidInput
from backend.ledger.errors import AlreadyReversed, ReversalNotReversible
from backend.ledger.posting import (
    ISSUANCE,
    Posted,
    Posting,
    Side,
    check_request,
    is_reversed,
    post,
    post_many,
    transfer_row,
)
from backend.ledger.tables import Account, Transfer

__all__ = [
    "Points",
    "Posted",
    "adjust",
    "award",
    "balance",
    "balances",
    "deduct",
    "earned",
    "earned_by_household",
    "earned_by_period",
    "post_points",
    "redeem",
    "reverse",
    "statement",
]


def _award(
    household_id: int,
    amount: int,
    reason: str,
    reference: dict[str, Any] | None,
    period_id: int | None,
    kind: str = "award",
) -> tuple[dict[str, Any], Posting]:
    """The request (fingerprinted for the key) and the posting of an award or a bonus."""
    if kind not in ("award", "bonus"):
        raise InvalidInput(detail="kind must be award or bonus")
    reference = reference or {}
    request = {
        "op": kind,
        "household": household_id,
        "amount": amount,
        "reason": reason,
        "reference": reference,
        "period": period_id,
    }
    return request, Posting(
        kind, ISSUANCE, Side("household", household_id), amount, reason, reference, period_id
    )


def _deduction(
    household_id: int,
    amount: int,
    reason: str,
    reference: dict[str, Any] | None,
    period_id: int | None,
) -> tuple[dict[str, Any], Posting]:
    reference = reference or {}
    request = {
        "op": "deduction",
        "household": household_id,
        "amount": amount,
        "reason": reason,
        "reference": reference,
        "period": period_id,
    }
    return request, Posting(
        "deduction", Side("household", household_id), ISSUANCE, amount, reason, reference, period_id
    )


async def award(
    actor: Actor,
    village_id: int,
    household_id: int,
    amount: int,
    *,
    key: str,
    reason: str,
    reference: dict[str, Any] | None = None,
    period_id: int | None = None,
    kind: Literal["award", "bonus"] = "award",
) -> Posted:
    """Issue points to a household (issuance → household). Exactly one transfer per key."""
    request, posting = _award(household_id, amount, reason, reference, period_id, kind)
    check_request(amount, key, reason)
    return await post(actor, village_id, key, request, posting)


async def deduct(
    actor: Actor,
    village_id: int,
    household_id: int,
    amount: int,
    *,
    key: str,
    reason: str,
    reference: dict[str, Any] | None = None,
    period_id: int | None = None,
) -> Posted:
    """Take points back (household → issuance). Below zero only if the village allows it."""
    check_request(amount, key, reason)
    request, posting = _deduction(household_id, amount, reason, reference, period_id)
    return await post(actor, village_id, key, request, posting)


@dataclass(frozen=True, slots=True)
class Points:
    """One award (``points`` > 0) or deduction (``points`` < 0) for :func:`post_points`."""

    household_id: int
    points: int
    key: str
    reason: str
    reference: dict[str, Any] = field(default_factory=dict)
    period_id: int | None = None


async def post_points(actor: Actor, village_id: int, entries: list[Points]) -> list[Posted]:
    """Many awards and deductions in one append, in order: each is exactly what :func:`award`
    or :func:`deduct` would write (same request fingerprint, so a key first used one by one
    replays here), for a fraction of the round trips. All or nothing; distinct keys."""
    items = []
    for entry in entries:
        amount = abs(entry.points)
        check_request(amount, entry.key, entry.reason)
        build = _award if entry.points > 0 else _deduction
        request, posting = build(
            entry.household_id, amount, entry.reason, entry.reference, entry.period_id
        )
        items.append((entry.key, request, posting))
    return await post_many(actor, village_id, items)


async def redeem(
    actor: Actor,
    village_id: int,
    household_id: int,
    shop_id: int,
    amount: int,
    *,
    key: str,
    reason: str,
    reference: dict[str, Any] | None = None,
) -> Posted:
    """Spend points at a shop (household → shop). Never below zero, whatever the village says."""
    check_request(amount, key, reason)
    reference = reference or {}
    request = {
        "op": "redemption",
        "household": household_id,
        "shop": shop_id,
        "amount": amount,
        "reason": reason,
        "reference": reference,
    }
    return await post(
        actor,
        village_id,
        key,
        request,
        Posting(
            "redemption",
            Side("household", household_id),
            Side("shop", shop_id),
            amount,
            reason,
            reference,
            floor="zero",
        ),
    )


async def reverse(
    actor: Actor, village_id: int, transfer_id: int, *, key: str, reason: str
) -> Posted:
    """Undo a transfer with an opposite one naming it. At most once per transfer; a reversal is
    never reversed. The debited side keeps its floor (a household follows the village)."""
    check_request(1, key, reason)
    request = {"op": "reversal", "transfer": transfer_id, "reason": reason}

    async def build() -> Posting:
        original = await transfer_row(village_id, transfer_id)
        if original.kind == "reversal":
            raise ReversalNotReversible(transfer_id=transfer_id)
        if await is_reversed(transfer_id):
            raise AlreadyReversed(transfer_id=transfer_id)
        return Posting(
            "reversal",
            Side(original.credit_kind, original.credit_owner),
            Side(original.debit_kind, original.debit_owner),
            original.amount,
            reason,
            {"reverses": transfer_id},
            original.period_id,
            reverses=transfer_id,
        )

    return await post(actor, village_id, key, request, build)


async def adjust(
    actor: Actor, village_id: int, household_id: int, amount: int, *, key: str, reason: str
) -> Posted:
    """A committee's manual correction, signed; audited in the same transaction. A negative
    adjustment obeys the village's floor like a deduction."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise InvalidInput(detail="an adjustment is a non-zero integer")
    check_request(abs(amount), key, reason)
    household = Side("household", household_id)
    debit, credit = (ISSUANCE, household) if amount > 0 else (household, ISSUANCE)
    request = {"op": "adjustment", "household": household_id, "amount": amount, "reason": reason}
    async with write_transaction():
        posted = await post(
            actor,
            village_id,
            key,
            request,
            Posting(
                "adjustment",
                debit,
                credit,
                abs(amount),
                reason,
                {},
            ),
        )
        if not posted.replayed:
            await record(
                actor,
                "ledger.adjust",
                "transfer",
                posted.id,
                village_id=village_id,
                after={
                    "household": household_id,
                    "amount": amount,
                    "reason": reason,
                    "balance": posted.balance,
                },
            )
    return posted


async def _account_ids(village_id: int, household_id: int) -> tuple[int | None, int | None]:
    rows = (
        await Account.select(Account.id, Account.kind)
        .where(
            (Account.village == village_id)
            & (
                ((Account.kind == "household") & (Account.owner == household_id))
                | (Account.kind == "issuance")
            )
        )
        .run()
    )
    ids = {r["kind"]: r["id"] for r in rows}
    return ids.get("issuance"), ids.get("household")


async def balance(village_id: int, household_id: int) -> int:
    """What the household can spend now (0 before its first transfer)."""
    row = (
        await Account.select(Account.balance)
        .where(
            (Account.village == village_id)
            & (Account.kind == "household")
            & (Account.owner == household_id)
        )
        .first()
        .run()
    )
    return row["balance"] if row else 0


async def balances(village_id: int, household_ids: list[int]) -> dict[int, int]:
    """:func:`balance` of many households in one query."""
    rows = (
        await Account.select(Account.owner, Account.balance)
        .where(
            (Account.village == village_id)
            & (Account.kind == "household")
            & Account.owner.is_in(household_ids or [0])
        )
        .run()
    )
    found = {r["owner"]: r["balance"] for r in rows}
    return {household_id: found.get(household_id, 0) for household_id in household_ids}


async def earned(village_id: int, household_id: int, period_id: int | None = None) -> int:
    """Points earned (what ranks use), in one period or in total."""
    issuance, household = await _account_ids(village_id, household_id)
    if issuance is None or household is None:
        return 0
    net = 0
    for source, target, sign in ((issuance, household, 1), (household, issuance, -1)):
        where = (Transfer.debit == source) & (Transfer.credit == target)
        if period_id is not None:
            where &= Transfer.period_id == period_id
        row = await Transfer.select(Sum(Transfer.amount).as_alias("total")).where(where).run()
        net += sign * (row[0]["total"] or 0)
    return int(net)


def _earned_sql(period: str) -> str:
    """Transfers between the village's issuance account and its households, signed from the
    household's side: issuance → household adds, household → issuance takes away. Each branch
    walks one index (transfer_debit, transfer_credit) from the village's one issuance account;
    ``period`` narrows both branches (an empty condition, or one on ``:period``)."""
    return f"""SELECT h.owner AS household, x.period_id, SUM(x.amount) AS total FROM (
    SELECT t.credit AS account, t.period_id, t.amount FROM transfer t
    WHERE t.village = :village AND t.debit = (
        SELECT id FROM account WHERE village = :village AND kind = 'issuance'){period}
    UNION ALL
    SELECT t.debit AS account, t.period_id, -t.amount FROM transfer t
    WHERE t.village = :village AND t.credit = (
        SELECT id FROM account WHERE village = :village AND kind = 'issuance'){period}
) x JOIN account h ON h.id = x.account AND h.kind = 'household'
GROUP BY h.owner, x.period_id"""  # noqa: S608 (one of the two conditions below)


EARNED_SQL = _earned_sql("")
EARNED_IN_PERIOD_SQL = _earned_sql(" AND t.period_id = :period")


async def earned_by_household(village_id: int, period_id: int | None = None) -> dict[int, int]:
    """Earned points of every household of the village with any (for boards and rankings)."""
    if period_id is None:
        return (await earned_by_period(village_id))[None]
    rows = await db.fetch(EARNED_IN_PERIOD_SQL, village=village_id, period=period_id)
    return {r["household"]: int(r["total"]) for r in rows}


async def earned_by_period(village_id: int) -> dict[int | None, dict[int, int]]:
    """Earned points of every household with any, in total (key ``None``) and in each period
    with transfers, from one query: what a full rebuild of the village's boards needs."""
    rows = await db.fetch(EARNED_SQL, village=village_id)
    earned: dict[int | None, dict[int, int]] = {None: {}}
    for row in rows:
        household, total = row["household"], int(row["total"])
        earned[None][household] = earned[None].get(household, 0) + total
        if row["period_id"] is not None:
            earned.setdefault(row["period_id"], {})[household] = total
    return earned


async def statement(
    village_id: int,
    household_id: int,
    *,
    page: int = 1,
    page_size: int = 50,
    period_id: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A household's transfers, newest first, each signed from the household's side with its
    balance after, reason, reference, period and who entered it. With ``period_id``, only the
    transfers booked to that period (its scores and their reversals; a sale belongs to none)."""
    _issuance, account = await _account_ids(village_id, household_id)
    if account is None:
        return [], 0
    where: Any = (Transfer.debit == account) | (Transfer.credit == account)
    if period_id is not None:
        where &= Transfer.period_id == period_id
    rows = (
        await Transfer.select(
            Transfer.id,
            Transfer.seq,
            Transfer.kind,
            Transfer.amount,
            Transfer.debit,
            Transfer.debit_balance,
            Transfer.credit_balance,
            Transfer.reason,
            Transfer.reference,
            Transfer.period_id,
            Transfer.actor_name,
            Transfer.reverses,
            Transfer.hash,
            Transfer.created_at,
        )
        .where(where)
        .order_by(Transfer.id, ascending=False)
        .limit(page_size)
        .offset((page - 1) * page_size)
        .output(load_json=True)
        .run()
    )
    total = await Transfer.count().where(where).run()
    lines = []
    for row in rows:
        out = row.pop("debit") == account
        debit_balance, credit_balance = row.pop("debit_balance"), row.pop("credit_balance")
        lines.append(
            {
                **row,
                "amount": -row["amount"] if out else row["amount"],
                "balance": debit_balance if out else credit_balance,
            }
        )
    return lines, total
