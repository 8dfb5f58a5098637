"""The demo villages' points supermarkets: everyday goods, restocked by donors."""

from __future__ import annotations

from backend.audit.services import CLI_ACTOR
from backend.shop import catalogue

# name, category, unit, price in points, per-household monthly limit, first stock, donor, yuan
GOODS = [
    ("洗衣粉 1kg", "日用品", "袋", 10, None, 60, "县供销社", 9.9),
    ("香皂", "日用品", "块", 5, None, 80, "爱心企业·晋阳日化", 3.5),
    ("牙膏", "日用品", "支", 8, None, 50, "爱心企业·晋阳日化", 6.0),
    ("毛巾", "日用品", "条", 8, 2, 40, "村集体", 7.0),
    ("食用油 5L", "粮油", "桶", 60, 1, 20, "县农商银行", 69.0),
    ("大米 10kg", "粮油", "袋", 50, 1, 25, "县农商银行", 45.0),
    ("酱油", "调味品", "瓶", 6, None, 40, "村集体", 8.5),
    ("陈醋", "调味品", "瓶", 6, None, 40, "清徐醋业", 8.0),
    ("保温杯", "家居", "个", 30, 1, 15, "镇新时代文明实践所", 35.0),
    ("扫帚", "家居", "把", 12, None, 20, "村集体", 15.0),
]


async def demo_shop(village_id: int, village_name: str) -> int:
    """Create the village's 积分超市 with a stocked shelf; return the shop id."""
    shop = await catalogue.create_shop(CLI_ACTOR, village_id, f"{village_name}积分超市", [])
    for name, category, unit, price, limit, stock, donor, yuan in GOODS:
        product = await catalogue.add_product(
            CLI_ACTOR,
            village_id,
            shop.id,
            {
                "name": name,
                "category": category,
                "unit": unit,
                "price": price,
                "limit_per_period": limit,
            },
        )
        await catalogue.restock(
            CLI_ACTOR,
            village_id,
            shop.id,
            product.id,
            stock,
            donor,
            round(yuan * stock * 100),
        )
    return shop.id
