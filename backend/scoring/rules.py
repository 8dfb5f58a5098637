"""The rule book (积分细则): versioned per village, copy-on-write.

Invariants: a village has at most one current version; adopting rules makes version N+1 current
and leaves every older version (and the evaluations that name its rules) untouched; a rule's
points are a non-zero integer and its cap at least 1. Every adoption is audited. Adopting
rules identical to the current version (an unchanged export imported again, a save with no edit)
makes no version: the current one comes back marked ``unchanged``, so version numbers only
count real changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any

from backend.audit.services import Actor, record
from backend.db import write_transaction
from backend.errors import NotFound
from backend.scoring.errors import DuplicateRuleCode, NoRuleBook, UnknownRule
from backend.scoring.tables import Rule as RuleTable
from backend.scoring.tables import RuleBook as RuleBookTable

PROPOSER_ROLES = ("committee", "grid_officer")
RULE_FIELDS = (
    RuleTable.id,
    RuleTable.code,
    RuleTable.category,
    RuleTable.title,
    RuleTable.points,
    RuleTable.cap,
    RuleTable.evidence_required,
    RuleTable.proposers,
)


@dataclass(frozen=True, slots=True)
class NewRule:
    """A rule's terms as adopted (the API's body, a sheet's row), before it has an id."""

    code: str
    category: str
    title: str
    points: int
    cap: int
    evidence_required: bool
    proposers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rule(NewRule):
    """A rule of one rule book version; evaluations name it by ``id`` for good."""

    id: int

    def terms(self) -> NewRule:
        """The rule without its id: what a new version copies."""
        return NewRule(**{f.name: getattr(self, f.name) for f in fields(NewRule)})


@dataclass(frozen=True, slots=True)
class RuleBook:
    """A version of the village's rules, in the book's order. ``unchanged``: an adoption
    equal to the current version made no new one."""

    id: int
    village_id: int
    version: int
    note: str
    created_at: datetime
    rules: list[Rule]
    unchanged: bool = False


def _rule(row: dict[str, Any]) -> Rule:
    return Rule(
        id=row["id"],
        code=row["code"],
        category=row["category"],
        title=row["title"],
        points=row["points"],
        cap=row["cap"],
        evidence_required=row["evidence_required"],
        proposers=tuple(p for p in row["proposers"].split(",") if p),
    )


async def adopt_rule_book(
    actor: Actor, village_id: int, rules: Sequence[NewRule], note: str = ""
) -> RuleBook:
    """Make ``rules`` the village's new current version; the old version stays as it was.

    Rules equal to the current version's adopt nothing (the answer says ``unchanged``).
    """
    codes = [r.code for r in rules]
    for code in codes:
        if codes.count(code) > 1:
            raise DuplicateRuleCode(code=code)
    async with write_transaction():
        try:
            current = await current_rule_book(village_id)
        except NoRuleBook:
            current = None
        if current is not None and _same_rules(current.rules, rules):
            return replace(current, unchanged=True)
        last = (
            await RuleBookTable.select(RuleBookTable.version)
            .where(RuleBookTable.village == village_id)
            .order_by(RuleBookTable.version, ascending=False)
            .first()
            .run()
        )
        version = (last["version"] if last else 0) + 1
        await (
            RuleBookTable.update({RuleBookTable.is_current: False})
            .where((RuleBookTable.village == village_id) & (RuleBookTable.is_current.eq(True)))
            .run()
        )
        book = (
            await RuleBookTable.insert(
                RuleBookTable(village=village_id, version=version, is_current=True, note=note)
            )
            .returning(RuleBookTable.id)
            .run()
        )[0]["id"]
        if rules:
            await RuleTable.insert(
                *[
                    RuleTable(
                        rule_book=book,
                        village=village_id,
                        position=n,
                        code=r.code,
                        category=r.category,
                        title=r.title,
                        points=r.points,
                        cap=r.cap,
                        evidence_required=r.evidence_required,
                        proposers=",".join(sorted(set(r.proposers))),
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
            after={"version": version, "note": note, "rules": [asdict(r) for r in rules]},
        )
    return await current_rule_book(village_id)


async def edit_rule(actor: Actor, village_id: int, code: str, changes: dict[str, Any]) -> RuleBook:
    """Change one rule by adopting a copy of the current book with that rule changed."""
    async with write_transaction():
        book = await current_rule_book(village_id)
        if all(r.code != code for r in book.rules):
            raise NotFound()
        rules = [replace(r.terms(), **changes) if r.code == code else r.terms() for r in book.rules]
        return await adopt_rule_book(actor, village_id, rules, note=f"修改 {code}")


def _comparable(rules: Sequence[NewRule]) -> list[tuple[Any, ...]]:
    return [
        (
            r.code,
            r.category,
            r.title,
            r.points,
            r.cap,
            bool(r.evidence_required),
            tuple(sorted(set(r.proposers))),
        )
        for r in rules
    ]


def _same_rules(current: Sequence[NewRule], rules: Sequence[NewRule]) -> bool:
    """The same rules in the same order: nothing a new version would record."""
    return _comparable(current) == _comparable(rules)


async def current_rule_book(village_id: int) -> RuleBook:
    book = (
        await RuleBookTable.select(
            RuleBookTable.id, RuleBookTable.version, RuleBookTable.note, RuleBookTable.created_at
        )
        .where((RuleBookTable.village == village_id) & (RuleBookTable.is_current.eq(True)))
        .first()
        .run()
    )
    if book is None:
        raise NoRuleBook()
    rows = (
        await RuleTable.select(*RULE_FIELDS)
        .where(RuleTable.rule_book == book["id"])
        .order_by(RuleTable.position)
        .run()
    )
    return RuleBook(
        id=book["id"],
        village_id=village_id,
        version=book["version"],
        note=book["note"],
        created_at=book["created_at"],
        rules=[_rule(r) for r in rows],
    )


async def current_rule(village_id: int, rule_id: int) -> Rule:
    """A rule of the village's current version; an old version's or another village's is refused."""
    row = (
        await RuleTable.select(*RULE_FIELDS)
        .where(
            (RuleTable.id == rule_id)
            & (RuleTable.village == village_id)
            & (RuleTable.rule_book._.is_current.eq(True))
        )
        .first()
        .run()
    )
    if row is None:
        raise UnknownRule()
    return _rule(row)
