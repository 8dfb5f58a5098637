"""The bank under faults (after Jepsen's bank test): a real server, 64 concurrent clients doing
awards, sales and voids with saved idempotency keys, the server killed with SIGKILL several times
and restarted, clients retrying with the same keys. Afterwards every acknowledged sale exists
exactly once, no transfer exists twice, balances add up to zero per village, no household is below
its floor, no stock is negative, and the ledger and the boards verify.
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
from backend.boards.ranks import catch_up
from backend.cards import services as cards
from backend.ledger.tables import Account, Transfer
from backend.ledger.verify import verify_village
from backend.shop import catalogue
from backend.shop.tables import Product, Redemption
from tests.factories import Place, stocked_place
from tests.reliability.conftest import long_tests
from tests.server import ServerProcess

CLIENTS = 64
KILLS = 3


@dataclass
class Ledgerbook:
    """What the clients were told: acknowledged sales by key, and refusals."""

    sales: dict[str, int] = field(default_factory=dict)
    voided: set[int] = field(default_factory=set)
    refusals: dict[str, int] = field(default_factory=dict)


async def send(client: httpx.AsyncClient, deadline: float, method: str, url: str,
               **kwargs: Any) -> httpx.Response | None:
    """Send until the server answers (same key every time); None if time ran out."""
    while time.monotonic() < deadline + 30:
        try:
            return await client.request(method, url, **kwargs)
        except httpx.TransportError:
            await asyncio.sleep(0.2)
    return None


async def worker(n: int, client: httpx.AsyncClient, places: list[Place], codes: dict[int, str],
                 book: Ledgerbook, deadline: float) -> None:
    rng = random.Random(n)
    mine: list[tuple[Place, int]] = []
    while time.monotonic() < deadline:
        place = rng.choice(places)
        key = f"bank-{n}-{uuid.uuid4().hex}"
        choice = rng.random()
        if choice < 0.25:
            household = rng.choice(place.households)["id"]
            response = await send(
                client, deadline, "POST",
                f"/api/v1/villages/{place.village_id}/households/{household}/adjustments",
                json={"amount": rng.randint(1, 20), "reason": "压力测试奖励"},
                headers={**place.headers(Role.committee), "Idempotency-Key": key})
        elif choice < 0.85 or not mine:
            household = rng.choice(place.households)["id"]
            response = await send(
                client, deadline, "POST",
                f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions",
                json={"code": codes[household],
                      "lines": [{"product_id": place.product_id, "quantity": rng.randint(1, 3)}]},
                headers={**place.headers(Role.shopkeeper), "Idempotency-Key": key})
            if response is not None and response.status_code == 201:
                book.sales[key] = response.json()["id"]
                mine.append((place, response.json()["id"]))
        else:
            place, sale = mine.pop(rng.randrange(len(mine)))
            response = await send(
                client, deadline, "POST",
                f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}"
                f"/redemptions/{sale}/void",
                json={"reason": "顾客退货"}, headers=place.headers(Role.shopkeeper))
            if response is not None and response.status_code == 200:
                book.voided.add(sale)
        if response is not None and response.status_code >= 400:
            code = response.json().get("code", str(response.status_code))
            book.refusals[code] = book.refusals.get(code, 0) + 1
            assert response.status_code < 500, response.text


async def killer(server: ServerProcess, seconds: float) -> None:
    for _ in range(KILLS):
        await asyncio.sleep(seconds / (KILLS + 1))
        server.kill()
        await asyncio.to_thread(server.start)


async def test_the_bank_survives_sigkill() -> None:
    places = [await stocked_place(300) for _ in range(3)]
    codes = {}
    for place in places:
        await catalogue.restock(CLI_ACTOR, place.village_id, place.shop_id, place.product_id,
                                5_000, "", None)
        for household in place.households:
            codes[household["id"]] = await cards.card_payload(place.village_id, household["id"])
    server = ServerProcess("bank-server")
    await asyncio.to_thread(server.start)
    seconds = 60.0 if long_tests() else 12.0
    book = Ledgerbook()
    deadline = time.monotonic() + seconds
    try:
        limits = httpx.Limits(max_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=30) as client:
            await asyncio.gather(killer(server, seconds), *(
                worker(n, client, places, codes, book, deadline) for n in range(CLIENTS)))
    finally:
        server.stop()

    assert len(book.sales) > 20, book
    ids = set(book.sales.values())
    for place in places:
        village = place.village_id
        rows = await Redemption.select(Redemption.id, Redemption.idempotency_key,
                                       Redemption.status).where(Redemption.village == village).run()
        by_key = {r["idempotency_key"]: r for r in rows}
        acknowledged = {k: v for k, v in book.sales.items() if k in by_key}
        for key, sale in acknowledged.items():
            assert by_key[key]["id"] == sale
        for row in rows:
            if row["id"] in book.voided:
                assert row["status"] == "voided"
        keys = await Transfer.select(Transfer.idempotency_key).where(
            Transfer.village == village).run()
        assert len(keys) == len({k["idempotency_key"] for k in keys})
        balances = await Account.select(Account.balance, Account.kind).where(
            Account.village == village).run()
        assert sum(b["balance"] for b in balances) == 0
        assert all(b["balance"] >= 0 for b in balances if b["kind"] != "issuance")
        stock = await Product.select(Product.stock).where(Product.shop == place.shop_id).run()
        assert all(s["stock"] >= 0 for s in stock)
        assert await verify_village(village) == []
        await catch_up(village)  # what the app does on its next read
        assert await differences(village) == []
    assert ids <= {r["id"] for r in await Redemption.select(Redemption.id).run()}
