"""Build the redemption benchmark's villages through the services; print them as JSON.

Run as a child process so its database and Redis come from the environment it is given.
"""

from __future__ import annotations

import asyncio
import json
import sys

from backend import cache, db
from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.cards import issuing
from backend.ledger import services as ledger
from backend.migrations import migrate
from backend.registry import services as registry
from backend.shop import catalogue

PASSWORD = "bench-password"


async def build(villages: int, households: int) -> list[dict]:
    await migrate()
    await db.start()
    town = await registry.create_town(CLI_ACTOR, "基准镇", "BENCH")
    out = []
    for v in range(villages):
        village = await registry.create_village(
            CLI_ACTOR, town.id, name=f"基准村{v}", code=f"BENCH{v}"
        )
        vid = village.id
        shop = await catalogue.create_shop(CLI_ACTOR, vid, "积分超市", [])
        products = []
        for name, price in (("洗衣粉", 10), ("香皂", 5)):
            product = await catalogue.add_product(
                CLI_ACTOR, vid, shop.id, {"name": name, "price": price}
            )
            await catalogue.restock(CLI_ACTOR, vid, shop.id, product.id, 1_000_000, "", None)
            products.append(product.id)
        codes = []
        for h in range(households):
            household = await registry.create_household(
                CLI_ACTOR, vid, {"number": f"B{h:04d}", "head_name": f"户主{h}"}, []
            )
            await ledger.award(
                CLI_ACTOR, vid, household.id, 100_000, key=f"seed-{h}", reason="基准测试积分"
            )
            await issuing.issue_card(CLI_ACTOR, vid, household.id)
            codes.append(await issuing.card_payload(vid, household.id))
        username = f"bench_shop_{v}"
        user_id = await auth.create_user(
            CLI_ACTOR,
            username,
            PASSWORD,
            [Grant(Role.shopkeeper, village_id=vid, shop_id=shop.id)],
        )
        token = await auth.issue_token(user_id, "bench")
        out.append(
            {
                "village": vid,
                "shop": shop.id,
                "products": products,
                "codes": codes,
                "token": token,
            }
        )
    await db.stop()
    await cache.close()
    return out


if __name__ == "__main__":
    result = asyncio.run(build(int(sys.argv[1]), int(sys.argv[2])))
    print(json.dumps(result))
