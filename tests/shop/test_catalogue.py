"""The catalogue and the stock log: restock with donors, write-offs, the stock floor, pictures."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime

import asyncpg
import pytest
from httpx import AsyncClient
from PIL import Image

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.db import fetch, write_transaction
from backend.errors import NotFound
from backend.shop import catalogue, redemption_services
from backend.shop.errors import DuplicateProduct
from backend.shop.tables import Product, StockMovement
from tests.factories import Place, World, add_sale, make_place, make_town, stocked_place


def products_url(place: Place, rest: str = "") -> str:
    return f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/products{rest}"


async def _stamped_after(place: Place, earlier: datetime) -> datetime:
    """The product's updated_at, checked against its last stock movement and the time before."""
    product = (
        await Product.select(Product.updated_at).where(Product.id == place.product_id).first().run()
    )
    movement = (
        await StockMovement.select(StockMovement.created_at)
        .where(StockMovement.product == place.product_id)
        .order_by(StockMovement.id, ascending=False)
        .first()
        .run()
    )
    assert product is not None and movement is not None
    updated: datetime = product["updated_at"]
    assert updated.utcoffset() is not None
    assert updated == movement["created_at"] and updated > earlier
    return updated


async def test_every_stock_movement_stamps_the_product_with_its_own_time() -> None:
    """Restock, void and write-off stamp the product as a sale does: an aware time to the
    microsecond, the movement's own (SQLite's current_timestamp was whole seconds, no zone)."""
    place = await make_place((await make_town()).id, with_users=False)
    sale_id = await add_sale(place)
    sold = await _stamped_after(place, datetime.min.replace(tzinfo=UTC))
    await catalogue.restock(
        CLI_ACTOR, place.village_id, place.shop_id, place.product_id, 3, "村集体", None
    )
    restocked = await _stamped_after(place, sold)
    await redemption_services.void(
        CLI_ACTOR, place.village_id, place.shop_id, sale_id, "顾客拿错了"
    )
    voided = await _stamped_after(place, restocked)
    await catalogue.write_off(
        CLI_ACTOR, place.village_id, place.shop_id, place.product_id, 1, "包装破损"
    )
    await _stamped_after(place, voided)


async def test_shopkeeper_adds_restocks_and_writes_off(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    headers = place.headers(Role.shopkeeper)
    created = await client.post(
        products_url(place),
        headers=headers,
        json={
            "name": "食用油 5L",
            "price": 120,
            "unit": "桶",
            "category": "粮油",
            "limit_per_period": 1,
        },
    )
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]
    assert created.json()["stock"] == 0

    restocked = await client.post(
        products_url(place, f"/{product_id}/restock"),
        headers=headers,
        json={"quantity": 12, "donor": "县爱心企业", "value_yuan": 899.5},
    )
    assert restocked.json()["stock"] == 12

    too_many = await client.post(
        products_url(place, f"/{product_id}/write-off"),
        headers=headers,
        json={"quantity": 13, "reason": "过期"},
    )
    assert too_many.status_code == 409
    assert too_many.json()["code"] == "out_of_stock"
    assert "只剩 12桶" in too_many.json()["detail"]

    written_off = await client.post(
        products_url(place, f"/{product_id}/write-off"),
        headers=headers,
        json={"quantity": 2, "reason": "包装破损"},
    )
    assert written_off.json()["stock"] == 10

    log = (
        await client.get(products_url(place, f"/{product_id}/movements"), headers=headers)
    ).json()
    assert [(m["kind"], m["quantity"], m["stock_after"]) for m in log] == [
        ("write_off", -2, 10),
        ("restock", 12, 12),
    ]
    assert log[1]["donor"] == "县爱心企业" and log[1]["value_fen"] == 89950


