"""The sale's statements, hand-written: what a kiosk sale reads and writes besides the ledger.

A sale is the hottest write there is, and through the query builder it was sixteen statements
and more Python than SQL. Here it is one read for everything the checks need, one write taking
the cart off the shelf (the lock on the products and their stock) and, once the ledger has the
transfer, one write for the sale row with its lines and stock log — on PostgreSQL each one
statement (data-modifying CTEs) whose text is the same for every cart; SQLite has none, and its
statements cost no round trip, so there they run one after the other. All of it runs on the
sale's transaction (:func:`backend.db.fetch`); the invariants are those of
:mod:`backend.shop.redemption_services`.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from backend.cards.scanning import CardVersion, Holder
from backend.db import Array, fetch, first, is_postgres, values
from backend.settings import get_settings
from backend.shop.errors import OutOfStock


@dataclass(frozen=True, slots=True)
class Rules:
    """The village's rules for a sale: the amount above which the PIN is needed and the daily
    cap (0 or None: none)."""

    pin_threshold: int | None
    daily_cap: int | None


@dataclass(frozen=True, slots=True)
class Earlier:
    """The sale an idempotency key already made: a retry is answered with its receipt."""

    id: int
    request_hash: str
    shop: int


@dataclass(frozen=True, slots=True)
class ShopName:
    """The shop, when it serves the sale's village."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Product:
    """A product of the cart on sale in this shop, as the context read it."""

    id: int
    name: str
    unit: str
    price: int
    limit_per_period: int | None
    stock: int


@dataclass(frozen=True, slots=True)
class Context:
    """What the sale's checks need, read in one statement before anything is written.

    earlier: the sale this idempotency key made, if any. shop: None unless the shop serves the
    village. household: the household the code names, None if none; card: its version and PIN
    hash, None before the first issue — both what :func:`backend.cards.scanning.accept` judges.
    used: whether the phone code was spent. products: the cart's products on sale in this shop,
    by id.
    """

    village: Rules
    earlier: Earlier | None
    shop: ShopName | None
    household: Holder | None
    card: CardVersion | None
    used: bool
    products: list[Product]


@dataclass(frozen=True, slots=True)
class Sale:
    """The sale row's columns as the sale writes them (the receipt number is drawn on write)."""

    village: int
    shop: int
    household: int
    total: int
    code_kind: str
    idempotency_key: str
    request_hash: str
    actor: int | None
    actor_name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Taken:
    """The cart taken off the shelf: the sale's id (drawn before its row is written, so that
    the row is written once, transfer and all) and each product's stock after the sale."""

    sale_id: int
    stock_after: dict[int, int]


CONTEXT_SQL = """SELECT v.pin_threshold, v.daily_cap, r.id AS sale_id, r.request_hash,
    r.shop AS sale_shop, s.id AS shop_id, s.name AS shop_name, h.id AS household_id,
    h.public_id, h.head_name, h.number, h.status, c.version, c.pin_hash,
    EXISTS (SELECT 1 FROM used_phone_code u WHERE u.village = v.id AND u.digest = :digest) AS used,
    p.id AS product_id, p.name, p.unit, p.price, p.limit_per_period, p.stock
    FROM village v
    LEFT JOIN redemption r ON r.village = v.id AND r.idempotency_key = :key
    LEFT JOIN shop s ON s.id = :shop AND EXISTS (
        SELECT 1 FROM shop_village sv WHERE sv.shop = s.id AND sv.village = v.id)
    LEFT JOIN household h ON h.village = v.id AND h.public_id = :public_id
    LEFT JOIN card c ON c.household = h.id
    LEFT JOIN product p ON p.village = v.id AND p.shop = s.id AND p.active
        AND p.id IN ({products})
    WHERE v.id = :village ORDER BY p.id"""
# PostgreSQL: one text whatever the cart, so the prepared statement is planned once per
# connection (a text per cart size was planned afresh on almost every sale).
CONTEXT_PG_SQL = CONTEXT_SQL.format(products="SELECT unnest(CAST(:products AS INTEGER[]))")
CONTEXT_SQLITE_SQL = CONTEXT_SQL.format(products=":products")


