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
