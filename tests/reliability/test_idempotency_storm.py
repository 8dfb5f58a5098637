"""The idempotency storm: 100 identical requests at once → one effect and 100 identical answers;
the same key with another body → 422; twins in flight wait for the first, never a second effect.
"""

from __future__ import annotations

import asyncio

from httpx import AsyncClient

from backend.auth.principal import Role
from backend.cards import issuing
from backend.ledger import services as ledger
from backend.shop.tables import Redemption
from tests.factories import make_place, make_town, stocked_place


async def test_a_hundred_identical_sales_make_one_sale(client: AsyncClient) -> None:
    place = await stocked_place(100)
    household = place.households[0].id
    code = await issuing.card_payload(place.village_id, household)
    url = f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions"
    headers = {**place.headers(Role.shopkeeper), "Idempotency-Key": "storm-sale-1"}
    body = {"code": code, "lines": [{"product_id": place.product_id, "quantity": 3}]}

    answers = await asyncio.gather(
        *(client.post(url, json=body, headers=headers) for _ in range(100))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert len({a.json()["receipt_no"] for a in answers}) == 1
    assert await Redemption.count().where(Redemption.village == place.village_id).run() == 1
    assert await ledger.balance(place.village_id, household) == 70

    other = await client.post(
        url,
        headers=headers,
        json={**body, "lines": [{"product_id": place.product_id, "quantity": 1}]},
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert await ledger.balance(place.village_id, household) == 70


async def test_a_hundred_identical_adjustments_make_one_transfer(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    household = place.households[1].id
    url = f"/api/v1/villages/{place.village_id}/households/{household}/adjustments"
    headers = {**place.headers(Role.committee), "Idempotency-Key": "storm-adjust-1"}
    body = {"amount": 7, "reason": "补录上月志愿服务"}
    answers = await asyncio.gather(
        *(client.post(url, json=body, headers=headers) for _ in range(100))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert await ledger.balance(place.village_id, household) == 7
    _lines, total = await ledger.statement(place.village_id, household)
    assert total == 1
