"""What a failover does to a request: a problem (503, stable code, Retry-After), never a 500,
and the kiosk's retry with the same Idempotency-Key makes the sale exactly once.

The real failover (Patroni promoting the standby) is tests/reliability/test_failover.py, in a CI
leg of its own; here a node that turned standby is imitated by making the test database
read-only for new sessions, which is what the pool meets after a switchover.
"""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from backend import db
from backend.auth.principal import Role
from backend.cards import issuing
from backend.db import lost_primary, postgres_config
from backend.settings import get_settings
from backend.shop.tables import Redemption
from tests.factories import stocked_place


def test_a_url_may_name_every_node_of_the_cluster() -> None:
    config = postgres_config(
        "postgresql://jifen:s%40cret@10.0.0.1:5432,10.0.0.2:6432,[::1]/jifen"
        "?target_session_attrs=read-write"
    )
    assert config == {
        "host": ["10.0.0.1", "10.0.0.2", "::1"],
        "port": [5432, 6432, 5432],
        "database": "jifen",
        "user": "jifen",
        "password": "s@cret",
        "target_session_attrs": "read-write",
    }
    assert postgres_config("postgresql://postgres@127.0.0.1:5432/jifen_test") == {
        "host": "127.0.0.1",
        "port": 5432,
        "database": "jifen_test",
        "user": "postgres",
    }


def test_failover_errors_are_told_apart_from_mistakes() -> None:
    assert lost_primary(asyncpg.exceptions.ConnectionDoesNotExistError("closed mid-operation"))
    assert lost_primary(asyncpg.exceptions.AdminShutdownError("unexpected postmaster exit"))
    assert lost_primary(asyncpg.exceptions.ReadOnlySQLTransactionError("read-only"))
    assert lost_primary(ConnectionRefusedError(111, "refused"))
    assert lost_primary(
        asyncpg.exceptions.InternalClientError(
            "cannot switch to state 15; another operation (2) is in progress"
        )
    )
    assert lost_primary(asyncpg.InterfaceError("cannot call fetch(): connection is closed"))
    assert not lost_primary(asyncpg.InterfaceError("connection has been released to the pool"))
    assert not lost_primary(asyncpg.exceptions.UniqueViolationError("duplicate key"))


@pytest.mark.postgres_only
async def test_a_sale_on_a_standby_is_503_and_its_retry_sells_once(
    client: httpx.AsyncClient,
) -> None:
    place = await stocked_place(100)
    household = place.households[0].id
    sale = {
        "code": await issuing.card_payload(place.village_id, household),
        "lines": [{"product_id": place.product_id, "quantity": 1}],
    }
    url = f"/api/v1/villages/{place.village_id}/shops/{place.shop_id}/redemptions"
    headers = {**place.headers(Role.shopkeeper), "Idempotency-Key": "failover-retry-1"}
    database = postgres_config(get_settings().database_url)["database"]

    async def read_only(on: bool) -> None:
        admin = await asyncpg.connect(**postgres_config(get_settings().database_url))
        try:
            await admin.execute("SET default_transaction_read_only = off")
            await admin.execute(
                f'ALTER DATABASE "{database}" SET default_transaction_read_only'
                f" = {'on' if on else 'off'}"
            )
        finally:
            await admin.close()
        db.reconnect_pool()

    await read_only(True)
    try:
        refused = await client.post(url, json=sale, headers=headers)
    finally:
        await read_only(False)
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "database_unavailable"
    assert refused.headers["Retry-After"] == "2"
    assert "重试" in refused.json()["detail"]
    assert await Redemption.count().where(Redemption.village == place.village_id).run() == 0

    sold = await client.post(url, json=sale, headers=headers)
    again = await client.post(url, json=sale, headers=headers)
    assert sold.status_code == again.status_code == 201, (sold.text, again.text)
    assert sold.json()["id"] == again.json()["id"]
    assert await Redemption.count().where(Redemption.village == place.village_id).run() == 1
