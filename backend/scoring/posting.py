"""Closing a period: its approved evaluations become ledger transfers, each exactly once.

Each evaluation posts with the ledger key ``evaluation:<id>`` and is marked posted in the same
transaction, so a close that crashed half way is resumed by closing again: what was posted is
not in :func:`periods.evaluations_to_post` any more, and if it were, the ledger would answer with
the first transfer. Evaluations post in chunks, one transaction each, so 10 000 of them close in
seconds without one giant transaction holding the village's ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from backend.audit.services import Actor
from backend.db import write_transaction
from backend.ledger import services as ledger
from backend.registry import services as registry
from backend.scoring import evaluations, periods
from backend.scoring.tables import Rule

CHUNK = 200


def _reason(item: dict[str, Any], period_name: str) -> str:
    """The statement line a villager reads: rule, the entry's note (e.g. the volunteer activity),
    period, who entered it and who checked it."""
    checked = f"，{item['verifier_name']}入户核实" if item["verifier_name"] else ""
    what = f"：{item['note']}" if item["note"] else ""
    return (f"{item['category']}·{item['title']}{what}（{period_name}，{item['proposer_name']}录入"
            f"{checked}）")


async def post_approved(
    actor: Actor, village_id: int, period_id: int,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, list[int]]:
    """Post every evaluation of a closed period that may post.

    Returns how many posted now, and the deductions that could not: in a village that keeps
    balances at or above zero, a deduction larger than the balance stays on notice (listed, not
    lost) until the committee decides — allow negative balances, or reject it — and closes again.
    """
    period = await periods.period(village_id, period_id)
    due = {item["id"] for item in await periods.evaluations_to_post(period_id)}
    if period["state"] != "closed" or not due:
        return 0, []
    negative_ok = (await registry.village(village_id))["allow_negative_balance"]
    items = [e for e in await evaluations.evaluations(village_id, period_id, states=["notice"])
             if e["id"] in due]
    versions = {r["id"]: r["rule_book.version"] for r in await Rule.select(
        Rule.id, Rule.rule_book.version).where(
        Rule.id.is_in(list({e["rule_id"] for e in items}) or [0])).run()}
    posted, blocked = 0, []
    for start in range(0, len(items), CHUNK):
        async with write_transaction():
            for item in items[start:start + CHUNK]:
                if item["points"] < 0 and not negative_ok and await ledger.balance(
                    village_id, item["household_id"]) < -item["points"]:
                    blocked.append(item["id"])
                    continue
                if not await periods.mark_posted(item["id"]):
                    continue
                reference = {"evaluation": item["id"], "rule": item["rule_code"],
                             "rule_version": versions.get(item["rule_id"])}
                post = ledger.award if item["points"] > 0 else ledger.deduct
                await post(actor, village_id, item["household_id"], abs(item["points"]),
                           key=f"evaluation:{item['id']}", reason=_reason(item, period["name"]),
                           reference=reference, period_id=period_id)
                posted += 1
        if progress is not None:
            progress(min(start + CHUNK, len(items)), len(items))
    return posted, blocked


async def close_and_post(
    actor: Actor, village_id: int, period_id: int, *, now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Close the period (once its notice is over) and post what it approved; safe to repeat."""
    await periods.close_period(actor, village_id, period_id, now=now)
    posted, blocked = await post_approved(actor, village_id, period_id, progress)
    return {**await periods.period(village_id, period_id), "posted": posted, "blocked": blocked}