async def context(
    village_id: int,
    shop_id: int,
    key: str,
    public_id: str | None,
    digest: str | None,
    product_ids: list[int],
) -> Context | None:
    """Everything the checks need in one round trip; None if the village does not exist."""
    head = {
        "village": village_id,
        "key": key,
        "shop": shop_id,
        "public_id": public_id,
        "digest": digest,
    }
    rows = await (
        fetch(CONTEXT_PG_SQL, **head, products=Array(product_ids))
        if is_postgres()
        else fetch(CONTEXT_SQLITE_SQL, **head, products=product_ids)
    )
    if not rows:
        return None
    top = rows[0]
    return Context(
        village=Rules(top["pin_threshold"], top["daily_cap"]),
        earlier=None
        if top["sale_id"] is None
        else Earlier(top["sale_id"], top["request_hash"], top["sale_shop"]),
        shop=None if top["shop_id"] is None else ShopName(top["shop_id"], top["shop_name"]),
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
            Product(
                r["product_id"], r["name"], r["unit"], r["price"], r["limit_per_period"], r["stock"]
            )
            for r in rows
            if r["product_id"] is not None
        ],
    )


async def take(sale: Sale, products: list[Product], counts: Counter[int]) -> Taken:
    """Take the cart off the shelf (never below zero) and draw the sale's id; refuses with
    ``out_of_stock``. Nothing names the sale yet: :func:`record` writes its row, lines and
    stock log once the ledger has the transfer."""
    writer = _take_postgres if is_postgres() else _take_sqlite
    return await writer(sale, products, counts)


TAKE_PG_SQL = """WITH want (product, quantity) AS (
        SELECT * FROM unnest(CAST(:products AS INTEGER[]), CAST(:quantities AS INTEGER[]))),
    locked AS (SELECT id, stock FROM product WHERE village = :village AND shop = :shop
        AND id = ANY(CAST(:products AS INTEGER[])) ORDER BY id FOR NO KEY UPDATE),
    moved AS (UPDATE product p SET stock = l.stock - w.quantity, updated_at = :updated_at
        FROM want w, locked l WHERE p.id = w.product AND l.id = w.product
        AND l.stock >= w.quantity RETURNING p.id, p.stock)
    SELECT (SELECT count(*) FROM locked) AS locked,
        (SELECT array_agg(id) FROM locked) AS locked_ids,
        (SELECT array_agg(stock) FROM locked) AS locked_stock,
        (SELECT array_agg(id) FROM moved) AS moved_ids,
        (SELECT array_agg(stock) FROM moved) AS moved_stock,
        nextval(pg_get_serial_sequence('redemption', 'id')) AS sale_id"""


async def _take_postgres(sale: Sale, products: list[Product], counts: Counter[int]) -> Taken:
    """One statement. The products are locked in id order, all of them before anything moves
    (the outer SELECT counts ``locked`` first: a CTE runs only as far as it is read, and a join
    that finds nothing to move would leave later products unlocked). The lock is FOR NO KEY
    UPDATE, the one a plain UPDATE of stock takes: it excludes every other writer of stock but
    not the FOR KEY SHARE of another sale's foreign-key checks, so those never wait on it. The
    guard compares the stock as locked — under READ COMMITTED the newest committed row, which
    may differ from the statement's snapshot after a void or restock committed while we
    waited; guarding on the snapshot's row skipped a shelf that had just been refilled — and
    CHECK (stock >= 0) stands behind it. One text for every cart (arrays), planned once."""
    ids = [p.id for p in products]
    row = await first(
        TAKE_PG_SQL,
        village=sale.village,
        shop=sale.shop,
        products=Array(ids),
        quantities=Array([counts[i] for i in ids]),
        updated_at=sale.created_at,
    )
    assert row is not None
    moved = dict(zip(row["moved_ids"] or [], row["moved_stock"] or [], strict=True))
    if len(moved) != len(products):  # the transaction rolls back: nothing was sold
        locked = zip(row["locked_ids"] or [], row["locked_stock"] or [], strict=True)
        _refuse_short(products, counts, dict(locked))
        raise StockRaced()
    return Taken(int(row["sale_id"]), moved)


