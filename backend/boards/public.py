"""What the boards show to anyone without a login, and the hall screen's full-name link.

Invariants (docs/design.md, privacy tiers): a reply to a request with no login never carries a
household's full name, number, id or deduction categories — names are masked (张*三); a board's
public address is its random ``public_id``, never its serial id; a black board leaves public view
once the village publishes a newer board; nothing here tells which households are in hardship
(no count of them, no ranking below the black line: see :mod:`backend.boards.services`). Full
names are shown only to a hall screen opened with the committee's screen link, whose token is
kept as a SHA-256 hash and can be revoked (a new link revokes the old one).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from backend import clock
from backend.audit.services import Actor, record
from backend.boards import leaderboard, services
from backend.boards.leaderboard import Ranked
from backend.boards.schemas import (
    PublicBoard,
    PublicListed,
    PublicNotice,
    PublicNoticeLine,
    PublicScreen,
    ScreenLink,
)
from backend.boards.services import Listed, PublishedBoard
from backend.boards.tables import Board
from backend.db import write_transaction
from backend.errors import NotFound
from backend.registry.tables import Village
from backend.scoring import notice
from backend.scoring.tables import Period

TOP = 20


def mask(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*, 欧阳小明 → 欧**明: enough for a neighbour to guess, not
    enough for a stranger on the internet to find anyone."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _listed(entries: Sequence[Listed | Ranked], full_names: bool) -> list[PublicListed]:
    return [
        PublicListed(
            rank=e.rank,
            name=e.head_name if full_names else mask(e.head_name),
            earned=e.earned,
        )
        for e in entries
    ]


def _public(board: PublishedBoard, *, withdrawn: bool, full_names: bool = False) -> PublicBoard:
    return PublicBoard(
        public_id=board.public_id,
        village_name=board.village_name,
        period_name=board.period_name,
        size=board.size,
        red=_listed(board.red, full_names),
        black=[] if withdrawn else _listed(board.black, full_names),
        black_withdrawn=withdrawn,
        black_line=board.black_line,
        rule_text=board.rule_text,
        chain_seq=board.chain_seq,
        chain_head=board.chain_head,
        published_at=board.published_at,
    )


async def board(public_id: str) -> PublicBoard:
    """A published board by its public id, names masked; its black board only while it is the
    village's newest."""
    row = (
        await Board.select(Board.id, Board.village)
        .where(Board.public_id == public_id)
        .first()
        .run()
    )
    if row is None or not public_id:
        raise NotFound()
    published = await services.board(row["village"], row["id"])
    newest = await services.latest(row["village"])
    return _public(published, withdrawn=newest is not None and newest.id != row["id"])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def screen(code: str, token: str | None) -> PublicScreen:
    """The hall screen: the newest board and the all-time top 20 — full names only with the
    village's current screen link."""
    village = (
        await Village.select(Village.id, Village.name, Village.screen_token)
        .where(Village.code == code)
        .first()
        .run()
    )
    if village is None:
        raise NotFound()
    full = (
        bool(token)
        and bool(village["screen_token"])
        and hmac.compare_digest(_digest(token or ""), village["screen_token"])
    )
    newest = await services.latest(village["id"])
    best = await leaderboard.top(village["id"], None, ("village", None), TOP)
    top = await leaderboard.named(await leaderboard.above_the_line(village["id"], best))
    return PublicScreen(
        village_name=village["name"],
        full_names=full,
        board=_public(newest, withdrawn=False, full_names=full) if newest else None,
        top=_listed(top, full),
        notice=await _notice(village["id"], full),
    )


async def _notice(village_id: int, full_names: bool) -> PublicNotice | None:
    """The period on notice, if one is, as the hall screen shows it."""
    current = (
        await Period.select(Period.id)
        .where((Period.village == village_id) & (Period.state == "notice"))
        .first()
        .run()
    )
    if current is None:
        return None
    listed = await notice.notice(village_id, current["id"])
    return PublicNotice(
        period_name=listed.period_name,
        notice_ends_at=listed.notice_ends_at or clock.now(),
        lines=[
            PublicNoticeLine(
                name=line.head_name if full_names else mask(line.head_name),
                title=line.title if full_names or line.points > 0 else "",
                points=line.points,
            )
            for line in listed.lines
        ],
    )


async def make_screen_link(actor: Actor, village_id: int) -> ScreenLink:
    """A new full-name link for the hall screen; the previous one stops working."""
    token = secrets.token_urlsafe(24)
    async with write_transaction():
        code = await Village.select(Village.code).where(Village.id == village_id).first().run()
        if code is None:
            raise NotFound()
        await (
            Village.update({Village.screen_token: _digest(token)})
            .where(Village.id == village_id)
            .run()
        )
        await record(
            actor,
            "village.screen_link",
            "village",
            village_id,
            village_id=village_id,
            after={"screen_link": "made"},
        )
    return ScreenLink(token=token, path=f"/board.html?village={code['code']}&token={token}")


async def revoke_screen_link(actor: Actor, village_id: int) -> None:
    """The hall screen goes back to masked names."""
    async with write_transaction():
        await Village.update({Village.screen_token: ""}).where(Village.id == village_id).run()
        await record(
            actor,
            "village.screen_link",
            "village",
            village_id,
            village_id=village_id,
            after={"screen_link": "revoked"},
        )
