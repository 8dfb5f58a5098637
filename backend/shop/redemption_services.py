"""Redemption at the kiosk (兑换): the sale, its receipt and its void.

Invariants, each held inside one database transaction:
- exactly one sale per kiosk idempotency key (UNIQUE per village): the sale row, written last,
  claims it, and a sale that finds it claimed meanwhile rolls back and answers with the first
  receipt — so does a retry, even one racing the original;
- a phone code pays for one sale at most (spent in this transaction as its last check, see
  ``scanning.consume_phone_code``);
- stock never below zero, points never below zero (guarded updates; CHECKs in the database);
- the daily cap and the monthly per-product limits are checked after the ledger has serialised
  the village's postings, so two kiosks selling to one household at once cannot both slip under;
- above the village's PIN threshold a sale needs the household's PIN, and a household with no
  PIN buys nothing above it (``PinNotSetForSale``): the card alone is never cash;
- a void reverses the sale's transfer once and puts the goods back.
Locks are always taken in the same order — sale row, products by id, the village's ledger head —
so concurrent sales and voids cannot deadlock: a void locks its sale's row first; a sale writes
its own row last, a row no other transaction can hold. The sale's own statements are in
:mod:`backend.shop.redemption_sql`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from backend import clock
from backend.audit.services import Actor, record
from backend.cards import pins, scanning
from backend.cards.codes import CardCode, PhoneCode
from backend.db import write_transaction
from backend.errors import DomainError, IdempotencyKeyReused, NotFound
from backend.ledger import services as ledger
from backend.registry import services as registry
from backend.settings import get_settings
from backend.shop import catalogue, redemption_sql
from backend.shop.errors import (
    AlreadyVoided,
    DailyCapExceeded,
    LimitExceeded,
    PinNotSetForSale,
    PinRequired,
    PriceChanged,
    ProductUnavailable,
    VoidWindowClosed,
)
from backend.shop.tables import Product, Redemption, RedemptionLine


@dataclass(frozen=True, slots=True)
class Line:
    """What the shopkeeper put in the cart: a product and how many."""

    product_id: int
    quantity: int
    shown_price: int | None = None  # the price the till showed; a different price now refuses


@dataclass(frozen=True, slots=True)
class ProductAllowance:
    """How many more of a product with a monthly limit the household may take this month."""

    product_id: int
    remaining: int


@dataclass(frozen=True, slots=True)
class Customer:
    """What the till shows after a scan, before any sale: who the code names (``number``,
    ``head_name``), which ``kind`` of code it is, the ``balance``, the amount above which a sale
    needs the PIN (None: never, or no PIN set), what is left of the daily cap (None: no cap)
    and of each monthly limit."""

    household_id: int
    number: str
    head_name: str
    kind: str
    balance: int
    pin_needed_above: int | None
    daily_remaining: int | None
    allowances: list[ProductAllowance]


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One line of a receipt: the product as it was sold (name, unit, price at the time)."""

    product_id: int
    name: str
    unit: str
    quantity: int
    price: int
    subtotal: int


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the 58 mm receipt prints, and what the till keeps of a sale.

    The defaults are a sale as it is made: completed, not voided (``balance_after_void`` is the
    balance the void left), and not a ``replayed`` answer to a retry of the same idempotency key.
    The one shape for the sale's answer, a reprint, a void and a retry: the sale fills it from
    what it wrote (reading it back would cost the hottest path three statements), :func:`receipt`
    from the stored row, its columns selected under these names (tests/shop/test_redemption_sql.py
    checks that both agree).
    """

    id: int
    receipt_no: str
    shop_id: int
    shop_name: str
    household_id: int
    household_number: str
    head_name: str
    lines: list[ReceiptLine]
    total: int
    balance_after: int
    created_at: datetime
    shopkeeper: str
    code_kind: str
    status: str = "completed"
    void_reason: str = ""
    voided_at: datetime | None = None
    balance_after_void: int | None = None
    replayed: bool = False


RACE_TRIES = 5  # a sale whose stock statement landed in neither branch is tried this often


class _KeyTaken(Exception):
    """Another sale holds this idempotency key (it committed while we waited)."""


def request_hash(shop_id: int, code: str, lines: list[Line]) -> str:
    """The sale's fingerprint: a retry of the same cart matches, a different cart does not."""
    body = {"shop": shop_id, "code": code, "lines": sorted(_quantities(lines).items())}
    return hashlib.sha256(json.dumps(body).encode()).hexdigest()


