"""The sale's statements, hand-written: what a kiosk sale reads and writes besides the ledger.

A sale is the hottest write there is, and through the query builder it was sixteen statements
and more Python than SQL. Here it is one read for everything the checks need, the sale row, the
lock on the products, and one write for stock, stock log and lines — on PostgreSQL the three
writes are one statement (data-modifying CTEs); SQLite has none, and its statements cost no
round trip, so there they run one after the other. All of it runs on the sale's transaction
(:func:`backend.db.fetch`); the invariants are those of :mod:`backend.shop.redemption`.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from backend.audit.services import Actor
from backend.db import fetch, first, is_postgres
from backend.settings import get_settings
from backend.shop.errors import OutOfStock


@dataclass(frozen=True, slots=True)
class Context:
    """What the sale's checks need, read in one statement before anything is written.

    village: ``pin_threshold`` and ``daily_cap``. earlier: the sale this idempotency key made
    (``id``, ``request_hash``, ``shop``), if any. shop: ``id`` and ``name``, None unless the shop
    serves the village. household: ``id``, ``public_id``, ``head_name``, ``number``, ``status``
    of the household the code names, None if none. card: its ``version`` and ``pin_hash``, None
    before the first issue. used: whether the phone code was spent. products: the cart's
    products on sale in this shop (``id``, ``name``, ``unit``, ``price``, ``limit_per_period``,
    ``stock``), by id.
    """

    village: dict[str, Any]
    earlier: dict[str, Any] | None
    shop: dict[str, Any] | None
    household: dict[str, Any] | None
    card: dict[str, Any] | None
    used: bool
    products: list[dict[str, Any]]


def _marks(first_number: int, count: int) -> str:
    return ", ".join(f"${n}" for n in range(first_number, first_number + count))


CONTEXT_SQL = """SELECT v.pin_threshold, v.daily_cap, r.id AS sale_id, r.request_hash,
    r.shop AS sale_shop, s.id AS shop_id, s.name AS shop_name, h.id AS household_id,
    h.public_id, h.head_name, h.number, h.status, c.version, c.pin_hash,
    EXISTS (SELECT 1 FROM used_phone_code u WHERE u.digest = $5) AS used,
    p.id AS product_id, p.name, p.unit, p.price, p.limit_per_period, p.stock
    FROM village v
    LEFT JOIN redemption r ON r.village = v.id AND r.idempotency_key = $2
    LEFT JOIN shop s ON s.id = $3 AND EXISTS (
        SELECT 1 FROM shop_village sv WHERE sv.shop = s.id AND sv.village = v.id)
    LEFT JOIN household h ON h.village = v.id AND h.public_id = $4
    LEFT JOIN card c ON c.household = h.id
    LEFT JOIN product p ON p.shop = s.id AND p.active AND p.id IN ({products})
    WHERE v.id = $1 ORDER BY p.id"""


async def context(
    village_id: int, shop_id: int, key: str, public_id: str | None, digest: str | None,
    product_ids: list[int],
) -> Context | None:
    """Everything the checks need in one round trip; None if the village does not exist."""
    rows = await fetch(CONTEXT_SQL.format(products=_marks(6, len(product_ids))),
                       village_id, key, shop_id, public_id, digest, *product_ids)
    if not rows:
        return None
    top = rows[0]
    return Context(
        village={"pin_threshold": top["pin_threshold"], "daily_cap": top["daily_cap"]},
        earlier=None if top["sale_id"] is None else {
            "id": top["sale_id"], "request_hash": top["request_hash"], "shop": top["sale_shop"]},
        shop=None if top["shop_id"] is None else {"id": top["shop_id"],
                                                  "name": top["shop_name"]},
        household=None if top["household_id"] is None else {
            "id": top["household_id"], "public_id": top["public_id"],
            "head_name": top["head_name"], "number": top["number"], "status": top["status"]},
        card=None if top["version"] is None else {"version": top["version"],
                                                  "pin_hash": top["pin_hash"]},
        used=bool(top["used"]),
        products=[
            {"id": r["product_id"], "name": r["name"], "unit": r["unit"], "price": r["price"],
             "limit_per_period": r["limit_per_period"], "stock": r["stock"]}
            for r in rows if r["product_id"] is not None
        ],
    )


RECEIPT_TRIES = 5


async def claim_key(row: dict[str, Any]) -> int | None:
    """Insert the sale row with a fresh receipt number (set in ``row``); None if a sale that
    committed meanwhile holds its idempotency key (on PostgreSQL the insert waits for a twin
    still in flight, then yields to it).

    Receipt numbers are the day and 24 random bits: short enough to read out at the counter,
    so two sales of a busy day can draw the same one (a thousand sales a day make that likely
    within weeks). The insert yields on any conflict, and only a conflict on the key is the
    key's; on the number it draws again."""
    columns = [*row, "receipt_no"]
    statement = (
        f"INSERT INTO redemption ({', '.join(columns)}) VALUES ({_marks(1, len(columns))}) "  # noqa: S608 (column names are ours)
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    day = f"{row['created_at'].astimezone(ZoneInfo(get_settings().timezone)):%Y%m%d}"
    for _try in range(RECEIPT_TRIES):
        row["receipt_no"] = f"{day}-{secrets.token_hex(3).upper()}"
        inserted = await first(statement, *row.values())
        if inserted is not None:
            return int(inserted["id"])
        if await first("SELECT id FROM redemption WHERE village = $1 AND idempotency_key = $2",
                       row["village"], row["idempotency_key"]):
            return None
    raise RuntimeError(f"no free receipt number after {RECEIPT_TRIES} draws")


async def lock_stock(products: list[dict[str, Any]], counts: Counter[int]) -> None:
    """Lock the cart's products (by id, the order every writer of stock uses) and refuse if one
    is short. On PostgreSQL this takes the row locks and reads the stock as it is now; on SQLite
    the sale's immediate transaction already excludes every other writer, so the stock read with
    the context is current."""
    stock = {p["id"]: p["stock"] for p in products}
    if is_postgres():
        locked = await fetch(
            f"SELECT id, stock FROM product WHERE id IN ({_marks(1, len(products))}) "  # noqa: S608
            "ORDER BY id FOR UPDATE", *stock)
        stock = {r["id"]: r["stock"] for r in locked}
    for product in products:
        if stock[product["id"]] < counts[product["id"]]:
            raise OutOfStock(product=product["name"], stock=stock[product["id"]],
                             unit=product["unit"])
    for product in products:
        product["stock"] = stock[product["id"]]


async def write_lines(
    actor: Actor, shop_id: int, sale_id: int, products: list[dict[str, Any]],
    counts: Counter[int], now: datetime,
) -> None:
    """Take the goods off the shelf (guarded: never below zero), log each movement and write
    the sale's lines; the products must be locked (:func:`lock_stock`)."""
    update: list[Any] = [shop_id, now]
    cases = []
    for product in products:
        update += [product["id"], counts[product["id"]]]
        cases.append(f"WHEN ${len(update) - 1} THEN CAST(${len(update)} AS INTEGER)")
    taken = f"CASE id {' '.join(cases)} END"
    ids = ", ".join(f"${n}" for n in range(3, len(update) + 1, 2))
    statements = [(
        f"UPDATE product SET stock = stock - {taken}, updated_at = $2 "  # noqa: S608
        f"WHERE shop = $1 AND id IN ({ids}) AND stock >= {taken} RETURNING id", update,
    ), _values(
        "stock_movement (shop, product, kind, quantity, stock_after, redemption, actor, "
        "actor_name, created_at)",
        [(shop_id, p["id"], "sale", -counts[p["id"]], p["stock"] - counts[p["id"]], sale_id,
          actor.user_id, actor.name, now) for p in products],
    ), _values(
        "redemption_line (redemption, product, name, unit, quantity, price, subtotal)",
        [(sale_id, p["id"], p["name"], p["unit"], counts[p["id"]], p["price"],
          p["price"] * counts[p["id"]]) for p in products],
    )]
    if is_postgres():
        moved = await first(*_chained(statements))
        taken_off = moved["moved"] if moved else 0
    else:
        taken_off = len(await fetch(statements[0][0], *statements[0][1]))
        for statement, args in statements[1:]:
            await fetch(statement, *args)
    if taken_off != len(products):  # the CHECK would refuse it too; the locks make it impossible
        raise AssertionError("stock moved under the sale's lock")


def _values(table: str, rows: list[tuple[Any, ...]]) -> tuple[str, list[Any]]:
    width = len(rows[0])
    marks = ", ".join(f"({_marks(n * width + 1, width)})" for n in range(len(rows)))
    return f"INSERT INTO {table} VALUES {marks}", [v for row in rows for v in row]  # noqa: S608


def _chained(statements: list[tuple[str, list[Any]]]) -> tuple[Any, ...]:
    """PostgreSQL: the statements as one, each a CTE, their placeholders numbered on; the
    statement counts the first one's rows."""
    parts: list[str] = []
    args: list[Any] = []
    for n, (statement, values) in enumerate(statements):
        parts.append(f"w{n} AS ({_renumbered(statement, len(args))})")
        args += values
    return (f"WITH {', '.join(parts)} SELECT count(*) AS moved FROM w0", *args)  # noqa: S608


_PLACEHOLDER = re.compile(r"[$]([0-9]+)")


def _renumbered(statement: str, offset: int) -> str:
    return _PLACEHOLDER.sub(lambda m: f"${int(m[1]) + offset}", statement)


async def taken(
    household_id: int, sale_id: int, day: datetime | None, month: datetime,
    product_ids: list[int],
) -> tuple[int, dict[int, int]]:
    """What the household spent since ``day`` (None: not asked) and took of each product since
    ``month`` in its completed sales other than ``sale_id`` (0 before a sale): the daily cap and
    the monthly limits in one statement."""
    parts: list[str] = []
    args: list[Any] = [household_id, sale_id]
    if day is not None:
        args.append(day)
        parts.append("SELECT 0 AS product, COALESCE(SUM(total), 0) AS taken "  # noqa: S608
                     "FROM redemption "
                     "WHERE household = $1 AND status = 'completed' AND id <> $2 "
                     f"AND created_at >= ${len(args)}")
    if product_ids:
        args.append(month)
        parts.append(
            "SELECT l.product, SUM(l.quantity) AS taken FROM redemption_line l "  # noqa: S608
            "JOIN redemption r ON r.id = l.redemption WHERE r.household = $1 "
            f"AND r.status = 'completed' AND r.id <> $2 AND r.created_at >= ${len(args)} "
            f"AND l.product IN ({_marks(len(args) + 1, len(product_ids))}) GROUP BY l.product"
        )
        args += product_ids
    rows = await fetch(" UNION ALL ".join(parts), *args) if parts else []
    spent = next((r["taken"] for r in rows if r["product"] == 0), 0)
    return int(spent), {r["product"]: int(r["taken"]) for r in rows if r["product"] != 0}


async def settle(sale_id: int, transfer_id: int, balance_after: int) -> None:
    """Name the ledger transfer on the sale row, with the balance it left."""
    await fetch("UPDATE redemption SET transfer = $2, balance_after = $3 WHERE id = $1",
                sale_id, transfer_id, balance_after)
