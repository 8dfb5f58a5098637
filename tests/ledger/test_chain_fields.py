"""Every hashed field of a transfer is covered by its link: changing any one of them behind the
services' back is named by verify. The chain names things by stable identifiers (village key,
account identities, period name, login name, public ids), never by serial ids."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from backend import db
from backend.audit.services import CLI_ACTOR, Actor
from backend.auth.principal import Role
from backend.ledger import services as ledger
from backend.ledger.chain import CHAIN_ROWS_SQL, HASHED_FIELDS, canonical_bytes, genesis
from backend.ledger.verify import verify_village
from backend.scoring import periods
from tests.factories import Place, World, make_place


async def history(world: World) -> tuple[Place, dict[str, ledger.Posted]]:
    """An award by a committee member in a period, a second award, a sale and a reversal."""
    place = await make_place(world.a.town_id)
    v, (one, two) = place.village_id, (h.id for h in place.households)
    period = await periods.open_period(
        CLI_ACTOR,
        v,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    committee = Actor(user_id=place.user_ids[Role.committee], name="张委员")
    posted = {
        "award": await ledger.award(
            committee,
            v,
            one,
            30,
            key="a1",
            reason="环境卫生达标",
            reference={"rule": "A1"},
            period_id=period.id,
        ),
        "other": await ledger.award(CLI_ACTOR, v, two, 12, key="a2", reason="孝老爱亲"),
        "sale": await ledger.redeem(
            CLI_ACTOR, v, one, place.shop_id, 10, key="r1", reason="洗衣粉"
        ),
    }
    posted["reversal"] = await ledger.reverse(
        CLI_ACTOR, v, posted["other"].id, key="x1", reason="录错了"
    )
    assert await verify_village(v) == []
    return place, posted


async def account_of(village_id: int, household_id: int) -> int:
    row = await db.first(
        "SELECT id FROM account WHERE village = :village AND kind = 'household' "
        "AND owner = :household",
        village=village_id,
        household=household_id,
    )
    assert row is not None
    return int(row["id"])


# hashed field → (transfer to tamper, column, new value, or how to make it from the place)
TAMPERING: dict[str, tuple[str, str, Any]] = {
    "seq": ("other", "seq", 99),
    "public_id": ("sale", "public_id", "AAAAAAAAAAAAAAAA"),
    "debit": ("award", "debit", "household two"),
    "credit": ("award", "credit", "household two"),
    "amount": ("award", "amount", 31),
    "debit_balance": ("sale", "debit_balance", 21),
    "credit_balance": ("sale", "credit_balance", 11),
    "kind": ("award", "kind", "bonus"),
    "reason": ("award", "reason", "改过的理由"),
    "reference": ("award", "reference", json.dumps({"rule": "B2"})),
    "period": ("award", "period_id", None),
    "actor": ("award", "actor", None),
    "actor_name": ("award", "actor_name", "李委员"),
    "idempotency_key": ("sale", "idempotency_key", "forged"),
    "request_hash": ("sale", "request_hash", "0" * 64),
    "reverses": ("reversal", "reverses", "award"),
    "created_at": ("award", "created_at", "an hour later"),
}


def test_every_hashed_field_has_a_tampering_case() -> None:
    assert set(TAMPERING) == set(HASHED_FIELDS) - {"village"}


@pytest.mark.parametrize("field", sorted(TAMPERING))
async def test_a_tampered_field_is_named(world: World, field: str) -> None:
    place, posted = await history(world)
    which, column, value = TAMPERING[field]
    target = posted[which]
    if value == "household two":
        value = await account_of(place.village_id, place.households[1].id)
    elif value == "award":
        value = posted["award"].id
    elif value == "an hour later":
        value = target.created_at + timedelta(hours=1)
    await db.fetch(
        f"UPDATE transfer SET {column} = :value WHERE id = :id", value=value, id=target.id
    )
    chain = [f for f in await verify_village(place.village_id) if f.check == "chain"]
    # A moved seq reorders the chain: the first transfer out of place is the one after it.
    assert len(chain) == 1 and (field == "seq" or chain[0].transfer_id == target.id), field


async def test_a_tampered_village_key_breaks_the_first_link(world: World) -> None:
    place, posted = await history(world)
    await db.fetch(
        "UPDATE ledger_head SET village_key = 'HJZ/DJC' WHERE village = :village",
        village=place.village_id,
    )
    chain = [f for f in await verify_village(place.village_id) if f.check == "chain"]
    assert [f.transfer_id for f in chain] == [posted["award"].id]


async def test_the_canonical_bytes_name_no_serial_id(world: World) -> None:
    place, posted = await history(world)
    rows = await db.fetch(CHAIN_ROWS_SQL, village=place.village_id)
    head = await db.first(
        "SELECT village_key, hash FROM ledger_head WHERE village = :village",
        village=place.village_id,
    )
    assert head is not None
    key = head["village_key"]
    village = await db.first("SELECT code FROM village WHERE id = :id", id=place.village_id)
    assert village is not None and key.endswith("/" + village["code"])
    assert rows[0]["prev_hash"] == genesis(key)
    award, _other, sale, reversal = (
        json.loads(canonical_bytes({**r, "village_key": key})) for r in rows
    )
    public_one = place.households[0].public_id
    assert (award["village"], award["debit"], award["credit"]) == (
        key,
        "issuance",
        f"household:{public_one}",
    )
    assert award["period"] == "2026年11月"
    assert award["actor"] == place.usernames[Role.committee]
    assert sale["credit"] == f"shop:{key}/积分超市"
    assert reversal["reverses"] == rows[1]["public_id"] and len(rows[1]["public_id"]) == 16
    assert head["hash"] == rows[-1]["hash"] == posted["reversal"].hash
