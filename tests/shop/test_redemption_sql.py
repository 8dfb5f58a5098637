"""The sale's hand-written statements under load: stock locks, the guarded stock update, limits."""

from __future__ import annotations

import asyncio
import secrets

from httpx import AsyncClient
from pytest import MonkeyPatch

from backend.audit.services import CLI_ACTOR
from backend.cards import issuing
from backend.errors import DomainError
from backend.shop import catalogue, redemption_services
from tests.factories import Place, stocked_place
from tests.shop.test_redemption import second_product, sell


async def attempt(place: Place, code: str, lines: list[tuple[int, int]], key: str) -> str:
    try:
        await redemption_services.redeem(
            CLI_ACTOR,
            place.village_id,
            place.shop_id,
            code,
            [redemption_services.Line(p, q) for p, q in lines],
            key=key,
        )
    except DomainError as error:
        return error.code
    return "sold"


async def test_concurrent_sales_stop_at_the_last_item() -> None:
    place = await stocked_place(10_000)
    code = await issuing.card_payload(place.village_id, place.households[0].id)
    results = await asyncio.gather(
        *(attempt(place, code, [(place.product_id, 1)], f"last-{n}") for n in range(30))
    )
    assert results.count("sold") == 20
    assert set(results) == {"sold", "out_of_stock"}
    product = await catalogue.product(place.village_id, place.shop_id, place.product_id)
    assert product.stock == 0
    log = await catalogue.movements(place.village_id, place.shop_id, place.product_id)
    assert sum(m.quantity for m in log) == 0
    assert min(m.stock_after for m in log) == 0


async def test_carts_naming_products_in_either_order_all_sell() -> None:
    place = await stocked_place(10_000)
    other = await second_product(place, price=5, stock=50)
    code = await issuing.card_payload(place.village_id, place.households[0].id)
    carts = [[(place.product_id, 1), (other, 2)], [(other, 2), (place.product_id, 1)]]
    results = await asyncio.gather(
        *(attempt(place, code, carts[n % 2], f"order-{n}") for n in range(20))
    )
    assert results == ["sold"] * 20
    first = await catalogue.product(place.village_id, place.shop_id, place.product_id)
    second = await catalogue.product(place.village_id, place.shop_id, other)
    assert (first.stock, second.stock) == (0, 10)


async def test_a_voided_sale_frees_the_daily_cap_and_the_monthly_limit(
    client: AsyncClient,
) -> None:
    place = await stocked_place(500, daily_cap=35)
    limited = await second_product(place, price=5, limit=2)
    code = await issuing.card_payload(place.village_id, place.households[0].id)
    sold = await sell(client, place, code, [(place.product_id, 2), (limited, 2)])
    assert sold.status_code == 201
    refused = await sell(client, place, code, [(limited, 1)])
    assert refused.json()["code"] == "limit_exceeded"
    await redemption_services.void(
        CLI_ACTOR, place.village_id, place.shop_id, sold.json()["id"], "退货"
    )
    again = await sell(client, place, code, [(place.product_id, 2), (limited, 2)])
    assert again.status_code == 201
    assert again.json()["lines"] == [
        {
            "product_id": place.product_id,
            "name": sold.json()["lines"][0]["name"],
            "unit": "袋",
            "quantity": 2,
            "price": 10,
            "subtotal": 20,
        },
        {
            "product_id": limited,
            "name": sold.json()["lines"][1]["name"],
            "unit": "块",
            "quantity": 2,
            "price": 5,
            "subtotal": 10,
        },
    ]
    assert (await sell(client, place, code, [(place.product_id, 1)])).json()["code"] == (
        "daily_cap_exceeded"
    )


async def test_a_receipt_number_drawn_twice_is_drawn_again(monkeypatch: MonkeyPatch) -> None:
    place = await stocked_place(1000)
    code = await issuing.card_payload(place.village_id, place.households[0].id)
    draws = iter(["c0ffee", "c0ffee", "beef00"])
    real = secrets.token_hex
    monkeypatch.setattr(secrets, "token_hex", lambda n=None: next(draws, None) or real(n))
    first = await redemption_services.redeem(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        code,
        [redemption_services.Line(place.product_id, 1)],
        key="draw-1",
    )
    second = await redemption_services.redeem(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        code,
        [redemption_services.Line(place.product_id, 1)],
        key="draw-2",
    )
    assert first.receipt_no.endswith("-C0FFEE")
    assert second.receipt_no.endswith("-BEEF00")
    assert second == await redemption_services.receipt(place.village_id, place.shop_id, second.id)
