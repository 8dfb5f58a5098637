"""Leaderboards in Redis: ranks 1, 2, 2, 4; Redis lost or stale; Redis down."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from redis.asyncio import Redis

from backend import cache
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.boards import leaderboard
from backend.boards.cli import differences, rebuild_all
from backend.boards.redis_leaderboards import (
    STAGING_TTL_SECONDS,
    catch_up,
    expected,
    key,
    mark_key,
    rebuild,
    stage,
    staging_key,
)
from backend.ledger import services as ledger
from backend.registry import services as registry
from backend.registry.tables import Village
from tests.factories import Place, make_place, make_town, unique


async def village_with_scores(scores: list[int], period_id: int = 7) -> tuple[Place, list[int]]:
    place = await make_place((await make_town()).id, with_users=False)
    ids = [h.id for h in place.households]
    for n in range(len(scores) - len(ids)):
        household = await registry.create_household(
            CLI_ACTOR,
            place.village_id,
            {"number": f"X{n}", "head_name": f"户主{n}", "grid_id": place.grid_id},
            [],
        )
        ids.append(household.id)
    for household_id, score in zip(ids, scores, strict=True):
        if score > 0:
            await ledger.award(
                CLI_ACTOR,
                place.village_id,
                household_id,
                score,
                key=unique("a"),
                reason="测试",
                period_id=period_id,
            )
        elif score < 0:
            await ledger.deduct(
                CLI_ACTOR,
                place.village_id,
                household_id,
                -score,
                key=unique("d"),
                reason="测试",
                period_id=period_id,
            )
    return place, ids


async def test_top_and_rank_with_ties(client: AsyncClient) -> None:
    place, ids = await village_with_scores([30, 20, 20, 10, 0])
    top = await leaderboard.top(place.village_id, None, ("village", None), 10)
    assert [(s.earned, s.rank) for s in top] == [(30, 1), (20, 2), (20, 2), (10, 4), (0, 5)]
    mine, near, ranked = await leaderboard.standing(place.village_id, ids[3], 7, ("village", None))
    assert (mine.rank, mine.earned, ranked) == (4, 10, 5)
    assert [s.rank for s in near] == [2, 2, 4, 5]


async def test_neighbours_tied_with_households_above_them_share_their_rank(
    client: AsyncClient,
) -> None:
    place, ids = await village_with_scores([30, 20, 20, 20, 10])
    mine, near, ranked = await leaderboard.standing(
        place.village_id, ids[4], None, ("village", None)
    )
    assert (mine.rank, ranked) == (5, 5)
    assert [(s.earned, s.rank) for s in near] == [(20, 2), (20, 2), (10, 5)]


async def test_rebuild_all_counts_every_board_of_every_village(client: AsyncClient) -> None:
    one, _ids = await village_with_scores([3, 1])
    two, _ids = await village_with_scores([2, 5, 4])
    await cache.redis().flushdb()
    villages = [r["id"] for r in await Village.select(Village.id).run()]
    assert await rebuild_all(None) == sum([len(await expected(v)) for v in villages])
    assert await differences(one.village_id) == [] and await differences(two.village_id) == []


async def test_balance_does_not_rank_spending_does_not_lower_a_rank(client: AsyncClient) -> None:
    place, ids = await village_with_scores([50, 40])
    await ledger.redeem(
        CLI_ACTOR, place.village_id, ids[0], place.shop_id, 45, key=unique("r"), reason="兑换"
    )
    top = await leaderboard.top(place.village_id, None, ("village", None), 2)
    assert [(s.household_id, s.earned) for s in top] == [(ids[0], 50), (ids[1], 40)]


async def test_catching_up_on_a_sale_recounts_no_earnings(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sale moves points from a household to a shop: no board changes, so catching up on it
    asks the ledger for no household's earnings (it did, twice a sale); an award still does."""
    place, ids = await village_with_scores([50, 40])
    await catch_up(place.village_id)
    asked: list[int] = []
    counted = ledger.earned

    async def earned(village_id: int, household_id: int, period_id: int | None = None) -> int:
        asked.append(household_id)
        return await counted(village_id, household_id, period_id)

    monkeypatch.setattr(ledger, "earned", earned)
    await ledger.redeem(
        CLI_ACTOR, place.village_id, ids[0], place.shop_id, 45, key=unique("r"), reason="兑换"
    )
    await catch_up(place.village_id)
    assert asked == []
    await ledger.award(CLI_ACTOR, place.village_id, ids[1], 5, key=unique("a"), reason="测试")
    await catch_up(place.village_id)
    assert set(asked) == {ids[1]}
    assert await differences(place.village_id) == []


