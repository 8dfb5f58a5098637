"""Proof that the ledger holds: small invariant checks run over each village's rows.

Like beancount's validations, each check is a function from a village's rows to the failures it
finds, and :func:`verify_village` runs them all and reports every failure, not only the first
kind. The chain check names the first broken transfer: the one whose contents no longer hash to
its link (an edit), whose ``prev_hash`` or ``seq`` does not follow its predecessor (a deletion or
an insertion), or the head that no longer matches the last transfer (a deletion at the end).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend import db
from backend.ledger.chain import CHAIN_ROWS_SQL, genesis, link, village_key
from backend.ledger.tables import Account, LedgerHead


@dataclass(frozen=True, slots=True)
class Failure:
    """One broken invariant: which check, which village, the transfer (if one is to blame)."""

    village_id: int
    check: str
    message: str
    transfer_id: int | None = None


@dataclass(frozen=True, slots=True)
class Rows:
    """Everything verify reads of one village, in chain order; ``village_key`` is the one its
    chain head froze (or the village's codes, when the head is missing)."""

    village_id: int
    village_key: str
    transfers: list[dict[str, Any]]
    accounts: dict[int, dict[str, Any]]
    head: dict[str, Any] | None


def check_chain(rows: Rows) -> list[Failure]:
    expected_prev, expected_seq = genesis(rows.village_key), 1
    for t in rows.transfers:
        problem = None
        if t["seq"] != expected_seq:
            problem = (
                f"seq {t['seq']} where {expected_seq} was expected: a transfer before it "
                "was deleted or one was inserted"
            )
        elif t["prev_hash"] != expected_prev:
            problem = "its prev_hash is not the previous transfer's hash"
        elif link(t["prev_hash"], t) != t["hash"]:
            problem = "its contents no longer match its hash (edited)"
        if problem:
            return [
                Failure(
                    rows.village_id,
                    "chain",
                    f"first broken transfer #{t['id']} (seq {t['seq']}): {problem}",
                    t["id"],
                )
            ]
        expected_prev, expected_seq = t["hash"], expected_seq + 1
    return []


def check_head(rows: Rows) -> list[Failure]:
    last = rows.transfers[-1] if rows.transfers else None
    seq, hash_ = (last["seq"], last["hash"]) if last else (0, genesis(rows.village_key))
    if rows.head is None:
        if last is None:
            return []
        return [Failure(rows.village_id, "head", "transfers exist but the chain head is missing")]
    if rows.head["seq"] != seq or rows.head["hash"] != hash_:
        where = f"after transfer #{last['id']} (seq {seq})" if last else "at the start"
        return [
            Failure(
                rows.village_id,
                "head",
                f"the chain head (seq {rows.head['seq']}) does not match the last "
                f"transfer: the chain ends {where}, so transfers were deleted or added",
                last["id"] if last else None,
            )
        ]
    return []


def check_cached_balances(rows: Rows) -> list[Failure]:
    sums: dict[int, int] = defaultdict(int)
    for t in rows.transfers:
        sums[t["debit"]] -= t["amount"]
        sums[t["credit"]] += t["amount"]
    return [
        Failure(
            rows.village_id,
            "balance",
            f"account #{a['id']} ({a['kind']} {a['owner']}) caches {a['balance']} but its "
            f"transfers sum to {sums[a['id']]}",
        )
        for a in rows.accounts.values()
        if a["balance"] != sums[a["id"]]
    ]


def check_running_balances(rows: Rows) -> list[Failure]:
    running: dict[int, int] = defaultdict(int)
    for t in rows.transfers:
        running[t["debit"]] -= t["amount"]
        running[t["credit"]] += t["amount"]
        if (running[t["debit"]], running[t["credit"]]) != (t["debit_balance"], t["credit_balance"]):
            return [
                Failure(
                    rows.village_id,
                    "running_balance",
                    f"transfer #{t['id']} (seq {t['seq']}) records balances that its "
                    "predecessors do not add up to",
                    t["id"],
                )
            ]
    return []


def check_zero_sum(rows: Rows) -> list[Failure]:
    total = sum(a["balance"] for a in rows.accounts.values())
    if total:
        return [Failure(rows.village_id, "zero_sum", f"balances sum to {total}, not 0")]
    return []


def check_floors(rows: Rows) -> list[Failure]:
    return [
        Failure(
            rows.village_id,
            "floor",
            f"account #{a['id']} ({a['kind']} {a['owner']}) is at {a['balance']} below zero",
        )
        for a in rows.accounts.values()
        if a["balance"] < 0 and not a["allow_negative"]
    ]


def check_accounts(rows: Rows) -> list[Failure]:
    return [
        Failure(
            rows.village_id,
            "accounts",
            f"transfer #{t['id']} moves points to or from another village's account",
            t["id"],
        )
        for t in rows.transfers
        if t["debit"] not in rows.accounts or t["credit"] not in rows.accounts
    ]


def check_reversals(rows: Rows) -> list[Failure]:
    by_id = {t["id"]: t for t in rows.transfers}
    failures = []
    for t in rows.transfers:
        if (t["kind"] == "reversal") != (t["reverses"] is not None):
            failures.append(
                Failure(
                    rows.village_id,
                    "reversal",
                    f"transfer #{t['id']} is a {t['kind']} with reverses={t['reverses']}",
                    t["id"],
                )
            )
        elif t["reverses"] is not None:
            original = by_id.get(t["reverses"])
            if (
                original is None
                or original["kind"] == "reversal"
                or (original["debit"], original["credit"], original["amount"])
                != (t["credit"], t["debit"], t["amount"])
            ):
                failures.append(
                    Failure(
                        rows.village_id,
                        "reversal",
                        f"reversal #{t['id']} does not mirror transfer "
                        f"#{t['reverses']} of this village",
                        t["id"],
                    )
                )
    return failures


CHECKS: tuple[Callable[[Rows], list[Failure]], ...] = (
    check_chain,
    check_head,
    check_cached_balances,
    check_running_balances,
    check_zero_sum,
    check_floors,
    check_accounts,
    check_reversals,
)


async def load(village_id: int) -> Rows:
    transfers = await db.fetch(CHAIN_ROWS_SQL, village=village_id)
    accounts = (
        await Account.select(
            Account.id, Account.kind, Account.owner, Account.balance, Account.allow_negative
        )
        .where(Account.village == village_id)
        .run()
    )
    head = (
        await LedgerHead.select(LedgerHead.seq, LedgerHead.hash, LedgerHead.village_key)
        .where(LedgerHead.village == village_id)
        .first()
        .run()
    )
    key = head["village_key"] if head else await current_village_key(village_id)
    for t in transfers:
        t["village_key"] = key
    return Rows(village_id, key, transfers, {a["id"]: a for a in accounts}, head)


async def current_village_key(village_id: int) -> str:
    """The key a chain of this village starts from today: its town's code and its own."""
    row = await db.first(
        "SELECT t.code AS town, v.code AS village FROM village v "
        "JOIN town t ON t.id = v.town WHERE v.id = :village",
        village=village_id,
    )
    return village_key(row["town"], row["village"]) if row else ""


async def verify_village(village_id: int) -> list[Failure]:
    """Every failure of every check for one village; empty when its ledger holds."""
    rows = await load(village_id)
    return [failure for check in CHECKS for failure in check(rows)]


async def ledger_villages() -> list[int]:
    """Villages with a ledger: a head, or accounts (a head deleted behind our back counts)."""
    heads = await LedgerHead.select(LedgerHead.village).run()
    accounts = await Account.select(Account.village).distinct().run()
    return sorted({r["village"] for r in heads} | {r["village"] for r in accounts})


@dataclass(frozen=True, slots=True)
class StoredHead:
    """A village's chain head as stored: how many transfers it links and the last link, what
    posters, passbooks and ``jifen ledger head`` print for anyone to check against."""

    village: int
    seq: int
    hash: str
    updated_at: datetime


async def heads(village_id: int | None = None) -> list[StoredHead]:
    """The stored heads of every village (or of one), by village."""
    query = LedgerHead.select(
        LedgerHead.village, LedgerHead.seq, LedgerHead.hash, LedgerHead.updated_at
    )
    if village_id is not None:
        query = query.where(LedgerHead.village == village_id)
    return [StoredHead(**row) for row in await query.order_by(LedgerHead.village).run()]
