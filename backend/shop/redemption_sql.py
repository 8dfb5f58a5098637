"""The sale's statements, hand-written: what a kiosk sale reads and writes besides the ledger.

A sale is the hottest write there is, and through the query builder it was sixteen statements
and more Python than SQL. Here it is one read for everything the checks need and one write for
the sale row, the lock on the products, stock, stock log and lines — on PostgreSQL one statement
(data-modifying CTEs); SQLite has none, and its statements cost no round trip, so there they
run one after the other. All of it runs on the sale's transaction
(:func:`backend.db.fetch`); the invariants are those of :mod:`backend.shop.redemption_services`.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from backend.audit.services import Actor
from backend.cards.scanning import CardVersion, Holder
from backend.db import fetch, first, is_postgres
from backend.settings import get_settings
from backend.shop.errors import OutOfStock


@dataclass(frozen=True, slots=True)
class Context:
    """What the sale's checks need, read in one statement before anything is written.

    village: ``pin_threshold`` and ``daily_cap``. earlier: the sale this idempotency key made
    (``id``, ``request_hash``, ``shop``), if any. shop: ``id`` and ``name``, None unless the shop
    serves the village. household: the household the code names, None if none. card: its
    version and PIN hash, None before the first issue. used: whether the phone code was spent.
    products: the cart's products on sale in this shop (``id``, ``name``, ``unit``, ``price``,
    ``limit_per_period``, ``stock``), by id.
    """

    village: dict[str, Any]
    earlier: dict[str, Any] | None
    shop: dict[str, Any] | None
    household: Holder | None
    card: CardVersion | None
    used: bool
    products: list[dict[str, Any]]


def _marks(first_number: int, count: int) -> str:
    return ", ".join(f"${n}" for n in range(first_number, first_number + count))


CONTEXT_SQL = """SELECT v.pin_threshold, v.daily_cap, r.id AS sale_id, r.request_hash,
    r.shop AS sale_shop, s.id AS shop_id, s.name AS shop_name, h.id AS household_id,
    h.public_id, h.head_name, h.number, h.status, c.version, c.pin_hash,
    EXISTS (SELECT 1 FROM used_phone_code u WHERE u.village = v.id AND u.digest = $5) AS used,
    p.id AS product_id, p.name, p.unit, p.price, p.limit_per_period, p.stock
    FROM village v
    LEFT JOIN redemption r ON r.village = v.id AND r.idempotency_key = $2
    LEFT JOIN shop s ON s.id = $3 AND EXISTS (
        SELECT 1 FROM shop_village sv WHERE sv.shop = s.id AND sv.village = v.id)
    LEFT JOIN household h ON h.village = v.id AND h.public_id = $4
    LEFT JOIN card c ON c.household = h.id
    LEFT JOIN product p ON p.village = v.id AND p.shop = s.id AND p.active
        AND p.id IN ({products})
    WHERE v.id = $1 ORDER BY p.id"""


async def context(
    village_id: int,
    shop_id: int,
    key: str,
    public_id: str | None,
    digest: str | None,
    product_ids: list[int],
) -> Context | None:
    """Everything the checks need in one round trip; None if the village does not exist."""
    rows = await fetch(
        CONTEXT_SQL.format(products=_marks(6, len(product_ids))),
        village_id,
        key,
        shop_id,
        public_id,
        digest,
        *product_ids,
    )
    if not rows:
        return None
    top = rows[0]
    return Context(
        village={"pin_threshold": top["pin_threshold"], "daily_cap": top["daily_cap"]},
        earlier=None
        if top["sale_id"] is None
        else {"id": top["sale_id"], "request_hash": top["request_hash"], "shop": top["sale_shop"]},
        shop=None if top["shop_id"] is None else {"id": top["shop_id"], "name": top["shop_name"]},
        household=None
        if top["household_id"] is None
        else Holder(
            id=top["household_id"],
            public_id=top["public_id"],
            head_name=top["head_name"],
            number=top["number"],
            status=top["status"],
        ),
        card=None
        if top["version"] is None
        else CardVersion(version=top["version"], pin_hash=top["pin_hash"]),
        used=bool(top["used"]),
        products=[
            {
                "id": r["product_id"],
                "name": r["name"],
                "unit": r["unit"],
                "price": r["price"],
                "limit_per_period": r["limit_per_period"],
                "stock": r["stock"],
            }
            for r in rows
            if r["product_id"] is not None
        ],
    )


RECEIPT_TRIES = 5


async def sell(
    actor: Actor,
    sale: dict[str, Any],
    products: list[dict[str, Any]],
    counts: Counter[int],
) -> int | None:
    """Insert the sale row (claiming its idempotency key), take the cart off the shelf (never
    below zero), log each stock movement and write the lines; returns the sale's id, or None
    if a sale that committed meanwhile holds the key (on PostgreSQL the insert waits for a twin
    still in flight, then yields to it). Refuses with ``out_of_stock``.

    Receipt numbers are the day and 24 random bits: short enough to read out at the counter,
    so two sales of a busy day can draw the same one (a thousand sales a day make that likely
    within weeks). The insert yields on any conflict; only a conflict on the key is the key's,
    on the number it draws again."""
    day = f"{sale['created_at'].astimezone(ZoneInfo(get_settings().timezone)):%Y%m%d}"
    for _try in range(RECEIPT_TRIES):
        sale["receipt_no"] = f"{day}-{secrets.token_hex(3).upper()}"
        writer = _sell_postgres if is_postgres() else _sell_sqlite
        sale_id = await writer(actor, sale, products, counts)
        if sale_id is not None:
            return sale_id
        if await first(
            "SELECT id FROM redemption WHERE village = $1 AND idempotency_key = $2",
            sale["village"],
            sale["idempotency_key"],
        ):
            return None
    raise RuntimeError(f"no free receipt number after {RECEIPT_TRIES} draws")


def _insert_sale(sale: dict[str, Any]) -> str:
    return (
        f"INSERT INTO redemption ({', '.join(sale)}) VALUES ({_marks(1, len(sale))}) "  # noqa: S608 (column names are ours)
        "ON CONFLICT DO NOTHING RETURNING id"
    )


async def _sell_postgres(
    actor: Actor,
    sale: dict[str, Any],
    products: list[dict[str, Any]],
    counts: Counter[int],
) -> int | None:
    """One statement. The sale row is inserted first (the products' lock waits on it through
    the one-time EXISTS filter), then the products are locked in id order, all of them before
    anything moves (the outer SELECT counts ``locked`` first: a CTE runs only as far as it is
    read, and a join that finds nothing to move would leave later products unlocked until the
    lines' foreign-key checks touch them). The lock is FOR NO KEY UPDATE, the one a plain
    UPDATE of stock takes: it excludes every other writer of stock but not the FOR KEY SHARE
    of another sale's foreign-key checks, so those never wait on it. The guard compares the
    stock as locked — under READ COMMITTED the newest committed row, which may differ from the
    statement's snapshot after a void or restock committed while we waited; guarding on the
    snapshot's row skipped a shelf that had just been refilled — and CHECK (stock >= 0)
    stands behind it."""
    args: list[Any] = [*sale.values()]
    wanted = []
    for product in products:
        args += [
            product["id"],
            counts[product["id"]],
            product["name"],
            product["unit"],
            product["price"],
        ]
        n = len(args)
        wanted.append(
            f"(CAST(${n - 4} AS INTEGER), CAST(${n - 3} AS INTEGER), "
            f"CAST(${n - 2} AS TEXT), CAST(${n - 1} AS TEXT), CAST(${n} AS INTEGER))"
        )
    args += [actor.user_id, actor.name]
    shop, village, at, who, name = (
        f"${list(sale).index('shop') + 1}",
        f"${list(sale).index('village') + 1}",
        f"${list(sale).index('created_at') + 1}",
        f"${len(args) - 1}",
        f"${len(args)}",
    )
    row = await first(
        f"""WITH sale AS ({_insert_sale(sale)}),
        want (product, quantity, name, unit, price) AS (VALUES {", ".join(wanted)}),
        locked AS (SELECT id, stock FROM product WHERE village = {village} AND shop = {shop}
            AND id IN (SELECT product FROM want) AND EXISTS (SELECT 1 FROM sale)
            ORDER BY id FOR NO KEY UPDATE),
        moved AS (UPDATE product p SET stock = l.stock - w.quantity, updated_at = {at}
            FROM want w, locked l WHERE p.id = w.product AND l.id = w.product
            AND l.stock >= w.quantity RETURNING p.id, p.stock, w.quantity),
        logged AS (INSERT INTO stock_movement (village, shop, product, kind, quantity,
                stock_after, redemption, actor, actor_name, created_at)
            SELECT CAST({village} AS INTEGER), CAST({shop} AS INTEGER), m.id, 'sale',
                -m.quantity, m.stock, s.id, CAST({who} AS INTEGER), CAST({name} AS TEXT),
                CAST({at} AS TIMESTAMPTZ)
            FROM moved m, sale s),
        lined AS (INSERT INTO redemption_line (village, redemption, product, name, unit,
                quantity, price, subtotal)
            SELECT CAST({village} AS INTEGER), s.id, w.product, w.name, w.unit, w.quantity,
                w.price, w.price * w.quantity
            FROM want w, sale s)
        SELECT (SELECT id FROM sale) AS sale_id, (SELECT count(*) FROM locked) AS locked,
            (SELECT count(*) FROM moved) AS moved,
            (SELECT json_agg(json_build_array(id, stock)) FROM locked) AS stock""",  # noqa: S608
        *args,
    )
    assert row is not None
    if row["sale_id"] is None:
        return None
    if row["moved"] != len(products):  # the transaction rolls back: nothing was sold
        raw = row["stock"] or "[]"
        stock = {int(i): int(n) for i, n in (json.loads(raw) if isinstance(raw, str) else raw)}
        _refuse_short(products, counts, stock)
        raise StockRaced()
    return int(row["sale_id"])


class StockRaced(Exception):
    """The guarded update moved less than the locked shelf holds: a statement that landed in
    neither branch. Not expected since the guard reads the locked row; if it happens the sale
    rolls back and is tried again rather than answering 500."""


def _refuse_short(
    products: list[dict[str, Any]], counts: Counter[int], stock: dict[int, int]
) -> None:
    for product in products:
        if stock.get(product["id"], 0) < counts[product["id"]]:
            raise OutOfStock(
                product=product["name"], stock=stock.get(product["id"], 0), unit=product["unit"]
            )


async def _sell_sqlite(
    actor: Actor,
    sale: dict[str, Any],
    products: list[dict[str, Any]],
    counts: Counter[int],
) -> int | None:
    """Four statements, each without a round trip. The immediate transaction excludes every
    other writer, so the stock read with the context is the stock now; the UPDATE is guarded
    all the same, and CHECK (stock >= 0) stands behind it."""
    _refuse_short(products, counts, {p["id"]: p["stock"] for p in products})
    inserted = await first(_insert_sale(sale), *sale.values())
    if inserted is None:
        return None
    sale_id, at = int(inserted["id"]), sale["created_at"]
    update: list[Any] = [sale["shop"], at, sale["village"]]
    cases = []
    for product in products:
        update += [product["id"], counts[product["id"]]]
        cases.append(f"WHEN ${len(update) - 1} THEN ${len(update)}")
    taken = f"CASE id {' '.join(cases)} END"
    ids = ", ".join(f"${n}" for n in range(4, len(update) + 1, 2))
    moved = await fetch(
        f"UPDATE product SET stock = stock - {taken}, updated_at = $2 "  # noqa: S608
        f"WHERE village = $3 AND shop = $1 AND id IN ({ids}) AND stock >= {taken} "
        "RETURNING id",
        *update,
    )
    if len(moved) != len(products):
        raise AssertionError("stock moved under the sale's write lock")
    for statement, args in (
        _values(
            "stock_movement (village, shop, product, kind, quantity, stock_after, redemption, "
            "actor, actor_name, created_at)",
            [
                (
                    sale["village"],
                    sale["shop"],
                    p["id"],
                    "sale",
                    -counts[p["id"]],
                    p["stock"] - counts[p["id"]],
                    sale_id,
                    actor.user_id,
                    actor.name,
                    at,
                )
                for p in products
            ],
        ),
        _values(
            "redemption_line (village, redemption, product, name, unit, quantity, price, subtotal)",
            [
                (
                    sale["village"],
                    sale_id,
                    p["id"],
                    p["name"],
                    p["unit"],
                    counts[p["id"]],
                    p["price"],
                    p["price"] * counts[p["id"]],
                )
                for p in products
            ],
        ),
    ):
        await fetch(statement, *args)
    return sale_id


def _values(table: str, rows: list[tuple[Any, ...]]) -> tuple[str, list[Any]]:
    width = len(rows[0])
    marks = ", ".join(f"({_marks(n * width + 1, width)})" for n in range(len(rows)))
    return f"INSERT INTO {table} VALUES {marks}", [v for row in rows for v in row]  # noqa: S608


async def taken(
    household_id: int,
    sale_id: int,
    day: datetime | None,
    month: datetime,
    product_ids: list[int],
) -> tuple[int, dict[int, int]]:
    """What the household spent since ``day`` (None: not asked) and took of each product since
    ``month`` in its completed sales other than ``sale_id`` (0 before a sale): the daily cap and
    the monthly limits in one statement."""
    parts: list[str] = []
    args: list[Any] = [household_id, sale_id]
    if day is not None:
        args.append(day)
        parts.append(
            "SELECT 0 AS product, COALESCE(SUM(total), 0) AS taken "  # noqa: S608
            "FROM redemption "
            "WHERE household = $1 AND status = 'completed' AND id <> $2 "
            f"AND created_at >= ${len(args)}"
        )
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
    await fetch(
        "UPDATE redemption SET transfer = $2, balance_after = $3 WHERE id = $1",
        sale_id,
        transfer_id,
        balance_after,
    )
