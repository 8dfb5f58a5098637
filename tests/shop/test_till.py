"""What the till needs from the server: voids that are idempotent like sales, today's sales
list, and prices checked against what the till showed."""

from __future__ import annotations

import asyncio
from typing import Any

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.ledger import services as ledger
from backend.ledger.tables import Transfer
from backend.shop import catalogue
from tests.factories import Place, stocked_place
from tests.shop.test_redemption import card, sell, snapshot


def void_url(place: Place, sale_id: int) -> str:
    return f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions/{sale_id}/void"


async def void(
    client: AsyncClient, place: Place, sale_id: int, reason: str, key: str | None
) -> Any:
    headers = place.headers(Role.shopkeeper)
    if key is not None:
        headers["Idempotency-Key"] = key
    return await client.post(void_url(place, sale_id), json={"reason": reason}, headers=headers)


async def test_fifty_identical_voids_with_one_key_make_one_reversal(client: AsyncClient) -> None:
    place = await stocked_place(100)
    sold = (await sell(client, place, await card(place), [(place.product_id, 3)])).json()
    answers = await asyncio.gather(
        *(void(client, place, sold["id"], "扫错了", "void-key-1") for _ in range(50))
    )
    assert {a.status_code for a in answers} == {200}
    bodies = [{k: v for k, v in a.json().items() if k != "replayed"} for a in answers]
    assert all(body == bodies[0] for body in bodies)
    assert sum(not a.json()["replayed"] for a in answers) == 1
    assert bodies[0]["status"] == "voided" and bodies[0]["balance_after_void"] == 100
    reversals = (
        await Transfer.count()
        .where((Transfer.village == place.village_id) & Transfer.reverses.is_not_null())
        .run()
    )
    assert reversals == 1
    assert await snapshot(place) == (100, 20, 1)

    other = await void(client, place, sold["id"], "另一个原因", "void-key-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    again = await void(client, place, sold["id"], "扫错了", "void-key-2")
    assert again.status_code == 409 and again.json()["code"] == "already_voided"
    unkeyed = await void(client, place, sold["id"], "扫错了", None)
    assert unkeyed.json()["code"] == "already_voided"
    assert await ledger.balance(place.village_id, place.households[0].id) == 100


async def sell_at(client: AsyncClient, place: Place, code: str, product: int, shown: int) -> Any:
    return await client.post(
        f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions",
        headers={**place.headers(Role.shopkeeper), "Idempotency-Key": f"priced-{shown}-{code}"},
        json={"code": code, "lines": [{"product_id": product, "quantity": 1, "price": shown}]},
    )


async def test_a_price_changed_since_the_till_showed_it_is_refused(client: AsyncClient) -> None:
    place = await stocked_place(100)
    code = await card(place)
    await catalogue.update_product(
        CLI_ACTOR, place.village_id, place.shop_id, place.product_id, {"price": 12}
    )
    before = await snapshot(place)
    refused = await sell_at(client, place, code, place.product_id, shown=10)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "price_changed" and problem["price"] == 12
    assert "12" in problem["detail"] and "价格已变" in problem["detail"]
    assert await snapshot(place) == before
    sold = await sell_at(client, place, code, place.product_id, shown=12)
    assert sold.status_code == 201 and sold.json()["total"] == 12


async def test_todays_sales_newest_first_with_items_and_who_sold(client: AsyncClient) -> None:
    place = await stocked_place(100)
    code = await card(place)
    first = (await sell(client, place, code, [(place.product_id, 1)])).json()
    second = (await sell(client, place, code, [(place.product_id, 2)])).json()
    await void(client, place, first["id"], "退货", "list-void")
    listed = await client.get(
        f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions",
        headers=place.headers(Role.shopkeeper),
    )
    assert listed.status_code == 200
    rows = listed.json()
    assert [r["id"] for r in rows] == [second["id"], first["id"]]
    assert rows[0]["items"] == [{"name": second["lines"][0]["name"], "unit": "袋", "quantity": 2}]
    assert rows[0]["head_name"] == place.households[0].head_name
    assert rows[0]["shopkeeper"] == second["shopkeeper"]
    assert (rows[0]["status"], rows[0]["voidable"]) == ("completed", True)
    assert (rows[1]["status"], rows[1]["voidable"], rows[1]["void_reason"]) == (
        "voided",
        False,
        "退货",
    )
