"""The red and black boards (红黑榜) of a closed period: preview, publish, keep.

Invariants: red = the top N by earned points in the period and black = the bottom N of the
households whose period result is below the village's line (default 0: a net deduction), N the
village's setting — a household that gained points is never on the black board, and when fewer
than N are below the line the board is shorter; households tied at a cut-off are all listed
(standard competition ranking); hardship households (关怀户) are never on the black board, and how
many were left off is kept (the number, never who); households with no activity in the
period are left out unless the village says otherwise. Publishing happens once per period; the
optional red-board bonus goes through the ledger with one key per household and board, so a
retried publish never pays twice. A published board never changes.

Hardship stays private (issue 15): nobody but the committee (and the town admin) can tell which
households are exempted. Every view anyone else sees — the public board and verify page, the
hall screen, the printed poster, a villager's or shopkeeper's boards, leaderboards and rank —
(1) ranks the black board among the households it lists (1, 2, … with no gap where an exempted
household would have been); (2) carries no count of exempted households (``hardship_left_off``
is for the committee's preview and board reads only); (3) shows no ranking that reaches below the
village's black line (:func:`backend.boards.leaderboard.above_the_line`): the bottom of the
village is the black board's to show, so a low result that the black board leaves off is never
listed elsewhere. A village alike in all but one household's flag shows the same everywhere
except that household's absence from the black board (tests/security/test_hardship_unseen.py).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections import defaultdict
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from backend.audit.services import Actor, record
from backend.boards.errors import BoardAlreadyPublished, PeriodNotClosed
from backend.boards.tables import Board
from backend.boards.tie_rule import Standing, competition_ranks, cut
from backend.db import write_transaction
from backend.errors import NotFound
from backend.ledger import services as ledger
from backend.ledger.tables import LedgerHead
from backend.registry import services as registry
from backend.registry.tables import Household
from backend.scoring.tables import Evaluation, Period

# The records are msgspec Structs, not dataclasses: the controllers convert them to the API's
# shapes on every read, which msgspec does about 2.5 times faster from a Struct.


class Category(msgspec.Struct, frozen=True, kw_only=True):
    """What one category of rules earned (or cost) a household in the period."""

    category: str
    points: int


class Listed(msgspec.Struct, frozen=True, kw_only=True):
    """A household's line on the red or the black board. The field order is the order of the
    keys in a published board's stored JSON, which never changes."""

    rank: int
    household_id: int
    number: str
    head_name: str
    earned: int
    categories: list[Category]


class BoardPreview(msgspec.Struct, frozen=True, kw_only=True):
    """The board as it would be published now; ``hardship_left_off`` is the committee's only."""

    village_id: int
    village_name: str
    period_id: int
    period_name: str
    period_state: str
    size: int
    red: list[Listed]
    black: list[Listed]
    rule_text: str
    black_line: int
    hardship_left_off: int


class PublishedBoard(msgspec.Struct, frozen=True, kw_only=True):
    """A board as it was published, with the ledger head it was published against."""

    id: int
    village_id: int
    village_name: str
    period_id: int
    period_name: str
    size: int
    red: list[Listed]
    black: list[Listed]
    rule_text: str
    chain_seq: int
    chain_head: str
    publisher_name: str
    published_at: datetime
    black_line: int
    hardship_left_off: int
    public_id: str


def rule_text(size: int, line: int = 0) -> str:
    below = "有净扣分（本期积分低于 0 分）" if line == 0 else f"本期积分低于 {line} 分"
    return (
        f"按本期累计积分从高到低排名（并列同名次，如 1、2、2、4），前 {size} 名上红榜；"
        f"{below}的户中，最后 {size} 名上黑榜，不足 {size} 户时黑榜从少；"
        f"并列者一同上榜；关怀户不上黑榜。"
    )