def _quantities(lines: list[Line]) -> Counter[int]:
    counts: Counter[int] = Counter()
    for line in lines:
        counts[line.product_id] += line.quantity
    return counts


def local_midnight(now: datetime, *, month: bool = False) -> datetime:
    """Start of the village's day (or month) in its time zone, as an aware UTC instant."""
    local = now.astimezone(ZoneInfo(get_settings().timezone))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if month:
        start = start.replace(day=1)
    return start.astimezone(UTC)


async def _by_key(village_id: int, key: str) -> redemption_sql.Earlier | None:
    row = (
        await Redemption.select(Redemption.id, Redemption.request_hash, Redemption.shop)
        .where((Redemption.village == village_id) & (Redemption.idempotency_key == key))
        .first()
        .run()
    )
    return None if row is None else redemption_sql.Earlier(**row)


async def _replay(village_id: int, existing: redemption_sql.Earlier, wanted: str) -> Receipt:
    if existing.request_hash != wanted:
        raise IdempotencyKeyReused()
    return replace(await receipt(village_id, existing.shop, existing.id), replayed=True)


async def _check_limits(
    village: redemption_sql.Rules,
    household_id: int,
    sale_id: int,
    priced: list[redemption_sql.Product],
    counts: Counter[int],
    total: int,
) -> None:
    limited = [p for p in priced if p.limit_per_period is not None]
    if not village.daily_cap and not limited:
        return
    now = clock.now()
    spent, already = await redemption_sql.taken(
        household_id,
        sale_id,
        local_midnight(now) if village.daily_cap else None,
        local_midnight(now, month=True),
        [p.id for p in limited],
    )
    if village.daily_cap and spent + total > village.daily_cap:
        raise DailyCapExceeded(cap=village.daily_cap, spent=spent)
    for product in limited:
        took = already.get(product.id, 0)
        assert product.limit_per_period is not None
        if took + counts[product.id] > product.limit_per_period:
            raise LimitExceeded(
                product=product.name,
                limit=product.limit_per_period,
                unit=product.unit,
                already=took,
            )


async def customer(village_id: int, shop_id: int, code: str) -> Customer:
    """Who a scanned code names, their balance, and what they may still take (no sale yet)."""
    await catalogue.shop(village_id, shop_id)
    scanned = await scanning.resolve(code, village_id=village_id)
    village = await registry.village(village_id)
    household_id = scanned.household_id
    limited = (
        await Product.select(Product.id, Product.limit_per_period)
        .where(
            (Product.village == village_id)
            & (Product.shop == shop_id)
            & Product.active.eq(True)
            & Product.limit_per_period.is_not_null()
        )
        .run()
    )
    now = clock.now()
    spent, taken = await redemption_sql.taken(
        household_id,
        0,
        local_midnight(now) if village.daily_cap else None,
        local_midnight(now, month=True),
        [p["id"] for p in limited],
    )
    return Customer(
        household_id=household_id,
        number=scanned.number,
        head_name=scanned.head_name,
        kind=scanned.kind,
        balance=await ledger.balance(village_id, household_id),
        pin_needed_above=village.pin_threshold or None if scanned.has_pin else None,
        daily_remaining=max(village.daily_cap - spent, 0) if village.daily_cap else None,
        allowances=[
            ProductAllowance(
                product_id=p["id"],
                remaining=max(p["limit_per_period"] - taken.get(p["id"], 0), 0),
            )
            for p in limited
        ],
    )


