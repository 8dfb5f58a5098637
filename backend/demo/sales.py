"""Demo sales: households spending points at their village's supermarket with their cards,
through the same redemption service the kiosk calls, and one sale voided by mistake (with the
kiosk's idempotency key, as the till sends it); all of them in the till's list of today's sales."""

from __future__ import annotations

import contextlib
import random

from backend.cards import issuing, phone_codes
from backend.demo.staff import staff_actor
from backend.errors import DomainError
from backend.ledger import services as ledger
from backend.registry.tables import Household, Village
from backend.shop import catalogue, redemption_services


async def demo_sales(village_code: str, shopkeeper: str, sales: int = 25) -> None:
    village = await Village.select(Village.id).where(Village.code == village_code).first().run()
    assert village is not None
    vid = village["id"]
    actor = await staff_actor(shopkeeper)
    shop = (await catalogue.shops(vid))[0]
    products = await catalogue.products(vid, shop.id)
    households = [
        r["id"]
        for r in await Household.select(Household.id)
        .where(Household.village == vid)
        .order_by(Household.id)
        .run()
    ]
    rng = random.Random(f"sales-{village_code}")
    last = None
    for n in range(sales):
        household = rng.choice(households)
        balance = await ledger.balance(vid, household)
        affordable = [p for p in products if p.price <= balance]
        if not affordable:
            continue
        product = rng.choice(affordable)
        try:
            last = await redemption_services.redeem(
                actor,
                vid,
                shop.id,
                await issuing.card_payload(vid, household),
                [redemption_services.Line(product.id, 1)],
                key=f"demo-sale-{village_code}-{n}",
            )
        except DomainError:
            continue  # over a monthly limit: the kiosk would have said so too
    if last is not None:
        await redemption_services.void(
            actor,
            vid,
            shop.id,
            last.id,
            "顾客拿错商品，已退回",
            key=f"demo-void-{village_code}",
        )
    # The first household pays once with the phone code, as the villager's page shows it
    # (its page then says what its newest code paid for).
    code, _expires = await phone_codes.phone_code(vid, households[0])
    cheapest = min(products, key=lambda p: p.price)
    with contextlib.suppress(DomainError):  # too few points: nothing to show
        await redemption_services.redeem(
            actor,
            vid,
            shop.id,
            code,
            [redemption_services.Line(cheapest.id, 1)],
            key=f"demo-phone-sale-{village_code}",
        )
