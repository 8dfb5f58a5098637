"""A household without a PIN does not pay by card (or phone code) above the PIN threshold
(issue 15, finding 4): the till refuses with ``pin_not_set_for_sale`` and nothing is sold;
at or below the threshold the sale goes through as before."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing, phone_codes, pin_changes
from backend.errors import DomainError
from backend.ledger import services as ledger
from backend.registry.tables import DEFAULT_PIN_THRESHOLD
from backend.shop import redemption_services
from backend.shop.tables import Redemption
from tests.factories import Place, stocked_place, unique


async def _code(place: Place, kind: str) -> str:
    household = place.households[0].id
    if kind == "card":
        return await issuing.card_payload(place.village_id, household)
    return (await phone_codes.phone_code(place.village_id, household))[0]


@pytest.mark.parametrize("kind", ["card", "phone"])
async def test_no_pin_no_sale_above_the_threshold(kind: str) -> None:
    place = await stocked_place(100, pin_threshold=DEFAULT_PIN_THRESHOLD)  # PIN above 20
    household = place.households[0].id
    for pin in (None, "1234"):  # a PIN typed for a household that has none does not help
        with pytest.raises(DomainError) as refused:
            await redemption_services.redeem(
                CLI_ACTOR,
                place.village_id,
                place.shop_id,
                await _code(place, kind),
                [redemption_services.Line(place.product_id, 3)],
                key=unique("k"),
                pin=pin,
            )
        assert refused.value.code == "pin_not_set_for_sale"
        assert refused.value.status == 409
        assert "该户还没有设置 PIN" in refused.value.message("zh-CN")
        assert "no PIN" in refused.value.message("en")
    assert await ledger.balance(place.village_id, household) == 100
    assert await Redemption.count().where(Redemption.village == place.village_id).run() == 0

    sold = await redemption_services.redeem(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        await _code(place, kind),
        [redemption_services.Line(place.product_id, 2)],
        key=unique("k"),
    )
    assert sold.total == 20 and sold.balance_after == 80  # at the threshold: no PIN asked


async def test_the_till_is_told_in_words(client: AsyncClient) -> None:
    place = await stocked_place(100, pin_threshold=DEFAULT_PIN_THRESHOLD)
    code = await issuing.card_payload(place.village_id, place.households[0].id)
    url = f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}"
    shopkeeper = place.headers(Role.shopkeeper)
    scanned = (await client.post(f"{url}/scan", json={"code": code}, headers=shopkeeper)).json()
    assert scanned["pin_needed_above"] is None  # no PIN to ask for: the till shows no PIN box
    refused = await client.post(
        f"{url}/redemptions",
        headers={**shopkeeper, "Idempotency-Key": unique("k")},
        json={"code": code, "lines": [{"product_id": place.product_id, "quantity": 3}]},
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "pin_not_set_for_sale"
    assert "请到村委会设置" in refused.json()["detail"]
    assert await ledger.balance(place.village_id, place.households[0].id) == 100


async def test_a_pin_set_later_opens_the_larger_sale() -> None:
    place = await stocked_place(100, pin_threshold=DEFAULT_PIN_THRESHOLD)
    household = place.households[0].id
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household, "7391")
    code = await issuing.card_payload(place.village_id, household)
    sold = await redemption_services.redeem(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        code,
        [redemption_services.Line(place.product_id, 3)],
        key=unique("k"),
        pin="7391",
    )
    assert sold.balance_after == 70
