"""Reading the leaderboards: from Redis when it answers, from SQL when it does not.

Redis is a cache. If it is down, a read logs it, counts it (``cache.failures``) and computes the
same answer from the ledger — slower, never wrong, never an error for the villager.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import msgspec
from redis.asyncio.client import Pipeline
from redis.asyncio.cluster import ClusterPipeline

from backend import cache
from backend.boards.redis_leaderboards import (
    Scope,
    active_households,
    catch_up,
    key,
    ledger_seq,
    mark_key,
    member,
    rebuild,
)
from backend.boards.tie_rule import Standing, competition_ranks, ranked_from
from backend.errors import NotFound
from backend.ledger import services as ledger
from backend.registry import services as registry
from backend.registry.tables import Household

log = logging.getLogger("jifen.boards")


async def _sql_standings(village_id: int, period_id: int | None, scope: Scope) -> list[Standing]:
    totals = await ledger.earned_by_household(village_id, period_id)
    households = [h for h in await active_households(village_id) if scope in h.scopes]
    return competition_ranks([(h.household_id, totals.get(h.household_id, 0)) for h in households])


def _redis_down(exc: Exception) -> None:
    cache.failures["count"] += 1
    log.warning("leaderboard served from SQL, Redis unavailable: %s", exc)


async def _ready(village_id: int, name: str) -> None:
    await catch_up(village_id)
    if not await cache.redis().exists(name):
        await rebuild(village_id)


async def _read(
    village_id: int, name: str, reads: Callable[[Pipeline | ClusterPipeline], Any]
) -> list[Any]:
    """The replies of ``reads`` on an up-to-date board, in one Redis round trip when it is.

    The reads go in one pipeline with the board's mark and whether it exists, while the ledger
    head is read from SQL at the same time; only a board that is missing or behind the ledger
    (a read after a posting, a Redis restart) takes the slow path: catch up, then read again.
    """
    client = cache.redis()
    pipe = client.pipeline(transaction=False)
    pipe.get(mark_key(village_id))
    pipe.exists(name)
    reads(pipe)
    head = asyncio.ensure_future(ledger_seq(village_id))
    try:
        mark, exists, *replies = await pipe.execute()
    finally:
        ledger_head = await head
    if mark is None or not exists or ledger_head > int(mark):
        await _ready(village_id, name)
        pipe = client.pipeline(transaction=False)
        reads(pipe)
        replies = await pipe.execute()
    return replies


async def top(village_id: int, period_id: int | None, scope: Scope, limit: int) -> list[Standing]:
    """The best ``limit`` households of a scope, ranked 1, 2, 2, 4."""
    name = key(village_id, period_id, scope)
    try:
        [rows] = await _read(
            village_id, name, lambda pipe: pipe.zrevrange(name, 0, limit - 1, withscores=True)
        )
    except cache.UNAVAILABLE as exc:
        _redis_down(exc)
        return (await _sql_standings(village_id, period_id, scope))[:limit]
    return _ranked(rows, start=0, first_rank=1)


def _ranked(rows: list[tuple[Any, float]], *, start: int, first_rank: int) -> list[Standing]:
    """The tie rule over Redis's rows (member, score) from position ``start`` on."""
    return ranked_from(
        [(int(who), int(score)) for who, score in rows], start=start, first_rank=first_rank
    )


# A household's place and its neighbours in one round trip: its position, the board's size,
# the window around it, and how many households score above the window's first (who may tie
# with households above the window). EVAL, not EVALSHA: Redis compiles it once and keeps it, and
# no reply ever says NOSCRIPT after a restart.
STANDING_SCRIPT = """
local position = redis.call('ZREVRANK', KEYS[1], ARGV[1])
local size = redis.call('ZCARD', KEYS[1])
if not position then
    return {-1, size, 0, 0, {}}
end
local start = math.max(position - tonumber(ARGV[2]), 0)
local window = redis.call('ZREVRANGE', KEYS[1], start, position + tonumber(ARGV[2]), 'WITHSCORES')
local above = redis.call('ZCOUNT', KEYS[1], '(' .. window[2], '+inf')
return {position, size, start, above, window}
"""


async def standing(
    village_id: int, household_id: int, period_id: int | None, scope: Scope, around: int = 2
) -> tuple[Standing, list[Standing], int]:
    """A household's place in a scope, its neighbours (``around`` above and below), and how
    many households the scope ranks."""
    name = key(village_id, period_id, scope)
    try:
        [(position, size, start, above, flat)] = await _read(
            village_id,
            name,
            lambda pipe: pipe.eval(STANDING_SCRIPT, 1, name, member(household_id), around),
        )
    except cache.UNAVAILABLE as exc:
        _redis_down(exc)
        everyone = await _sql_standings(village_id, period_id, scope)
        index = next((i for i, s in enumerate(everyone) if s.household_id == household_id), None)
        if index is None:
            raise NotFound() from exc
        near = everyone[max(index - around, 0) : index + around + 1]
        return everyone[index], near, len(everyone)
    if position < 0:
        raise NotFound()
    window = [(flat[i], float(flat[i + 1])) for i in range(0, len(flat), 2)]
    near = _ranked(window, start=start, first_rank=above + 1)
    mine = next(s for s in near if s.household_id == household_id)
    return mine, near, int(size)


async def above_the_line(
    village_id: int, standings: list[Standing], keep: int | None = None
) -> list[Standing]:
    """Standings as anyone but the committee sees them: none below the village's black line,
    so no ranking shows a low result that the black board leaves off (a hardship household's);
    ``keep``, the asker's own household, stays. Ranks are the village's, unchanged: the cut is
    at the bottom, so no gap opens between the households shown."""
    line = (await registry.village(village_id)).black_line
    return [s for s in standings if s.earned >= line or s.household_id == keep]


class Ranked(msgspec.Struct, frozen=True, kw_only=True):
    """A standing with the household's number and head's name, as leaderboards show it (a
    Struct: the controllers convert it on every leaderboard read)."""

    household_id: int
    number: str
    head_name: str
    earned: int
    rank: int


async def named(standings: list[Standing]) -> list[Ranked]:
    """Standings with the household number and head's name, as boards show them."""
    ids = [s.household_id for s in standings]
    rows = (
        await Household.select(Household.id, Household.number, Household.head_name)
        .where(Household.id.is_in(ids or [0]))
        .run()
    )
    names = {r["id"]: r for r in rows}
    return [
        Ranked(
            household_id=s.household_id,
            number=names[s.household_id]["number"],
            head_name=names[s.household_id]["head_name"],
            earned=s.earned,
            rank=s.rank,
        )
        for s in standings
        if s.household_id in names
    ]