async def test_stock_never_goes_below_zero_even_by_the_service(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    before = await catalogue.product(place.village_id, place.shop_id, place.product_id)
    from backend.audit.services import CLI_ACTOR
    from backend.shop.errors import OutOfStock

    try:
        await catalogue.write_off(
            CLI_ACTOR,
            place.village_id,
            place.shop_id,
            place.product_id,
            before.stock + 1,
            "test",
        )
    except OutOfStock:
        pass
    else:
        raise AssertionError("write-off beyond stock was accepted")
    after = await catalogue.product(place.village_id, place.shop_id, place.product_id)
    assert after.stock == before.stock
    assert len(await catalogue.movements(place.village_id, place.shop_id, place.product_id)) == 1


async def test_a_shopkeeper_runs_only_their_own_shop(client: AsyncClient, world: World) -> None:
    other_shop = await client.post(
        f"/api/v1/villages/{world.a.village_id}/shops",
        json={"name": "二号超市"},
        headers=world.a.headers(Role.committee),
    )
    assert other_shop.status_code == 201
    response = await client.post(
        f"/api/v1/villages/{world.a.village_id}/shops/{other_shop.json()['id']}/products",
        json={"name": "毛巾", "price": 5},
        headers=world.a.headers(Role.shopkeeper),
    )
    assert response.status_code == 404


async def test_a_shop_is_shared_only_within_the_town(client: AsyncClient, world: World) -> None:
    headers = world.a.headers(Role.committee)
    shared = await client.post(
        f"/api/v1/villages/{world.a.village_id}/shops",
        headers=headers,
        json={"name": "联村超市", "also_serves": [world.b.village_id]},
    )
    assert shared.status_code == 201
    assert shared.json()["villages"] == sorted([world.a.village_id, world.b.village_id])
    seen_from_b = await client.get(
        f"/api/v1/villages/{world.b.village_id}/shops", headers=world.b.headers(Role.villager)
    )
    assert shared.json()["id"] in [s["id"] for s in seen_from_b.json()]
    foreign = await client.post(
        f"/api/v1/villages/{world.a.village_id}/shops",
        headers=headers,
        json={"name": "跨镇超市", "also_serves": [world.elsewhere.village_id]},
    )
    assert foreign.status_code == 422 and foreign.json()["code"] == "foreign_village"


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (1200, 900), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


async def test_pictures_are_checked_stripped_and_thumbnailed(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    headers = place.headers(Role.shopkeeper)
    target = products_url(place, f"/{place.product_id}/picture")
    upload = await client.post(
        target, headers=headers, files={"data": ("soap.jpg", photo_with_gps(), "image/jpeg")}
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["has_picture"] is True
    thumb = await client.get(target, headers=place.headers(Role.villager))
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert max(image.size) <= 240
        assert not image.getexif()
    full = await client.get(target + "?thumbnail=false", headers=headers)
    with Image.open(io.BytesIO(full.content)) as image:
        assert max(image.size) == 800
        assert not image.getexif()

    fake = await client.post(
        target, headers=headers, files={"data": ("soap.jpg", b"not a picture at all", "image/jpeg")}
    )
    assert fake.status_code == 422 and fake.json()["code"] == "bad_picture"


async def test_a_shared_shop_keeps_one_shelf_per_village() -> None:
    """docs/scaling.md "The shared shop": each village it serves has its own allotment of a
    good, so a sale, a restock or a write-off moves that village's rows only."""
    town = (await make_town()).id
    a, b = await make_place(town, with_users=False), await make_place(town, with_users=False)
    shared = await catalogue.create_shop(CLI_ACTOR, a.village_id, "联村超市", [b.village_id])
    soap_a = await catalogue.add_product(
        CLI_ACTOR, a.village_id, shared.id, {"name": "肥皂", "price": 3}
    )
    await catalogue.restock(CLI_ACTOR, a.village_id, shared.id, soap_a.id, 5, "爱心企业", None)
    assert await catalogue.products(b.village_id, shared.id) == []
    with pytest.raises(NotFound):
        await catalogue.product(b.village_id, shared.id, soap_a.id)
    soap_b = await catalogue.add_product(
        CLI_ACTOR, b.village_id, shared.id, {"name": "肥皂", "price": 3}
    )
    await catalogue.restock(CLI_ACTOR, b.village_id, shared.id, soap_b.id, 2, "村集体", None)
    with pytest.raises(DuplicateProduct):
        await catalogue.add_product(
            CLI_ACTOR, b.village_id, shared.id, {"name": "肥皂", "price": 4}
        )
    shelves = {
        p["village"]: p["stock"]
        for p in await Product.select(Product.village, Product.stock)
        .where(Product.shop == shared.id)
        .run()
    }
    assert shelves == {a.village_id: 5, b.village_id: 2}
    logged = (
        await StockMovement.select(StockMovement.village, StockMovement.quantity)
        .where(StockMovement.shop == shared.id)
        .order_by(StockMovement.id)
        .run()
    )
    assert logged == [
        {"village": a.village_id, "quantity": 5},
        {"village": b.village_id, "quantity": 2},
    ]


@pytest.mark.parametrize("change", ["DELETE FROM product", "UPDATE product SET id = id + 1000"])
async def test_a_sold_product_keeps_its_history(change: str) -> None:
    """A sale's lines and stock log name their product; the product cannot vanish under them
    (on PostgreSQL a trigger keeps this since the sale stopped checking those keys row by row,
    migration shop_2026_12_01t20_50_00; on SQLite the foreign keys)."""
    place = await stocked_place(10)
    await add_sale(place)
    with pytest.raises((asyncpg.ForeignKeyViolationError, sqlite3.IntegrityError)):
        async with write_transaction():
            await fetch(f"{change} WHERE id = :id", id=place.product_id)
    assert await catalogue.product(place.village_id, place.shop_id, place.product_id)
