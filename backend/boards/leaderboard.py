"""Reading the leaderboards: from Redis when it answers, from SQL when it does not.

Redis is a cache. If it is down, a read logs it, counts it (``cache.failures``) and computes the
same answer from the ledger — slower, never wrong, never an error for the villager.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError

from backend import cache
from backend.boards.ranks import (
    Scope,
    Standing,
    active_households,
    catch_up,
    competition_ranks,
    key,
    member,
    rebuild,
    scopes_of,
)
from backend.errors import NotFound
from backend.ledger import services as ledger
from backend.registry.tables import Household

log = logging.getLogger("jifen.boards")


async def _sql_standings(
    village_id: int, period_id: int | None, scope: Scope
) -> list[Standing]:
    totals = await ledger.earned_by_household(village_id, period_id)
    households = [h for h in await active_households(village_id) if scope in scopes_of(h)]
    return competition_ranks([(h["id"], totals.get(h["id"], 0)) for h in households])


def _redis_down(exc: Exception) -> None:
    cache.failures["count"] += 1
    log.warning("leaderboard served from SQL, Redis unavailable: %s", exc)


async def _ready(village_id: int, name: str) -> None:
    await catch_up(village_id)
    if not await cache.redis().exists(name):
        await rebuild(village_id)


async def top(
    village_id: int, period_id: int | None, scope: Scope, limit: int
) -> list[Standing]:
    """The best ``limit`` households of a scope, ranked 1, 2, 2, 4."""
    name = key(village_id, period_id, scope)
    try:
        await _ready(village_id, name)
        rows: Any = await cache.redis().zrevrange(name, 0, limit - 1, withscores=True)
    except (RedisError, OSError) as exc:
        _redis_down(exc)
        return (await _sql_standings(village_id, period_id, scope))[:limit]
    standings: list[Standing] = []
    for index, (who, score) in enumerate(rows):
        earned = int(score)
        rank = standings[-1].rank if standings and standings[-1].earned == earned else index + 1
        standings.append(Standing(int(who), earned, rank))
    return standings


async def standing(
    village_id: int, household_id: int, period_id: int | None, scope: Scope, around: int = 2
) -> tuple[Standing, list[Standing], int]:
    """A household's place in a scope, its neighbours (``around`` above and below), and how
    many households the scope ranks."""
    name = key(village_id, period_id, scope)
    try:
        await _ready(village_id, name)
        client = cache.redis()
        score = await client.zscore(name, member(household_id))
        if score is None:
            raise NotFound()
        position: Any = await client.zrevrank(name, member(household_id))
        window: Any = await client.zrevrange(name, max(position - around, 0),
                                             position + around, withscores=True)
        size = int(await client.zcard(name))
        near = [
            Standing(int(who), int(s), int(await client.zcount(name, f"({s}", "+inf")) + 1)
            for who, s in window
        ]
    except (RedisError, OSError) as exc:
        _redis_down(exc)
        everyone = await _sql_standings(village_id, period_id, scope)
        index = next((i for i, s in enumerate(everyone) if s.household_id == household_id), None)
        if index is None:
            raise NotFound() from exc
        near = everyone[max(index - around, 0): index + around + 1]
        return everyone[index], near, len(everyone)
    mine = next(s for s in near if s.household_id == household_id)
    return mine, near, size


async def named(standings: list[Standing]) -> list[dict[str, Any]]:
    """Standings with the household number and head's name, as boards show them."""
    ids = [s.household_id for s in standings]
    rows = await Household.select(Household.id, Household.number, Household.head_name).where(
        Household.id.is_in(ids or [0])
    ).run()
    names = {r["id"]: r for r in rows}
    return [
        {"household_id": s.household_id, "number": names[s.household_id]["number"],
         "head_name": names[s.household_id]["head_name"], "earned": s.earned, "rank": s.rank}
        for s in standings if s.household_id in names
    ]
