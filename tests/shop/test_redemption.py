"""The sale at the kiosk: one effect per key, every refusal, voids, limits, codes and PINs."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from typing import Any, Literal

from httpx import AsyncClient
from openpyxl import load_workbook

from backend import cache, clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing, phone_codes, pin_changes
from backend.errors import DomainError
from backend.ledger import services as ledger
from backend.shop import catalogue, redemption_services
from backend.shop.tables import Redemption
from tests.factories import Place, stocked_place, unique


async def second_product(
    place: Place, price: int = 5, stock: int = 10, limit: int | None = None
) -> int:
    product = await catalogue.add_product(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        {"name": unique("香皂"), "price": price, "unit": "块", "limit_per_period": limit},
    )
    await catalogue.restock(CLI_ACTOR, place.village_id, place.shop_id, product.id, stock, "", None)
    return product.id


async def card(place: Place) -> str:
    return await issuing.card_payload(place.village_id, place.households[0].id)


async def sell(
    client: AsyncClient,
    place: Place,
    code: str,
    lines: list[tuple[int, int]],
    key: str | Literal[False] | None = None,
    **extra: Any,
) -> Any:
    """POST a sale as the shopkeeper: with ``key`` as its idempotency key, a fresh one when
    None, none at all when False (the refusal of a key-less sale)."""
    headers = place.headers(Role.shopkeeper)
    if key is not False:
        headers["Idempotency-Key"] = key or unique("sale")
    return await client.post(
        f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions",
        headers=headers,
        json={"code": code, "lines": [{"product_id": p, "quantity": q} for p, q in lines], **extra},
    )


async def snapshot(place: Place) -> tuple[int, int, int]:
    household = place.households[0].id
    product = await catalogue.product(place.village_id, place.shop_id, place.product_id)
    sales = await Redemption.count().where(Redemption.village == place.village_id).run()
    return await ledger.balance(place.village_id, household), product.stock, sales


async def test_a_sale_moves_points_and_stock_and_a_retry_returns_the_same_receipt(
    client: AsyncClient,
) -> None:
    place = await stocked_place(100)
    soap = await second_product(place, price=5)
    code = await card(place)
    first = await sell(client, place, code, [(place.product_id, 2), (soap, 3)], key="kiosk-1")
    assert first.status_code == 201, first.text
    receipt = first.json()
    assert receipt["total"] == 2 * 10 + 3 * 5
    assert receipt["balance_after"] == 65
    assert receipt["replayed"] is False
    assert [line["quantity"] for line in receipt["lines"]] == [2, 3]
    assert await snapshot(place) == (65, 18, 1)

    again = await sell(client, place, code, [(place.product_id, 2), (soap, 3)], key="kiosk-1")
    assert again.status_code == 201
    assert again.json()["id"] == receipt["id"] and again.json()["replayed"] is True
    assert await snapshot(place) == (65, 18, 1)

    other_cart = await sell(client, place, code, [(place.product_id, 1)], key="kiosk-1")
    assert other_cart.status_code == 422
    assert other_cart.json()["code"] == "idempotency_key_reused"
    assert await snapshot(place) == (65, 18, 1)


async def test_refusals_change_nothing(client: AsyncClient) -> None:
    place = await stocked_place(30)
    code = await card(place)
    before = await snapshot(place)
    poor = await sell(client, place, code, [(place.product_id, 4)])
    assert poor.status_code == 409 and poor.json()["code"] == "insufficient_points"
    assert poor.json()["detail"].startswith("积分不足")
    empty_shelf = await sell(client, place, code, [(place.product_id, 21)])
    assert empty_shelf.json()["code"] in ("out_of_stock", "insufficient_points")
    no_key = await sell(client, place, code, [(place.product_id, 1)], key=False)
    assert no_key.status_code == 400 and no_key.json()["code"] == "idempotency_key_missing"
    unknown = await sell(client, place, code, [(999999, 1)])
    assert unknown.status_code == 409 and unknown.json()["code"] == "product_unavailable"
    assert await snapshot(place) == before


async def test_out_of_stock_is_refused_before_points_move(client: AsyncClient) -> None:
    place = await stocked_place(1000)
    before = await snapshot(place)
    response = await sell(client, place, await card(place), [(place.product_id, 21)])
    assert response.status_code == 409 and response.json()["code"] == "out_of_stock"
    assert "库存不足" in response.json()["detail"]
    assert await snapshot(place) == before


async def test_monthly_limit_and_daily_cap(client: AsyncClient) -> None:
    place = await stocked_place(500, daily_cap=40)
    limited = await second_product(place, price=5, limit=2)
    code = await card(place)
    assert (await sell(client, place, code, [(limited, 2)])).status_code == 201
    over = await sell(client, place, code, [(limited, 1)])
    assert over.status_code == 409 and over.json()["code"] == "limit_exceeded"
    assert "超过限额" in over.json()["detail"]
    capped = await sell(client, place, code, [(place.product_id, 4)])
    assert capped.status_code == 409 and capped.json()["code"] == "daily_cap_exceeded"
    assert (await sell(client, place, code, [(place.product_id, 3)])).status_code == 201


async def test_void_once_within_the_window(client: AsyncClient) -> None:
    place = await stocked_place(100)
    sale = (await sell(client, place, await card(place), [(place.product_id, 3)])).json()
    target = (
        f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions/{sale['id']}/void"
    )
    headers = place.headers(Role.shopkeeper)
    voided = await client.post(target, json={"reason": "顾客拿错了"}, headers=headers)
    assert voided.status_code == 200, voided.text
    assert voided.json()["status"] == "voided"
    assert await snapshot(place) == (100, 20, 1)
    twice = await client.post(target, json={"reason": "再撤销"}, headers=headers)
    assert twice.status_code == 409 and twice.json()["code"] == "already_voided"
    assert await snapshot(place) == (100, 20, 1)


async def test_void_after_the_window_is_refused(client: AsyncClient) -> None:
    place = await stocked_place(100, void_window_hours=0)
    sale = (await sell(client, place, await card(place), [(place.product_id, 1)])).json()
    response = await client.post(
        f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions/{sale['id']}/void",
        json={"reason": "太晚了"},
        headers=place.headers(Role.shopkeeper),
    )
    assert response.status_code == 409 and response.json()["code"] == "void_window_closed"


async def test_forged_and_revoked_cards_are_refused(client: AsyncClient) -> None:
    place = await stocked_place(100)
    code = await card(place)
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    response = await sell(client, place, forged, [(place.product_id, 1)])
    assert response.status_code == 422 and response.json()["code"] == "code_forged"
    await issuing.reissue_card(CLI_ACTOR, place.village_id, place.households[0].id)
    revoked = await sell(client, place, code, [(place.product_id, 1)])
    assert revoked.status_code == 409 and revoked.json()["code"] == "card_revoked"
    assert "卡已挂失" in revoked.json()["detail"]
    assert (
        await sell(client, place, await card(place), [(place.product_id, 1)])
    ).status_code == 201


async def test_a_phone_code_pays_once_even_after_redis_is_flushed(client: AsyncClient) -> None:
    place = await stocked_place(100)
    code, _expires = await phone_codes.phone_code(place.village_id, place.households[0].id)
    assert (await sell(client, place, code, [(place.product_id, 1)])).status_code == 201
    replay = await sell(client, place, code, [(place.product_id, 1)])
    assert replay.status_code == 409 and replay.json()["code"] == "code_used"
    await cache.redis().flushdb()
    after_flush = await sell(client, place, code, [(place.product_id, 1)])
    assert after_flush.status_code == 409 and after_flush.json()["code"] == "code_used"


async def test_an_expired_phone_code_is_refused(client: AsyncClient) -> None:
    place = await stocked_place(100)
    old, _ = await phone_codes.phone_code(
        place.village_id, place.households[0].id, now=clock.now() - timedelta(minutes=5)
    )
    response = await sell(client, place, old, [(place.product_id, 1)])
    assert response.status_code == 409 and response.json()["code"] == "code_expired"


async def test_a_phone_code_at_two_kiosks_at_once_sells_once() -> None:
    place = await stocked_place(100)
    code, _ = await phone_codes.phone_code(place.village_id, place.households[0].id)

    async def attempt(key: str) -> str:
        try:
            await redemption_services.redeem(
                CLI_ACTOR,
                place.village_id,
                place.shop_id,
                code,
                [redemption_services.Line(place.product_id, 1)],
                key=key,
            )
        except DomainError as error:
            return error.code
        return "sold"

    results = await asyncio.gather(attempt("kiosk-a"), attempt("kiosk-b"))
    assert sorted(results) == ["code_used", "sold"]
    assert await snapshot(place) == (90, 19, 1)


async def test_pin_above_the_threshold_and_lockout(client: AsyncClient) -> None:
    place = await stocked_place(200, pin_threshold=15)
    household = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household, "2468")
    code = await card(place)
    assert (await sell(client, place, code, [(place.product_id, 1)])).status_code == 201
    missing = await sell(client, place, code, [(place.product_id, 2)])
    assert missing.status_code == 422 and missing.json()["code"] == "pin_required"
    right = await sell(client, place, code, [(place.product_id, 2)], pin="2468")
    assert right.status_code == 201
    for _ in range(4):
        wrong = await sell(client, place, code, [(place.product_id, 2)], pin="1111")
        assert wrong.json()["code"] == "pin_wrong"
    locked = await sell(client, place, code, [(place.product_id, 2)], pin="1111")
    assert locked.json()["code"] == "pin_locked"
    still = await sell(client, place, code, [(place.product_id, 2)], pin="2468")
    assert still.json()["code"] == "pin_locked"


async def test_a_malformed_pin_is_refused_as_such_and_sells_nothing(client: AsyncClient) -> None:
    place = await stocked_place(200, pin_threshold=15)
    household = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household, "2468")
    code = await card(place)
    before = await snapshot(place)
    for quantity in (1, 2):  # under the threshold, and over it
        for bad in ("12a", "1", "1234567", ""):
            refused = await sell(client, place, code, [(place.product_id, quantity)], pin=bad)
            assert (refused.status_code, refused.json()["code"]) == (422, "pin_format")
            assert refused.json()["detail"] == "PIN 必须是 4 到 6 位数字。"
    assert await snapshot(place) == before
    wrong = await sell(client, place, code, [(place.product_id, 2)], pin="1111")
    assert wrong.json()["tries_left"] == 4  # the malformed ones were not counted


async def test_scan_shows_balance_and_limits(client: AsyncClient) -> None:
    place = await stocked_place(80, daily_cap=50)
    limited = await second_product(place, limit=3)
    response = await client.post(
        f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/scan",
        json={"code": await card(place)},
        headers=place.headers(Role.shopkeeper),
    )
    assert response.status_code == 200, response.text
    customer = response.json()
    assert customer["balance"] == 80 and customer["daily_remaining"] == 50
    assert {"product_id": limited, "remaining": 3} in customer["allowances"]


async def test_settlement_sheet(client: AsyncClient) -> None:
    place = await stocked_place(100)
    code = await card(place)
    await sell(client, place, code, [(place.product_id, 2)])
    voided = (await sell(client, place, code, [(place.product_id, 1)])).json()
    await redemption_services.void(CLI_ACTOR, place.village_id, place.shop_id, voided["id"], "测试")
    now = clock.now().astimezone()
    response = await client.get(
        f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/settlement"
        f"?year={now.year}&month={now.month}",
        headers=place.headers(Role.shopkeeper),
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary == {"兑换笔数": 1, "撤销笔数": 1, "兑换积分合计": 20}
    goods = list(book["商品"].iter_rows(min_row=2, values_only=True))
    assert goods == [("洗衣粉", "袋", 2, 20)]
    donors = list(book["捐赠入库"].iter_rows(min_row=2, values_only=True))
    assert donors[0][4] == "爱心企业"


async def test_fifty_concurrent_sales_never_overspend() -> None:
    place = await stocked_place(95)
    await catalogue.restock(
        CLI_ACTOR, place.village_id, place.shop_id, place.product_id, 100, "", None
    )
    code = await card(place)

    async def attempt(n: int) -> str:
        try:
            await redemption_services.redeem(
                CLI_ACTOR,
                place.village_id,
                place.shop_id,
                code,
                [redemption_services.Line(place.product_id, 1)],
                key=f"k{n}",
            )
        except DomainError as error:
            return error.code
        return "sold"

    results = await asyncio.gather(*(attempt(n) for n in range(50)))
    assert results.count("sold") == 9
    assert set(results) == {"sold", "insufficient_points"}
    assert await snapshot(place) == (5, 111, 9)


async def test_the_sales_answer_is_its_receipt_read_back() -> None:
    """The sale fills its receipt from what it wrote, a reprint from the stored row: one record,
    and the two agree field for field; so do a void's answer and the voided sale read back."""
    place = await stocked_place(100)
    soap = await second_product(place, price=3)
    lines = [redemption_services.Line(soap, 2), redemption_services.Line(place.product_id, 1)]
    code = await card(place)
    sold = await redemption_services.redeem(
        CLI_ACTOR, place.village_id, place.shop_id, code, lines, key=unique("sale")
    )
    assert sold == await redemption_services.receipt(place.village_id, place.shop_id, sold.id)
    assert [line.product_id for line in sold.lines] == sorted([soap, place.product_id])
    voided = await redemption_services.void(
        CLI_ACTOR, place.village_id, place.shop_id, sold.id, "拿错了"
    )
    assert (voided.status, voided.void_reason, voided.balance_after_void) == (
        "voided",
        "拿错了",
        100,
    )
    assert voided == await redemption_services.receipt(place.village_id, place.shop_id, sold.id)
