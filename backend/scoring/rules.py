"""The rule book (积分细则): versioned per village, copy-on-write.

Invariants: a village has at most one current version; adopting rules makes version N+1 current
and leaves every older version (and the evaluations that name its rules) untouched; a rule's
points are a non-zero integer and its cap at least 1. Every adoption is audited. Adopting
rules identical to the current version (an unchanged export imported again, a save with no edit)
makes no version: the current one comes back marked ``unchanged``, so version numbers only
count real changes.
"""

from __future__ import annotations

from typing import Any

from backend.audit.services import Actor, record
from backend.db import write_transaction
from backend.errors import NotFound
from backend.scoring.errors import DuplicateRuleCode, NoRuleBook, UnknownRule
from backend.scoring.tables import Rule, RuleBook

PROPOSER_ROLES = ("committee", "grid_officer")
RULE_FIELDS = (
    Rule.id,
    Rule.code,
    Rule.category,
    Rule.title,
    Rule.points,
    Rule.cap,
    Rule.evidence_required,
    Rule.proposers,
)


def rule_out(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "proposers": [p for p in row["proposers"].split(",") if p]}


async def adopt_rule_book(
    actor: Actor, village_id: int, rules: list[dict[str, Any]], note: str = ""
) -> dict[str, Any]:
    """Make ``rules`` the village's new current version; the old version stays as it was.

    Rules equal to the current version's adopt nothing (the answer says ``unchanged``).
    """
    codes = [r["code"] for r in rules]
    for code in codes:
        if codes.count(code) > 1:
            raise DuplicateRuleCode(code=code)
    async with write_transaction():
        try:
            current = await current_rule_book(village_id)
        except NoRuleBook:
            current = None
        if current is not None and _same_rules(current["rules"], rules):
            return {**current, "unchanged": True}
        last = (
            await RuleBook.select(RuleBook.version)
            .where(RuleBook.village == village_id)
            .order_by(RuleBook.version, ascending=False)
            .first()
            .run()
        )
        version = (last["version"] if last else 0) + 1
        await (
            RuleBook.update({RuleBook.is_current: False})
            .where((RuleBook.village == village_id) & (RuleBook.is_current.eq(True)))
            .run()
        )
        book = (
            await RuleBook.insert(
                RuleBook(village=village_id, version=version, is_current=True, note=note)
            )
            .returning(RuleBook.id)
            .run()
        )[0]["id"]
        if rules:
            await Rule.insert(
                *[
                    Rule(
                        rule_book=book,
                        village=village_id,
                        position=n,
                        code=r["code"],
                        category=r["category"],
                        title=r["title"],
                        points=r["points"],
                        cap=r["cap"],
                        evidence_required=r["evidence_required"],
                        proposers=",".join(sorted(set(r["proposers"]))),
                    )
                    for n, r in enumerate(rules)
                ]
            ).run()
        await record(
            actor,
            "rule_book.adopt",
            "rule_book",
            book,
            village_id=village_id,
            after={"version": version, "note": note, "rules": rules},
        )
    return await current_rule_book(village_id)


async def edit_rule(
    actor: Actor, village_id: int, code: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """Change one rule by adopting a copy of the current book with that rule changed."""
    async with write_transaction():
        book = await current_rule_book(village_id)
        rules = [_plain(r) for r in book["rules"]]
        target = next((r for r in rules if r["code"] == code), None)
        if target is None:
            raise NotFound()
        target.update(changes)
        return await adopt_rule_book(actor, village_id, rules, note=f"修改 {code}")


def _comparable(rules: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            r["code"],
            r["category"],
            r["title"],
            r["points"],
            r["cap"],
            bool(r["evidence_required"]),
            tuple(sorted(set(r["proposers"]))),
        )
        for r in rules
    ]


def _same_rules(current: list[dict[str, Any]], rules: list[dict[str, Any]]) -> bool:
    """The same rules in the same order: nothing a new version would record."""
    return _comparable(current) == _comparable(rules)


def _plain(rule: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rule.items() if k != "id"}


async def current_rule_book(village_id: int) -> dict[str, Any]:
    book = (
        await RuleBook.select(RuleBook.id, RuleBook.version, RuleBook.note, RuleBook.created_at)
        .where((RuleBook.village == village_id) & (RuleBook.is_current.eq(True)))
        .first()
        .run()
    )
    if book is None:
        raise NoRuleBook()
    rows = (
        await Rule.select(*RULE_FIELDS)
        .where(Rule.rule_book == book["id"])
        .order_by(Rule.position)
        .run()
    )
    return {**book, "village_id": village_id, "rules": [rule_out(r) for r in rows]}


async def current_rule(village_id: int, rule_id: int) -> dict[str, Any]:
    """A rule of the village's current version; an old version's or another village's is refused."""
    row = (
        await Rule.select(*RULE_FIELDS)
        .where(
            (Rule.id == rule_id)
            & (Rule.village == village_id)
            & (Rule.rule_book._.is_current.eq(True))
        )
        .first()
        .run()
    )
    if row is None:
        raise UnknownRule()
    return rule_out(row)


async def rule_by_id(rule_id: int) -> dict[str, Any]:
    row = await Rule.select(*RULE_FIELDS).where(Rule.id == rule_id).first().run()
    if row is None:
        raise UnknownRule()
    return rule_out(row)
