"""Shops, their catalogue and stock: the writers and readers.

Invariants: stock never goes below zero (a guarded ``UPDATE … WHERE stock >= q`` here, and
``CHECK (stock >= 0)`` in the database); every change of stock has its ``StockMovement`` row,
written in the same transaction, so the log always adds up to the shelf; a shop is seen only from
the villages it serves, and a shared shop keeps one shelf per village (each ``Product`` row is
one village's allotment: a sale, restock or write-off moves that village's rows only).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from backend import clock, db
from backend.audit.services import Actor, changed_fields, record
from backend.db import write_transaction
from backend.errors import NotFound
from backend.registry.tables import Village
from backend.shop.errors import DuplicateProduct, ForeignVillage, OutOfStock
from backend.shop.tables import Product, Shop, ShopVillage, StockMovement


@dataclass(frozen=True, slots=True)
class ShopRecord:
    """A shop as seen from a village it serves: ``village_id`` is the village that owns it,
    ``villages`` every village it serves (its own included), by id."""

    id: int
    village_id: int
    name: str
    active: bool
    villages: list[int]


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """One village's allotment of a product in a shop: its price, its shelf (``stock``), the
    monthly limit per household (None: none) and whether it has a picture."""

    id: int
    shop_id: int
    name: str
    category: str
    unit: str
    price: int
    stock: int
    limit_per_period: int | None
    active: bool
    has_picture: bool


@dataclass(frozen=True, slots=True)
class StockMovementRecord:
    """One change of a shelf: ``kind`` is ``restock``, ``write_off``, ``sale`` or ``void``;
    ``quantity`` is signed, ``stock_after`` the shelf it left; ``redemption`` the sale's id."""

    id: int
    kind: str
    quantity: int
    stock_after: int
    donor: str
    value_fen: int | None
    reason: str
    redemption: int | None
    actor_name: str
    created_at: datetime


PRODUCT_FIELDS = (
    Product.id,
    Product.shop.as_alias("shop_id"),
    Product.name,
    Product.category,
    Product.unit,
    Product.price,
    Product.stock,
    Product.limit_per_period,
    Product.active,
    Product.picture,
)


def _product_out(row: dict[str, Any]) -> ProductRecord:
    """The API shows whether there is a picture, never the stored file's name."""
    return ProductRecord(has_picture=bool(row.pop("picture")), **row)


async def create_shop(
    actor: Actor, village_id: int, name: str, also_serves: list[int]
) -> ShopRecord:
    """A shop of ``village_id``, optionally shared with other villages of the same town."""
    async with write_transaction():
        town = await Village.select(Village.town).where(Village.id == village_id).first().run()
        served = sorted({village_id, *also_serves})
        same_town = (
            await Village.count()
            .where(Village.id.is_in(served) & (Village.town == (town or {}).get("town")))
            .run()
        )
        if town is None or same_town != len(served):
            raise ForeignVillage()
        row = (await Shop.insert(Shop(village=village_id, name=name)).returning(Shop.id).run())[0]
        for served_id in served:
            await ShopVillage.insert(ShopVillage(shop=row["id"], village=served_id)).run()
        await record(
            actor,
            "shop.create",
            "shop",
            row["id"],
            village_id=village_id,
            after={"name": name, "villages": served},
        )
    return await shop(village_id, row["id"])