async def _take_sqlite(sale: Sale, products: list[Product], counts: Counter[int]) -> Taken:
    """Two statements, each without a round trip. The immediate transaction excludes every
    other writer, so the stock read with the context is the stock now, and the next id is the
    one after the largest (sales are never deleted); the UPDATE is guarded all the same, and
    CHECK (stock >= 0) stands behind it."""
    _refuse_short(products, counts, {p.id: p.stock for p in products})
    update: dict[str, Any] = {
        "shop": sale.shop,
        "updated_at": sale.created_at,
        "village": sale.village,
    }
    cases = []
    for n, product in enumerate(products):
        update |= {f"product_{n}": product.id, f"quantity_{n}": counts[product.id]}
        cases.append(f"WHEN :product_{n} THEN :quantity_{n}")
    taken = f"CASE id {' '.join(cases)} END"
    ids = ", ".join(f":product_{n}" for n in range(len(products)))
    moved = await fetch(
        f"UPDATE product SET stock = stock - {taken}, updated_at = :updated_at "  # noqa: S608
        f"WHERE village = :village AND shop = :shop AND id IN ({ids}) AND stock >= {taken} "
        "RETURNING id",
        **update,
    )
    if len(moved) != len(products):
        raise AssertionError("stock moved under the sale's write lock")
    after = await first("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM redemption")
    assert after is not None
    return Taken(int(after["id"]), {p.id: p.stock - counts[p.id] for p in products})


class StockRaced(Exception):
    """The guarded update moved less than the locked shelf holds: a statement that landed in
    neither branch. Not expected since the guard reads the locked row; if it happens the sale
    rolls back and is tried again rather than answering 500."""


def _refuse_short(products: list[Product], counts: Counter[int], stock: dict[int, int]) -> None:
    for product in products:
        if stock.get(product.id, 0) < counts[product.id]:
            left = stock.get(product.id, 0)
            raise OutOfStock(product=product.name, stock=left, unit=product.unit)


RECEIPT_TRIES = 5
SALE_COLUMNS = (
    "id",
    "village",
    "shop",
    "household",
    "total",
    "code_kind",
    "idempotency_key",
    "request_hash",
    "actor",
    "actor_name",
    "created_at",
    "receipt_no",
    "transfer",
    "balance_after",
)
INSERT_SALE_SQL = (
    f"INSERT INTO redemption ({', '.join(SALE_COLUMNS)}) "  # noqa: S608 (constants)
    f"VALUES ({', '.join(f':{column}' for column in SALE_COLUMNS)}) "
    "ON CONFLICT DO NOTHING RETURNING id"
)
RECORD_PG_SQL = f"""WITH sale AS ({INSERT_SALE_SQL}),
    cart (product, quantity, name, unit, price, stock_after) AS (
        SELECT * FROM unnest(CAST(:products AS INTEGER[]), CAST(:quantities AS INTEGER[]),
            CAST(:names AS TEXT[]), CAST(:units AS TEXT[]), CAST(:prices AS INTEGER[]),
            CAST(:stock_after AS INTEGER[]))),
    logged AS (INSERT INTO stock_movement (village, shop, product, kind, quantity,
            stock_after, redemption, actor, actor_name, created_at)
        SELECT CAST(:village AS INTEGER), CAST(:shop AS INTEGER), c.product, 'sale',
            -c.quantity, c.stock_after, s.id, CAST(:actor AS INTEGER), CAST(:actor_name AS TEXT),
            CAST(:created_at AS TIMESTAMPTZ)
        FROM cart c, sale s),
    lined AS (INSERT INTO redemption_line (village, redemption, product, name, unit,
            quantity, price, subtotal)
        SELECT CAST(:village AS INTEGER), s.id, c.product, c.name, c.unit, c.quantity, c.price,
            c.price * c.quantity
        FROM cart c, sale s)
    SELECT id FROM sale"""  # noqa: S608 (constants)


