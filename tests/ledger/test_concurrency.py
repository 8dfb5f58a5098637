"""Concurrent writers with real commits: each service call is its own transaction task with its
own pooled connection (PostgreSQL) or its turn at the one writer (SQLite)."""

from __future__ import annotations

import asyncio
import dataclasses

from backend.audit.services import CLI_ACTOR
from backend.ledger import services as ledger
from backend.ledger.errors import InsufficientPoints
from backend.ledger.tables import Transfer
from backend.ledger.verify import verify_village
from tests.factories import World, make_place

SHOP = 3


async def test_50_concurrent_redemptions_spend_exactly_what_is_there(world: World) -> None:
    place = await make_place(world.a.town_id, with_users=False)
    v, h = place.village_id, place.households[0].id
    balance, cost = 1000, 30
    await ledger.award(CLI_ACTOR, v, h, balance, key="seed", reason="年度表彰")

    results = await asyncio.gather(
        *(
            ledger.redeem(CLI_ACTOR, v, h, SHOP, cost, key=f"sale-{n}", reason="兑换：食用油")
            for n in range(50)
        ),
        return_exceptions=True,
    )

    succeeded = [r for r in results if isinstance(r, ledger.Posted)]
    refused = [r for r in results if isinstance(r, InsufficientPoints)]
    assert len(succeeded) == balance // cost == 33
    assert len(refused) == 50 - 33
    assert await ledger.balance(v, h) == balance - 33 * cost == 10
    assert sorted(r.balance for r in succeeded) == list(range(10, balance - cost + 1, cost))
    assert await verify_village(v) == []


async def test_100_concurrent_calls_with_one_key_make_one_transfer(world: World) -> None:
    place = await make_place(world.a.town_id, with_users=False)
    v, h = place.village_id, place.households[1].id

    results = await asyncio.gather(
        *(
            ledger.award(CLI_ACTOR, v, h, 8, key="evaluation:42", reason="移风易俗：婚事简办")
            for _ in range(100)
        )
    )

    assert sum(not r.replayed for r in results) == 1
    assert {dataclasses.replace(r, replayed=False) for r in results} == {
        dataclasses.replace(results[0], replayed=False)
    }
    assert await Transfer.count().where(Transfer.village == v).run() == 1
    assert await ledger.balance(v, h) == 8
    assert await verify_village(v) == []


async def test_a_retried_sale_that_empties_the_account_is_replayed_not_refused(
    world: World,
) -> None:
    place = await make_place(world.a.town_id, with_users=False)
    v, h = place.village_id, place.households[0].id
    await ledger.award(CLI_ACTOR, v, h, 50, key="seed", reason="年度表彰")

    results = await asyncio.gather(
        *(
            ledger.redeem(CLI_ACTOR, v, h, SHOP, 40, key="redemption:9", reason="兑换：电饭煲")
            for _ in range(30)
        )
    )

    assert sum(not r.replayed for r in results) == 1
    assert {r.balance for r in results} == {10}
    assert await ledger.balance(v, h) == 10
    assert await verify_village(v) == []
