"""Refusals of the points supermarket."""

from __future__ import annotations

from backend.errors import DomainError


class OutOfStock(DomainError):
    code = "out_of_stock"
    status = 409
    zh = "库存不足：{product} 只剩 {stock}{unit}。"
    en = "Not enough stock: only {stock} {unit} of {product} left."


class DuplicateProduct(DomainError):
    code = "duplicate_product"
    status = 409
    zh = "本超市已有商品“{name}”。"
    en = "This shop already has a product called “{name}”."


class ForeignVillage(DomainError):
    code = "foreign_village"
    status = 422
    zh = "只能与同一个镇的村共用超市。"
    en = "A shop can only be shared with villages of the same town."


class BadPicture(DomainError):
    code = "bad_picture"
    status = 422
    zh = "图片无法识别，请上传 JPEG、PNG 或 WebP 照片（不超过 {max_mb} MB）。"
    en = "The picture could not be read: upload a JPEG, PNG or WebP photo (at most {max_mb} MB)."


class LimitExceeded(DomainError):
    code = "limit_exceeded"
    status = 409
    zh = "超过限额：{product} 每户每月限兑 {limit}{unit}，本月已兑 {already}{unit}。"
    en = (
        "Over the limit: {product} is limited to {limit} {unit} per household per month "
        "({already} already this month)."
    )


class DailyCapExceeded(DomainError):
    code = "daily_cap_exceeded"
    status = 409
    zh = "超过限额：每户每天最多兑换 {cap} 积分，今天已兑换 {spent} 积分。"
    en = "Over the daily limit of {cap} points per household ({spent} spent today)."


class PinRequired(DomainError):
    code = "pin_required"
    status = 422
    zh = "本次兑换超过 {threshold} 积分，请输入 PIN。"
    en = "This sale is over {threshold} points: enter the household's PIN."


class PinNotSetForSale(DomainError):
    """A sale above the PIN threshold for a household that has no PIN: the card (or phone code)
    alone never pays that much, so a found or copied card is not cash."""

    code = "pin_not_set_for_sale"
    status = 409
    zh = "本次兑换超过 {threshold} 积分，需要输入 PIN，但该户还没有设置 PIN，请到村委会设置。"
    en = (
        "This sale is over {threshold} points and needs the household's PIN, but the household "
        "has no PIN yet: the village committee can set one."
    )


class ProductUnavailable(DomainError):
    code = "product_unavailable"
    status = 409
    zh = "商品已下架或不存在。"
    en = "This product is not on sale."


class AlreadyVoided(DomainError):
    code = "already_voided"
    status = 409
    zh = "这笔兑换已经撤销过了。"
    en = "This sale has already been voided."


class VoidWindowClosed(DomainError):
    code = "void_window_closed"
    status = 409
    zh = "已超过 {hours} 小时，不能撤销这笔兑换，请联系村委会。"
    en = "More than {hours} hours have passed: this sale can no longer be voided."


class PriceChanged(DomainError):
    code = "price_changed"
    status = 409
    zh = "价格已变：{product} 现在是 {price} 积分（收银台显示的是 {shown} 积分），请重新确认。"
    en = (
        "The price changed: {product} is now {price} points (the till showed {shown}); "
        "confirm again."
    )