async def test_flushall_then_a_read_rebuilds_and_matches_sql(client: AsyncClient) -> None:
    place, _ids = await village_with_scores([5, 9, 3])
    await leaderboard.top(place.village_id, None, ("village", None), 3)
    await cache.redis().flushdb()
    top = await leaderboard.top(place.village_id, 7, ("grid", place.grid_id), 3)
    assert [s.earned for s in top] == [9, 5, 3]
    assert await differences(place.village_id) == []


async def test_a_rebuild_that_dies_before_its_swap_leaves_only_keys_that_expire(
    client: AsyncClient,
) -> None:
    place, _ids = await village_with_scores([5, 3])
    boards = await expected(place.village_id)
    token = await stage(place.village_id, boards)  # ... and the rebuild dies here
    for name in boards:
        assert 0 < await cache.redis().ttl(staging_key(name, token)) <= STAGING_TTL_SECONDS
    await rebuild(place.village_id)  # a rebuild that gets to its swap
    for name in boards:
        assert await cache.redis().ttl(name) == -1  # a board is kept until the next swap
    left = [k async for k in cache.redis().scan_iter(match=f"{{v{place.village_id}}}:*:tmp*")]
    assert sorted(left) == sorted(staging_key(name, token) for name in boards)


async def test_a_crash_between_commit_and_redis_leaves_no_drift(client: AsyncClient) -> None:
    place, ids = await village_with_scores([10, 20])
    await leaderboard.top(place.village_id, None, ("village", None), 5)
    # The posting commits, then the process dies before Redis hears of it.
    await ledger.award(
        CLI_ACTOR, place.village_id, ids[0], 25, key=unique("a"), reason="补记", period_id=7
    )
    assert await differences(place.village_id) != []
    # Recovery applies what came after the mark; applying it again changes nothing.
    top = await leaderboard.top(place.village_id, None, ("village", None), 5)
    assert [(s.household_id, s.earned) for s in top][:2] == [(ids[0], 35), (ids[1], 20)]
    await cache.redis().set(mark_key(place.village_id), 0)
    await leaderboard.top(place.village_id, None, ("village", None), 5)
    assert await cache.redis().zscore(key(place.village_id, None), f"{ids[0]:010d}") == 35
    assert await differences(place.village_id) == []


async def test_redis_down_ranks_still_served(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    place, ids = await village_with_scores([4, 8])
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    monkeypatch.setattr(cache, "redis", lambda: dead)
    top = await leaderboard.top(place.village_id, None, ("village", None), 5)
    assert [(s.household_id, s.earned) for s in top][:2] == [(ids[1], 8), (ids[0], 4)]
    mine, _near, _ranked = await leaderboard.standing(
        place.village_id, ids[0], None, ("village", None)
    )
    assert mine.rank == 2


async def test_leaderboard_api(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    for n, household in enumerate(place.households):
        await ledger.award(
            CLI_ACTOR,
            place.village_id,
            household.id,
            10 * (n + 1),
            key=unique("a"),
            reason="测试",
        )
    response = await client.get(
        f"/api/v1/villages/{place.village_id}/leaderboard?limit=5",
        headers=place.headers(Role.villager),
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["earned"] for i in items] == [20, 10]
    assert items[0]["head_name"] == "李秀英"
    own = place.households[0].id
    rank = await client.get(
        f"/api/v1/villages/{place.village_id}/households/{own}/rank",
        headers=place.headers(Role.villager),
    )
    assert rank.json()["rank"] == 2 and rank.json()["ranked"] == 2
    other = place.households[1].id
    hidden = await client.get(
        f"/api/v1/villages/{place.village_id}/households/{other}/rank",
        headers=place.headers(Role.villager),
    )
    assert hidden.status_code == 404
    bad = await client.get(
        f"/api/v1/villages/{place.village_id}/leaderboard?scope=grid",
        headers=place.headers(Role.villager),
    )
    assert bad.status_code == 400