async def _period(village_id: int, period_id: int) -> tuple[str, str]:
    """The period's name and state, or NotFound outside the village."""
    row = (
        await Period.select(Period.name, Period.state)
        .where((Period.id == period_id) & (Period.village == village_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return row["name"], row["state"]


async def _categories(period_id: int, household_ids: list[int]) -> dict[int, list[Category]]:
    """Per household, the categories whose posted evaluations earned or cost points."""
    rows = (
        await Evaluation.select(Evaluation.household, Evaluation.points, Evaluation.rule.category)
        .where(
            (Evaluation.period == period_id)
            & (Evaluation.state == "posted")
            & Evaluation.household.is_in(household_ids or [0])
        )
        .run()
    )
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        sums[row["household"]][row["rule.category"]] += row["points"]
    return {
        h: [Category(category=c, points=p) for c, p in sorted(cats.items(), key=lambda i: -i[1])]
        for h, cats in sums.items()
    }


async def compute(village_id: int, period_id: int) -> BoardPreview:
    """The board as it would be published now (the committee's preview)."""
    period_name, period_state = await _period(village_id, period_id)
    village = await registry.village(village_id)
    size = village.board_size
    totals = await ledger.earned_by_household(village_id, period_id)
    households = (
        await Household.select(
            Household.id, Household.number, Household.head_name, Household.hardship
        )
        .where((Household.village == village_id) & (Household.status == "active"))
        .run()
    )
    eligible = [h for h in households if village.board_include_idle or h["id"] in totals]
    info = {h["id"]: h for h in eligible}
    best = competition_ranks([(h["id"], totals.get(h["id"], 0)) for h in eligible])
    red = cut(best, size)
    on_red = {s.household_id for s in red}
    line = village.black_line
    below = [h for h in eligible if totals.get(h["id"], 0) < line and h["id"] not in on_red]
    candidates = [(h["id"], -totals.get(h["id"], 0)) for h in below if not h["hardship"]]
    black = [
        Standing(s.household_id, -s.earned, s.rank)
        for s in cut(competition_ranks(candidates), size)
    ]
    categories = await _categories(period_id, [s.household_id for s in red + black])

    def listed(standings: list[Standing]) -> list[Listed]:
        return [
            Listed(
                rank=s.rank,
                household_id=s.household_id,
                number=info[s.household_id]["number"],
                head_name=info[s.household_id]["head_name"],
                earned=s.earned,
                categories=categories.get(s.household_id, []),
            )
            for s in standings
        ]

    return BoardPreview(
        village_id=village_id,
        village_name=village.name,
        period_id=period_id,
        period_name=period_name,
        period_state=period_state,
        size=size,
        red=listed(red),
        black=listed(black),
        rule_text=rule_text(size, line),
        black_line=line,
        hardship_left_off=sum(1 for h in below if h["hardship"]),
    )


def _stored(lines: list[Listed]) -> str:
    """A board's lines as the Board row keeps them (JSON, Chinese unescaped)."""
    return json.dumps(msgspec.to_builtins(lines), ensure_ascii=False)


async def publish(actor: Actor, village_id: int, period_id: int) -> PublishedBoard:
    """Publish the period's board once, paying the village's red-board bonus if it has one."""
    draft = await compute(village_id, period_id)
    if draft.period_state != "closed":
        raise PeriodNotClosed()
    village = await registry.village(village_id)
    async with write_transaction():
        if (
            await Board.exists()
            .where((Board.village == village_id) & (Board.period == period_id))
            .run()
        ):
            raise BoardAlreadyPublished()
        try:
            board_id = (
                await Board.insert(
                    Board(
                        village=village_id,
                        period=period_id,
                        size=draft.size,
                        red=_stored(draft.red),
                        black=_stored(draft.black),
                        rule_text=draft.rule_text,
                        chain_seq=0,
                        chain_head="",
                        published_by=actor.user_id,
                        publisher_name=actor.name,
                        black_line=draft.black_line,
                        hardship_left_off=draft.hardship_left_off,
                        public_id=secrets.token_urlsafe(12),
                    )
                )
                .returning(Board.id)
                .run()
            )[0]["id"]
        except (asyncpg.UniqueViolationError, sqlite3.IntegrityError) as exc:
            raise BoardAlreadyPublished() from exc
        if village.red_bonus:
            for entry in draft.red:
                await ledger.award(
                    actor,
                    village_id,
                    entry.household_id,
                    village.red_bonus,
                    key=f"board:{board_id}:red:{entry.household_id}",
                    kind="bonus",
                    reason=f"{draft.period_name} 红榜奖励",
                    reference={"board": board_id},
                )
        head = (
            await LedgerHead.select(LedgerHead.seq, LedgerHead.hash)
            .where(LedgerHead.village == village_id)
            .first()
            .run()
        )
        await (
            Board.update(
                {
                    Board.chain_seq: head["seq"] if head else 0,
                    Board.chain_head: head["hash"] if head else "",
                }
            )
            .where(Board.id == board_id)
            .run()
        )
        await record(
            actor,
            "board.publish",
            "board",
            board_id,
            village_id=village_id,
            after={"period": period_id, "red": len(draft.red), "black": len(draft.black)},
        )
    return await board(village_id, board_id)


def _published() -> Any:
    """The select every reading of a published board goes through: one query, however many."""
    return Board.select(
        Board.id,
        Board.village,
        Board.village.name,
        Board.period,
        Board.period.name,
        Board.size,
        Board.red,
        Board.black,
        Board.rule_text,
        Board.chain_seq,
        Board.chain_head,
        Board.publisher_name,
        Board.published_at,
        Board.black_line,
        Board.hardship_left_off,
        Board.public_id,
    ).output(load_json=True)


def _as_published(row: dict[str, Any]) -> PublishedBoard:
    return PublishedBoard(
        id=row["id"],
        village_id=row["village"],
        village_name=row["village.name"],
        period_id=row["period"],
        period_name=row["period.name"],
        size=row["size"],
        red=msgspec.convert(row["red"], list[Listed]),
        black=msgspec.convert(row["black"], list[Listed]),
        rule_text=row["rule_text"],
        chain_seq=row["chain_seq"],
        chain_head=row["chain_head"],
        publisher_name=row["publisher_name"],
        published_at=row["published_at"],
        black_line=row["black_line"],
        hardship_left_off=row["hardship_left_off"],
        public_id=row["public_id"],
    )


async def board(village_id: int | None, board_id: int) -> PublishedBoard:
    """A published board as it was published (village None: the public verification page)."""
    where: Any = Board.id == board_id
    if village_id is not None:
        where &= Board.village == village_id
    row = await _published().where(where).first().run()
    if row is None:
        raise NotFound()
    return _as_published(row)


async def latest(village_id: int) -> PublishedBoard | None:
    """The village's newest published board, if it has one."""
    newest = await boards(village_id, 1)
    return newest[0] if newest else None


async def boards(village_id: int, limit: int | None = None) -> list[PublishedBoard]:
    """Published boards, newest first (the first ``limit`` of them: a villager's home shows
    only the latest), read in one query whatever their number."""
    query = (
        _published()
        .where(Board.village == village_id)
        .order_by(Board.published_at, Board.id, ascending=False)
    )
    return [_as_published(row) for row in await (query.limit(limit) if limit else query).run()]