def _check_prices(priced: list[redemption_sql.Product], lines: list[Line]) -> None:
    """The cart is charged at the prices the shopkeeper saw: a price changed since the till
    showed it refuses the sale (with the new price), so the shopkeeper confirms again."""
    now = {p.id: p for p in priced}
    for line in lines:
        product = now[line.product_id]
        if line.shown_price is not None and line.shown_price != product.price:
            raise PriceChanged(
                product=product.name,
                price=product.price,
                shown=line.shown_price,
                product_id=product.id,
            )


def _reason(priced: list[redemption_sql.Product], counts: Counter[int]) -> str:
    items = "、".join(f"{p.name}×{counts[p.id]}" for p in priced)
    return f"积分超市兑换：{items}"


async def redeem(
    actor: Actor,
    village_id: int,
    shop_id: int,
    code: str,
    lines: list[Line],
    *,
    key: str,
    pin: str | None = None,
) -> Receipt:
    """Sell the cart to the household the scanned code names; returns the receipt.

    The whole sale is one transaction (on SQLite one connection, which is most of its speed).
    Only a PIN check happens outside it: a wrong PIN must be counted even though the sale is
    refused, so it commits on its own, and then the sale is tried again. A malformed PIN is
    refused before anything, whether or not this sale needs one.
    """
    if pin is not None:
        pins.require_pin_format(pin)
    wanted = request_hash(shop_id, code, lines)
    pin_checked = False
    raced = 0
    while True:
        try:
            return await _attempt(
                actor, village_id, shop_id, code, lines, key, wanted, pin_checked=pin_checked
            )
        except _PinNeeded as need:
            if pin_checked or not pin:
                raise PinRequired(threshold=need.threshold) from None
            await pins.check_pin(village_id, need.household_id, pin)
            pin_checked = True
        except redemption_sql.StockRaced:
            raced += 1
            if raced >= RACE_TRIES:
                raise
        except _KeyTaken:
            existing = await _by_key(village_id, key)
            if existing is None:
                raise
            return await _replay(village_id, existing, wanted)


class _PinNeeded(Exception):
    """The sale is over the village's PIN threshold and the PIN has not been checked yet."""

    def __init__(self, household_id: int, threshold: int) -> None:
        super().__init__(household_id, threshold)
        self.household_id = household_id
        self.threshold = threshold


async def _attempt(
    actor: Actor,
    village_id: int,
    shop_id: int,
    code: str,
    lines: list[Line],
    key: str,
    wanted: str,
    *,
    pin_checked: bool,
) -> Receipt:
    unreadable: DomainError | None = None
    try:
        signed: CardCode | PhoneCode | None = scanning.read_code(code, village_id)
    except DomainError as refusal:  # told after the shop is checked, as before
        signed, unreadable = None, refusal
    counts = _quantities(lines)
    async with write_transaction():
        found = await redemption_sql.context(
            village_id,
            shop_id,
            key,
            signed.public_id if signed else None,
            signed.digest if isinstance(signed, PhoneCode) else None,
            sorted(counts),
        )
        if found is None:
            raise NotFound()
        if found.earlier is not None:
            return await _replay(village_id, found.earlier, wanted)
        if found.shop is None:
            raise NotFound()
        if signed is None:
            assert unreadable is not None
            raise unreadable
        scanned = scanning.accept(signed, village_id, found.household, found.card, used=found.used)
        priced = found.products
        if len(priced) != len(counts):
            raise ProductUnavailable()
        _check_prices(priced, lines)
        total = sum(p.price * counts[p.id] for p in priced)
        threshold = found.village.pin_threshold
        if threshold and total > threshold and not scanned.has_pin:
            raise PinNotSetForSale(threshold=threshold)  # fails closed: no PIN, no large sale
        if threshold and total > threshold and not pin_checked:
            raise _PinNeeded(scanned.household_id, threshold)
        return await _sell(actor, village_id, found, scanned, counts, total, key, wanted)