async def shop(village_id: int, shop_id: int) -> ShopRecord:
    """A shop as seen from a village it serves; otherwise not found."""
    row = (
        await Shop.select(Shop.id, Shop.village, Shop.name, Shop.active)
        .where(
            (Shop.id == shop_id)
            & Shop.id.is_in(
                ShopVillage.select(ShopVillage.shop).where(ShopVillage.village == village_id)
            )
        )
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    villages = (
        await ShopVillage.select(ShopVillage.village)
        .where(ShopVillage.shop == shop_id)
        .order_by(ShopVillage.village)
        .run()
    )
    return ShopRecord(
        id=row["id"],
        village_id=row["village"],
        name=row["name"],
        active=row["active"],
        villages=[v["village"] for v in villages],
    )


async def shops(village_id: int) -> list[ShopRecord]:
    rows = (
        await ShopVillage.select(ShopVillage.shop)
        .where(ShopVillage.village == village_id)
        .order_by(ShopVillage.shop)
        .run()
    )
    return [await shop(village_id, r["shop"]) for r in rows]


async def add_product(
    actor: Actor, village_id: int, shop_id: int, fields: dict[str, Any]
) -> ProductRecord:
    async with write_transaction():
        await shop(village_id, shop_id)
        if (
            await Product.exists()
            .where(
                (Product.village == village_id)
                & (Product.shop == shop_id)
                & (Product.name == fields["name"])
            )
            .run()
        ):
            raise DuplicateProduct(name=fields["name"])
        row = (
            await Product.insert(Product(village=village_id, shop=shop_id, stock=0, **fields))
            .returning(Product.id)
            .run()
        )[0]
        await record(
            actor, "product.create", "product", row["id"], village_id=village_id, after=fields
        )
    return await product(village_id, shop_id, row["id"])


async def product(village_id: int, shop_id: int, product_id: int) -> ProductRecord:
    await shop(village_id, shop_id)
    row = (
        await Product.select(*PRODUCT_FIELDS)
        .where(
            (Product.id == product_id) & (Product.shop == shop_id) & (Product.village == village_id)
        )
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return _product_out(row)


async def products(
    village_id: int, shop_id: int, *, include_inactive: bool = False
) -> list[ProductRecord]:
    await shop(village_id, shop_id)
    where: Any = (Product.shop == shop_id) & (Product.village == village_id)
    if not include_inactive:
        where &= Product.active.eq(True)
    rows = (
        await Product.select(*PRODUCT_FIELDS)
        .where(where)
        .order_by(Product.category, Product.price, Product.id)
        .run()
    )
    return [_product_out(r) for r in rows]


async def picture_name(village_id: int, shop_id: int, product_id: int) -> str:
    await product(village_id, shop_id, product_id)
    row = await Product.select(Product.picture).where(Product.id == product_id).first().run()
    return str(row["picture"]) if row else ""


async def update_product(
    actor: Actor, village_id: int, shop_id: int, product_id: int, changes: dict[str, Any]
) -> ProductRecord:
    async with write_transaction():
        current = await product(village_id, shop_id, product_id)
        if (
            "name" in changes
            and changes["name"] != current.name
            and await Product.exists()
            .where(
                (Product.village == village_id)
                & (Product.shop == shop_id)
                & (Product.name == changes["name"])
            )
            .run()
        ):
            raise DuplicateProduct(name=changes["name"])
        before, after = changed_fields(asdict(current), changes)
        if after:
            await (
                Product.update({**after, Product.updated_at: clock.now()})
                .where(Product.id == product_id)
                .run()
            )
            await record(
                actor,
                "product.update",
                "product",
                product_id,
                village_id=village_id,
                before=before,
                after=after,
            )
    return await product(village_id, shop_id, product_id)


async def move_stock(
    actor: Actor,
    village_id: int,
    shop_id: int,
    product_id: int,
    quantity: int,
    kind: str,
    *,
    donor: str = "",
    value_fen: int | None = None,
    reason: str = "",
    redemption_id: int | None = None,
) -> int:
    """Change the village's stock of a product by ``quantity`` (negative takes away) and log it
    in the same village; must run inside a write
    transaction. Taking more than is on the shelf raises ``OutOfStock`` and changes nothing.
    The product's ``updated_at`` is the movement's ``created_at``, one time passed in as the sale
    does: SQLite's ``current_timestamp`` is whole seconds without a zone, unlike every other row."""
    now = clock.now()
    rows = await db.fetch(
        "UPDATE product SET stock = stock + :quantity, updated_at = :now"
        " WHERE id = :product AND village = :village AND shop = :shop AND stock + :quantity >= 0"
        " RETURNING stock, name, unit",
        quantity=quantity,
        now=now,
        product=product_id,
        village=village_id,
        shop=shop_id,
    )
    if not rows:
        current = (
            await Product.select(Product.stock, Product.name, Product.unit)
            .where(Product.id == product_id)
            .first()
            .run()
        )
        if current is None:
            raise NotFound()
        raise OutOfStock(product=current["name"], stock=current["stock"], unit=current["unit"])
    await StockMovement.insert(
        StockMovement(
            village=village_id,
            shop=shop_id,
            product=product_id,
            kind=kind,
            quantity=quantity,
            stock_after=rows[0]["stock"],
            donor=donor,
            value_fen=value_fen,
            reason=reason,
            redemption=redemption_id,
            actor=actor.user_id,
            actor_name=actor.name,
            created_at=now,
        )
    ).run()
    return int(rows[0]["stock"])


async def restock(
    actor: Actor,
    village_id: int,
    shop_id: int,
    product_id: int,
    quantity: int,
    donor: str,
    value_fen: int | None,
) -> ProductRecord:
    """Goods onto the shelf, with who gave them (爱心企业, 村集体…) and their value if known."""
    async with write_transaction():
        await product(village_id, shop_id, product_id)
        await move_stock(
            actor,
            village_id,
            shop_id,
            product_id,
            quantity,
            "restock",
            donor=donor,
            value_fen=value_fen,
        )
        await record(
            actor,
            "stock.restock",
            "product",
            product_id,
            village_id=village_id,
            after={"quantity": quantity, "donor": donor, "value_fen": value_fen},
        )
    return await product(village_id, shop_id, product_id)


async def write_off(
    actor: Actor, village_id: int, shop_id: int, product_id: int, quantity: int, reason: str
) -> ProductRecord:
    """Goods off the shelf that were not sold (spoiled, broken), with the reason."""
    async with write_transaction():
        await product(village_id, shop_id, product_id)
        await move_stock(
            actor, village_id, shop_id, product_id, -quantity, "write_off", reason=reason
        )
        await record(
            actor,
            "stock.write_off",
            "product",
            product_id,
            village_id=village_id,
            after={"quantity": quantity, "reason": reason},
        )
    return await product(village_id, shop_id, product_id)


async def movements(
    village_id: int, shop_id: int, product_id: int, *, limit: int = 100
) -> list[StockMovementRecord]:
    """The product's stock log, newest first (at most ``limit``)."""
    await product(village_id, shop_id, product_id)
    rows = (
        await StockMovement.select(
            StockMovement.id,
            StockMovement.kind,
            StockMovement.quantity,
            StockMovement.stock_after,
            StockMovement.donor,
            StockMovement.value_fen,
            StockMovement.reason,
            StockMovement.redemption,
            StockMovement.actor_name,
            StockMovement.created_at,
        )
        .where((StockMovement.village == village_id) & (StockMovement.product == product_id))
        .order_by(StockMovement.id, ascending=False)
        .limit(limit)
        .run()
    )
    return [StockMovementRecord(**row) for row in rows]
