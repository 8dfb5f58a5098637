"""The points supermarket (积分超市): shops, their catalogue and the stock log.

Stock is a cached number on the product, moved only together with a ``StockMovement`` row in the
same transaction; ``CHECK (stock >= 0)`` in the database makes "never below zero" hold even
against a bug in Python. Constraints live in the migrations.
"""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from backend.clock import ClockNow
from backend.registry.tables import Household, Village


class Shop(Table):
    """A points supermarket: one per village, or one shared by several (``ShopVillage``)."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=100)
    active = Boolean(default=True)
    created_at = Timestamptz(default=ClockNow())


class ShopVillage(Table):
    """A village whose households may redeem at a shop (its own village included)."""

    id: Serial
    shop = ForeignKey(references=Shop, on_delete=OnDelete.restrict, null=False)
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)


class Product(Table):
    """A good on the shelf, priced in whole points; ``limit_per_period`` is per household per
    calendar month (None: no limit). ``village`` is the village whose shelf this is: a shop
    shared by several villages keeps one allotment per village (docs/scaling.md)."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    shop = ForeignKey(references=Shop, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=100)
    category = Varchar(length=50, default="")
    unit = Varchar(length=20, default="件")
    price = Integer()
    stock = Integer(default=0)
    limit_per_period = Integer(null=True, default=None)
    active = Boolean(default=True)
    picture = Varchar(length=100, default="")
    created_at = Timestamptz(default=ClockNow())
    updated_at = Timestamptz(default=ClockNow())


class StockMovement(Table):
    """One change of stock: restock (with the donor, e.g. an 爱心企业, and the value in fen),
    sale, void (goods back on the shelf) or write-off (with a reason); in its product's
    village."""

    id: Serial
    village = Integer()
    shop = ForeignKey(references=Shop, on_delete=OnDelete.restrict, null=False)
    product = ForeignKey(references=Product, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=16)
    quantity = Integer()
    stock_after = Integer()
    donor = Varchar(length=100, default="")
    value_fen = BigInt(null=True, default=None)
    reason = Varchar(length=200, default="")
    redemption = Integer(null=True, default=None)
    actor = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=True)
    actor_name = Varchar(length=100, default="")
    created_at = Timestamptz(default=ClockNow())


class Redemption(Table):
    """A sale at the kiosk (兑换): one household, several lines, one ledger transfer.

    ``idempotency_key`` is the kiosk's, unique per village, with ``request_hash`` to tell a retry
    from a different sale under a reused key. A void reverses ``transfer`` once
    (``void_transfer``) and puts the goods back; ``void_key`` is the kiosk's key for the void
    (unique per village, with ``void_request_hash``), ``void_balance_after`` the household's
    balance once the points were back.
    """

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    shop = ForeignKey(references=Shop, on_delete=OnDelete.restrict, null=False)
    household = ForeignKey(references=Household, on_delete=OnDelete.restrict, null=False)
    receipt_no = Varchar(length=32)  # unique per village
    total = Integer()
    balance_after = BigInt(default=0)
    transfer = BigInt(null=True, default=None)
    code_kind = Varchar(length=8)
    idempotency_key = Varchar(length=200)
    request_hash = Varchar(length=64)
    status = Varchar(length=10, default="completed")
    void_reason = Varchar(length=200, default="")
    voided_at = Timestamptz(null=True, default=None)
    void_transfer = BigInt(null=True, default=None)
    void_key = Varchar(length=200, null=True, default=None)
    void_request_hash = Varchar(length=64, default="")
    void_balance_after = BigInt(null=True, default=None)
    actor = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=True)
    actor_name = Varchar(length=100, default="")
    created_at = Timestamptz(default=ClockNow())


class RedemptionLine(Table):
    """One product of a sale, with the name and price as they were at the time of sale."""

    id: Serial
    village = Integer()
    redemption = ForeignKey(references=Redemption, on_delete=OnDelete.restrict, null=False)
    product = ForeignKey(references=Product, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=100)
    unit = Varchar(length=20)
    quantity = Integer()
    price = Integer()
    subtotal = Integer()