async def _sell(
    actor: Actor,
    village_id: int,
    found: redemption_sql.Context,
    scanned: scanning.Scanned,
    counts: Counter[int],
    total: int,
    key: str,
    wanted: str,
) -> Receipt:
    """Write the sale inside the transaction :func:`_attempt` opened; returns the receipt.

    The stock is taken first and the sale row written last, with its transfer: no other
    transaction can hold a row not yet written, so the lock order of the module docstring
    holds. A refusal after the stock is taken may be a twin's doing (same key, in flight: it
    took the last item or the points, then committed while this waited on the products); then
    this answers with the twin's sale, as a retry after it would have been answered."""
    assert found.shop is not None
    shop_id, priced = found.shop.id, found.products
    now = clock.now()
    sale = redemption_sql.Sale(
        village=village_id,
        shop=shop_id,
        household=scanned.household_id,
        total=total,
        code_kind=scanned.kind,
        idempotency_key=key,
        request_hash=wanted,
        actor=actor.user_id,
        actor_name=actor.name,
        created_at=now,
    )
    try:
        taken = await redemption_sql.take(sale, priced, counts)
        sale_id = taken.sale_id
        posted = await ledger.redeem(
            actor,
            village_id,
            scanned.household_id,
            shop_id,
            total,
            key=f"redemption:{sale_id}",
            reason=_reason(priced, counts),
            reference={"redemption": sale_id},
        )
        await _check_limits(found.village, scanned.household_id, sale_id, priced, counts, total)
        await scanning.consume_phone_code(scanned)
    except DomainError:
        if await _by_key(village_id, key) is not None:
            raise _KeyTaken() from None
        raise
    receipt_no = await redemption_sql.record(sale, taken, priced, counts, posted.id, posted.balance)
    if receipt_no is None:
        raise _KeyTaken()
    return Receipt(
        id=sale_id,
        receipt_no=receipt_no,
        shop_id=shop_id,
        shop_name=found.shop.name,
        household_id=scanned.household_id,
        household_number=scanned.number,
        head_name=scanned.head_name,
        lines=[
            ReceiptLine(
                product_id=p.id,
                name=p.name,
                unit=p.unit,
                quantity=counts[p.id],
                price=p.price,
                subtotal=p.price * counts[p.id],
            )
            for p in priced
        ],
        total=total,
        balance_after=posted.balance,
        created_at=now,
        shopkeeper=actor.name,
        code_kind=scanned.kind,
    )


