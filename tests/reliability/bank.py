"""The bank test's clients and checks (after Jepsen's bank test), shared by the server-crash
test (test_bank_under_faults.py) and the database-failover test (test_failover.py).

Clients are kiosks selling and voiding and committees awarding, at full speed, each request with
an idempotency key made before it is sent and kept across retries — what kiosk/js/api.js does.
The checks are what must hold afterwards whatever was killed: every acknowledged sale exists
exactly once, no transfer twice, balances add up to zero per village, nobody below the floor,
stock equals its log and is never negative, the ledger and the boards verify.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.boards.cli import differences
from backend.boards.redis_leaderboards import catch_up
from backend.cards import issuing
from backend.ledger.tables import Account, Transfer
from backend.ledger.verify import verify_village
from backend.shop import catalogue
from backend.shop.tables import Product, Redemption, StockMovement
from tests.factories import Place, stocked_place

# What a server answers while its database fails over: retry the same request (same key).
RETRY_CODES = frozenset({"database_unavailable"})


@dataclass
class Ledgerbook:
    """What the clients were told: acknowledged sales by key, and refusals; ``sold_at`` has
    (first sent, acknowledged) monotonic times of every acknowledged sale."""

    sales: dict[str, int] = field(default_factory=dict)
    voided: set[int] = field(default_factory=set)
    refusals: dict[str, int] = field(default_factory=dict)
    sold_at: list[tuple[float, float]] = field(default_factory=list)
    retried: int = 0


async def bank_places(count: int = 3) -> tuple[list[Place], dict[int, str]]:
    """Villages with points, a stocked shop, and every household's card payload."""
    places = [await stocked_place(300) for _ in range(count)]
    codes = {}
    for place in places:
        await catalogue.restock(
            CLI_ACTOR, place.village_id, place.shop_id, place.product_id, 5_000, "", None
        )
        for household in place.households:
            codes[household.id] = await issuing.card_payload(place.village_id, household.id)
    return places, codes


def _retry_later(response: httpx.Response) -> bool:
    if response.status_code != 503:
        return False
    try:
        return response.json().get("code") in RETRY_CODES
    except ValueError:
        return False


async def send(
    client: httpx.AsyncClient,
    deadline: float,
    method: str,
    url: str,
    book: Ledgerbook | None = None,
    **kwargs: Any,
) -> httpx.Response | None:
    """Send until the server answers for good (same key every time): a dropped connection
    or a 503 ``database_unavailable`` is sent again. None if time ran out."""
    while time.monotonic() < deadline + 30:
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.TransportError:
            response = None
        if response is not None and not _retry_later(response):
            return response
        if book is not None:
            book.retried += 1
        await asyncio.sleep(0.2)
    return None


async def worker(
    n: int,
    client: httpx.AsyncClient,
    places: list[Place],
    codes: dict[int, str],
    book: Ledgerbook,
    deadline: float,
) -> None:
    rng = random.Random(n)
    mine: list[tuple[Place, int]] = []
    while time.monotonic() < deadline:
        place = rng.choice(places)
        key = f"bank-{n}-{uuid.uuid4().hex}"
        choice = rng.random()
        sent = time.monotonic()
        if choice < 0.25:
            household = rng.choice(place.households).id
            response = await send(
                client,
                deadline,
                "POST",
                f"/api/v1/villages/{place.village_id}/households/{household}/adjustments",
                book,
                json={"amount": rng.randint(1, 20), "reason": "压力测试奖励"},
                headers={**place.headers(Role.committee), "Idempotency-Key": key},
            )
        elif choice < 0.85 or not mine:
            household = rng.choice(place.households).id
            response = await send(
                client,
                deadline,
                "POST",
                f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions",
                book,
                json={
                    "code": codes[household],
                    "lines": [{"product_id": place.product_id, "quantity": rng.randint(1, 3)}],
                },
                headers={**place.headers(Role.shopkeeper), "Idempotency-Key": key},
            )
            if response is not None and response.status_code == 201:
                book.sales[key] = response.json()["id"]
                book.sold_at.append((sent, time.monotonic()))
                mine.append((place, response.json()["id"]))
        else:
            place, sale = mine.pop(rng.randrange(len(mine)))
            response = await send(
                client,
                deadline,
                "POST",
                f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}"
                f"/redemptions/{sale}/void",
                book,
                json={"reason": "顾客退货"},
                headers={**place.headers(Role.shopkeeper), "Idempotency-Key": f"void-{key}"},
            )
            if response is not None and response.status_code == 200:
                book.voided.add(sale)
        if response is not None and response.status_code >= 400:
            code = response.json().get("code", str(response.status_code))
            book.refusals[code] = book.refusals.get(code, 0) + 1
            assert response.status_code < 500, response.text


async def check_bank(places: list[Place], book: Ledgerbook) -> None:
    """Everything the clients were told is in the database once, and the books balance."""
    assert len(book.sales) > 20, book
    ids = set(book.sales.values())
    for place in places:
        village = place.village_id
        rows = (
            await Redemption.select(Redemption.id, Redemption.idempotency_key, Redemption.status)
            .where(Redemption.village == village)
            .run()
        )
        by_key = {r["idempotency_key"]: r for r in rows}
        assert len(by_key) == len(rows)
        acknowledged = {k: v for k, v in book.sales.items() if k in by_key}
        for key, sale in acknowledged.items():
            assert by_key[key]["id"] == sale
        for row in rows:
            if row["id"] in book.voided:
                assert row["status"] == "voided"
        keys = (
            await Transfer.select(Transfer.idempotency_key).where(Transfer.village == village).run()
        )
        assert len(keys) == len({k["idempotency_key"] for k in keys})
        balances = (
            await Account.select(Account.balance, Account.kind)
            .where(Account.village == village)
            .run()
        )
        assert sum(b["balance"] for b in balances) == 0
        assert all(b["balance"] >= 0 for b in balances if b["kind"] != "issuance")
        stock = (
            await Product.select(Product.id, Product.stock)
            .where(Product.shop == place.shop_id)
            .run()
        )
        assert all(s["stock"] >= 0 for s in stock)
        for product in stock:
            moves = (
                await StockMovement.select(StockMovement.quantity)
                .where(StockMovement.product == product["id"])
                .run()
            )
            assert sum(m["quantity"] for m in moves) == product["stock"]
        assert await verify_village(village) == []
        await catch_up(village)  # what the app does on its next read
        assert await differences(village) == []
    assert ids <= {r["id"] for r in await Redemption.select(Redemption.id).run()}