async def record(
    sale: Sale,
    taken: Taken,
    products: list[Product],
    counts: Counter[int],
    transfer_id: int,
    balance_after: int,
) -> str | None:
    """Write the sale row — once, with its transfer and the balance it left, since an UPDATE of
    a row its own transaction inserted checks every foreign key again — with its lines and its
    stock log; returns the receipt number, or None if a sale that committed meanwhile holds the
    key (the caller rolls back and answers with that sale).

    Receipt numbers are the day and 24 random bits: short enough to read out at the counter,
    so two sales of a busy day can draw the same one (a thousand sales a day make that likely
    within weeks). The insert yields on any conflict; only a conflict on the key is the key's,
    on the number it draws again."""
    day = f"{sale.created_at.astimezone(ZoneInfo(get_settings().timezone)):%Y%m%d}"
    columns = {name: getattr(sale, name) for name in Sale.__slots__}
    columns |= {"id": taken.sale_id, "transfer": transfer_id, "balance_after": balance_after}
    writer = _record_postgres if is_postgres() else _record_sqlite
    for _try in range(RECEIPT_TRIES):
        receipt_no = f"{day}-{secrets.token_hex(3).upper()}"
        row = columns | {"receipt_no": receipt_no}
        if await writer(sale, taken, products, counts, row):
            return receipt_no
        if await first(
            "SELECT id FROM redemption WHERE village = :village AND idempotency_key = :key",
            village=sale.village,
            key=sale.idempotency_key,
        ):
            return None
    raise RuntimeError(f"no free receipt number after {RECEIPT_TRIES} draws")


async def _record_postgres(
    sale: Sale, taken: Taken, products: list[Product], counts: Counter[int], row: dict[str, Any]
) -> bool:
    """One statement, one text for every cart (arrays); the lines and the log are written only
    if the sale row was."""
    written = await first(
        RECORD_PG_SQL,
        **row,
        products=Array([p.id for p in products]),
        quantities=Array([counts[p.id] for p in products]),
        names=Array([p.name for p in products]),
        units=Array([p.unit for p in products]),
        prices=Array([p.price for p in products]),
        stock_after=Array([taken.stock_after[p.id] for p in products]),
    )
    return written is not None


async def _record_sqlite(
    sale: Sale, taken: Taken, products: list[Product], counts: Counter[int], row: dict[str, Any]
) -> bool:
    """Three statements, each without a round trip."""
    if await first(INSERT_SALE_SQL, **row) is None:
        return False
    for statement, params in (
        _insert(
            "stock_movement",
            (
                "village",
                "shop",
                "product",
                "kind",
                "quantity",
                "stock_after",
                "redemption",
                "actor",
                "actor_name",
                "created_at",
            ),
            [
                (
                    sale.village,
                    sale.shop,
                    p.id,
                    "sale",
                    -counts[p.id],
                    taken.stock_after[p.id],
                    taken.sale_id,
                    sale.actor,
                    sale.actor_name,
                    sale.created_at,
                )
                for p in products
            ],
        ),
        _insert(
            "redemption_line",
            ("village", "redemption", "product", "name", "unit", "quantity", "price", "subtotal"),
            [
                (
                    sale.village,
                    taken.sale_id,
                    p.id,
                    p.name,
                    p.unit,
                    counts[p.id],
                    p.price,
                    p.price * counts[p.id],
                )
                for p in products
            ],
        ),
    ):
        await fetch(statement, **params)
    return True


def _insert(
    table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> tuple[str, dict[str, Any]]:
    marks, params = values(columns, rows)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {marks}", params  # noqa: S608


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
    params: dict[str, Any] = {"household": household_id, "sale": sale_id}
    if day is not None:
        params["day"] = day
        parts.append(
            "SELECT 0 AS product, COALESCE(SUM(total), 0) AS taken "
            "FROM redemption "
            "WHERE household = :household AND status = 'completed' AND id <> :sale "
            "AND created_at >= :day"
        )
    if product_ids:
        params |= {"month": month, "products": product_ids}
        parts.append(
            "SELECT l.product, SUM(l.quantity) AS taken FROM redemption_line l "
            "JOIN redemption r ON r.id = l.redemption WHERE r.household = :household "
            "AND r.status = 'completed' AND r.id <> :sale AND r.created_at >= :month "
            "AND l.product IN (:products) GROUP BY l.product"
        )
    rows = await fetch(" UNION ALL ".join(parts), **params) if parts else []
    spent = next((r["taken"] for r in rows if r["product"] == 0), 0)
    return int(spent), {r["product"]: int(r["taken"]) for r in rows if r["product"] != 0}