async def receipt(village_id: int, shop_id: int, sale_id: int) -> Receipt:
    """A sale as stored, read back for a reprint, a void or a retry: the receipt the sale
    answered (columns named as :class:`Receipt` names them), voided or not."""
    shop = await catalogue.shop(village_id, shop_id)
    row = (
        await Redemption.select(
            Redemption.id,
            Redemption.receipt_no,
            Redemption.total,
            Redemption.balance_after,
            Redemption.status,
            Redemption.void_reason,
            Redemption.voided_at,
            Redemption.created_at,
            Redemption.void_balance_after.as_alias("balance_after_void"),
            Redemption.actor_name.as_alias("shopkeeper"),
            Redemption.code_kind,
            Redemption.household.number.as_alias("household_number"),
            Redemption.household.head_name.as_alias("head_name"),
            Redemption.household.id.as_alias("household_id"),
        )
        .where(
            (Redemption.id == sale_id)
            & (Redemption.village == village_id)
            & (Redemption.shop == shop_id)
        )
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    lines = (
        await RedemptionLine.select(
            RedemptionLine.product.as_alias("product_id"),
            RedemptionLine.name,
            RedemptionLine.unit,
            RedemptionLine.quantity,
            RedemptionLine.price,
            RedemptionLine.subtotal,
        )
        .where(RedemptionLine.redemption == sale_id)
        .order_by(RedemptionLine.id)
        .run()
    )
    return Receipt(
        shop_id=shop_id,
        shop_name=shop.name,
        lines=[ReceiptLine(**line) for line in lines],
        **row,
    )


def void_hash(shop_id: int, sale_id: int, reason: str) -> str:
    """A void's fingerprint: a retry of the same void matches, another sale or reason does not."""
    body = {"shop": shop_id, "sale": sale_id, "reason": reason}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


async def _void_by_key(village_id: int, key: str, wanted: str) -> Receipt | None:
    """The first answer to a void under this key, or None if the key is new."""
    earlier = (
        await Redemption.select(
            Redemption.id,
            Redemption.shop,
            Redemption.void_request_hash,
        )
        .where((Redemption.village == village_id) & (Redemption.void_key == key))
        .first()
        .run()
    )
    if earlier is None:
        return None
    if earlier["void_request_hash"] != wanted:
        raise IdempotencyKeyReused()
    return replace(await receipt(village_id, earlier["shop"], earlier["id"]), replayed=True)


async def void(
    actor: Actor,
    village_id: int,
    shop_id: int,
    sale_id: int,
    reason: str,
    *,
    key: str | None = None,
) -> Receipt:
    """Undo a sale within the village's window: reverse its transfer once, restock its goods.

    With the kiosk's idempotency ``key``, a retry of the same void (same sale, same reason) gets
    the first void's answer, even one racing it; the key with another request is refused. A
    second void under another key (or none) is ``already_voided``."""
    village = await registry.village(village_id)
    wanted = void_hash(shop_id, sale_id, reason)
    async with write_transaction():
        if key is not None and (replay := await _void_by_key(village_id, key, wanted)):
            return replay
        sale = await receipt(village_id, shop_id, sale_id)
        window = timedelta(hours=village.void_window_hours)
        if clock.now() - sale.created_at > window:
            raise VoidWindowClosed(hours=village.void_window_hours)
        try:
            claimed = (
                await Redemption.update(
                    {
                        Redemption.status: "voided",
                        Redemption.void_reason: reason,
                        Redemption.voided_at: clock.now(),
                        Redemption.void_key: key,
                        Redemption.void_request_hash: wanted if key is not None else "",
                    }
                )
                .where((Redemption.id == sale_id) & (Redemption.status == "completed"))
                .returning(Redemption.transfer)
                .run()
            )
        except (asyncpg.UniqueViolationError, sqlite3.IntegrityError):
            # the key was claimed meanwhile by a void of another sale
            raise IdempotencyKeyReused() from None
        if not claimed:  # a twin that committed while this waited on the row holds the key
            if key is not None and (replay := await _void_by_key(village_id, key, wanted)):
                return replay
            raise AlreadyVoided()
        for line in sorted(sale.lines, key=lambda ln: ln.product_id):
            await catalogue.move_stock(
                actor,
                village_id,
                shop_id,
                line.product_id,
                line.quantity,
                "void",
                reason=reason,
                redemption_id=sale_id,
            )
        posted = await ledger.reverse(
            actor,
            village_id,
            claimed[0]["transfer"],
            key=f"void:{sale_id}",
            reason=f"撤销兑换 {sale.receipt_no}：{reason}",
        )
        await (
            Redemption.update(
                {Redemption.void_transfer: posted.id, Redemption.void_balance_after: posted.balance}
            )
            .where(Redemption.id == sale_id)
            .run()
        )
        await record(
            actor,
            "redemption.void",
            "redemption",
            sale_id,
            village_id=village_id,
            before={"status": "completed"},
            after={"status": "voided", "reason": reason},
        )
    return await receipt(village_id, shop_id, sale_id)
