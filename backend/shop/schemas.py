"""The supermarket API's shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from backend.cards.schemas import Pin
from backend.http.input import Strict, plain

Name = Annotated[str, plain(1, 100)]
Short = Annotated[str, msgspec.Meta(max_length=50)]
Unit = Annotated[str, plain(1, 20)]
Price = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
Limit = Annotated[int, msgspec.Meta(ge=1, le=10_000)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Shop(msgspec.Struct, kw_only=True):
    id: int
    village_id: int
    name: str
    active: bool
    villages: list[int]


class ShopCreate(Strict):
    name: Name
    also_serves: Annotated[
        list[Annotated[int, msgspec.Meta(ge=1)]], msgspec.Meta(max_length=50)
    ] = msgspec.field(default_factory=list)


class Product(msgspec.Struct, kw_only=True):
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


class ProductCreate(Strict):
    name: Name
    price: Price
    category: Short = ""
    unit: Unit = "件"
    limit_per_period: Limit | None = None


class ProductUpdate(Strict):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    price: Price | msgspec.UnsetType = msgspec.UNSET
    category: Short | msgspec.UnsetType = msgspec.UNSET
    unit: Unit | msgspec.UnsetType = msgspec.UNSET
    limit_per_period: Limit | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class Restock(Strict):
    quantity: Quantity
    donor: Annotated[str, plain(0, 100)] = ""
    value_yuan: Annotated[float, msgspec.Meta(ge=0, le=10_000_000)] | None = None


class WriteOff(Strict):
    quantity: Quantity
    reason: Reason


class StockMovement(msgspec.Struct, kw_only=True):
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


Code = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class CartLine(Strict):
    product_id: Annotated[int, msgspec.Meta(ge=1)]
    quantity: Annotated[int, msgspec.Meta(ge=1, le=100)]
    price: Price | None = None  # as the till showed it: a different price now is refused


class RedemptionCreate(Strict):
    code: Code
    lines: Annotated[list[CartLine], msgspec.Meta(min_length=1, max_length=30)]
    pin: Pin | None = None


class ReceiptLine(msgspec.Struct, kw_only=True):
    product_id: int
    name: str
    unit: str
    quantity: int
    price: int
    subtotal: int


class Receipt(msgspec.Struct, kw_only=True):
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
    status: str
    void_reason: str
    voided_at: datetime | None
    balance_after_void: int | None = None
    created_at: datetime
    shopkeeper: str
    code_kind: str
    replayed: bool = False


class Void(Strict):
    reason: Reason


class Scan(Strict):
    code: Code


class ProductAllowance(msgspec.Struct, kw_only=True):
    product_id: int
    remaining: int | None


class Customer(msgspec.Struct, kw_only=True):
    """What the kiosk shows after a scan: who, how many points, and what limits apply."""

    household_id: int
    number: str
    head_name: str
    kind: str
    balance: int
    pin_needed_above: int | None
    daily_remaining: int | None
    allowances: list[ProductAllowance]


class SoldItem(msgspec.Struct, kw_only=True):
    name: str
    unit: str
    quantity: int


class TodaysSale(msgspec.Struct, kw_only=True):
    """One line of the till's list of today's sales."""

    id: int
    receipt_no: str
    household_number: str
    head_name: str
    items: list[SoldItem]
    total: int
    created_at: datetime
    shopkeeper: str
    status: str
    void_reason: str
    voidable: bool
