"""Chains that survive consolidation (issue 20): links name stable global identifiers.

Until now the canonical bytes of a transfer named the village, the accounts, the period, the
actor and the reversed transfer by this database's serial ids, and the genesis was
``sha256("jifen-ledger:village:<id>")``. Two townships' databases both have a village 1 with the
same genesis, and moving a village into a county database renumbers its rows: every link and
every chain head would break. Now (see :mod:`backend.ledger.chain`):

- ``ledger_head.village_key`` freezes the village's identity, ``<town code>/<village code>``,
  and the genesis is derived from it;
- ``account.identity`` freezes each account's name (``issuance``, ``household:<public id>``,
  ``shop:<village key>/<shop name>``);
- ``transfer.public_id`` is the transfer's own random id, unique per village
  (``UNIQUE (village, public_id)``: the village is in every unique constraint, so the table can
  be partitioned by it); a reversal names the transfer it reverses by it;
- the period is named by its name (unique per village), the actor by the login name.

The migration rewrites every existing chain once, in each village's ``seq`` order: it first
checks each chain in its *old* form (a chain already broken is refused, so re-hashing can never
launder a tampered row), then gives every transfer a public id, recomputes every link and moves
each head. It is done now because there are no deployments yet: re-hashing is only honest while
no chain head has been printed on a poster or a passbook that people keep. A head printed
before this migration is a hash of the old form; it no longer matches ``jifen ledger head``
(the same ``seq`` has a new hash). Stored boards' ``chain_head`` at publication is rewritten to
the new hash of the same ``seq``.

On PostgreSQL ``ledger_append`` is replaced by one computing the same new bytes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.sqlite import SQLiteEngine

from backend import db
from backend.ledger.chain import (
    CHAIN_ROWS_SQL,
    canonical_json,
    genesis,
    iso,
    link,
    new_public_id,
    village_key,
)

ID = "2026-12-01T13:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ledger: chains link stable global identifiers; every chain re-hashed once"

COLUMNS = [
    "ALTER TABLE ledger_head ADD COLUMN village_key VARCHAR(80) NOT NULL DEFAULT ''",
    "ALTER TABLE account ADD COLUMN identity VARCHAR(160) NOT NULL DEFAULT ''",
    "ALTER TABLE transfer ADD COLUMN public_id VARCHAR(16) NOT NULL DEFAULT ''",
]
PUBLIC_ID_INDEX = ("CREATE UNIQUE INDEX transfer_unique_public_id "
                   "ON transfer (village, public_id)")

# The form being replaced, written out here so that this migration keeps meaning what it meant.
OLD_FIELDS = (
    "village", "seq", "debit", "credit", "amount", "debit_balance", "credit_balance", "kind",
    "reason", "reference", "period_id", "actor", "actor_name", "idempotency_key",
    "request_hash", "reverses", "created_at",
)


def old_link(prev_hash: str, row: dict[str, Any]) -> str:
    fields = {name: row[name] for name in OLD_FIELDS}
    reference = fields["reference"]
    fields["reference"] = json.loads(reference) if isinstance(reference, str) else reference
    fields["created_at"] = iso(fields["created_at"])
    return hashlib.sha256(prev_hash.encode() + canonical_json(fields).encode()).hexdigest()


def old_genesis(village_id: int) -> str:
    return hashlib.sha256(f"jifen-ledger:village:{village_id}".encode()).hexdigest()


async def _check_old_chain(village_id: int, rows: list[dict[str, Any]]) -> None:
    prev = old_genesis(village_id)
    for n, row in enumerate(rows, start=1):
        if row["seq"] != n or row["prev_hash"] != prev or old_link(prev, row) != row["hash"]:
            raise RuntimeError(
                f"village {village_id}: transfer #{row['id']} (seq {row['seq']}) breaks the "
                "chain; run `jifen ledger verify` on the previous version and repair it first")
        prev = row["hash"]
    head = await db.first("SELECT seq, hash FROM ledger_head WHERE village = :village",
                          village=village_id)
    if head is None or (head["seq"], head["hash"]) != (len(rows), prev):
        raise RuntimeError(f"village {village_id}: the chain head does not match its last "
                           "transfer; run `jifen ledger verify` on the previous version first")


async def _name_accounts(village_id: int) -> None:
    await db.fetch("UPDATE account SET identity = 'issuance' WHERE village = :village "
                   "AND kind = 'issuance'", village=village_id)
    await db.fetch("UPDATE account SET identity = 'household:' || (SELECT h.public_id FROM "
                   "household h WHERE h.id = account.owner) WHERE village = :village "
                   "AND kind = 'household'", village=village_id)
    for shop in await db.fetch(
        "SELECT a.id, s.name, t.code AS town, v.code AS village FROM account a "
        "JOIN shop s ON s.id = a.owner JOIN village v ON v.id = s.village "
        "JOIN town t ON t.id = v.town WHERE a.village = :village AND a.kind = 'shop'",
        village=village_id,
    ):
        identity = f"shop:{village_key(shop['town'], shop['village'])}/{shop['name']}"
        await db.fetch("UPDATE account SET identity = :identity WHERE id = :id", id=shop["id"],
                       identity=identity)


async def rehash_village(village_id: int, key: str) -> None:
    """Check the old chain, name everything stably, link it again and move the head."""
    await db.fetch("UPDATE ledger_head SET village_key = :key WHERE village = :village",
                   village=village_id, key=key)
    old = await db.fetch("SELECT * FROM transfer WHERE village = :village ORDER BY seq",
                         village=village_id)
    await _check_old_chain(village_id, old)
    await _name_accounts(village_id)
    for row in old:
        await db.fetch("UPDATE transfer SET public_id = :public_id WHERE id = :id", id=row["id"],
                       public_id=new_public_id())
    prev, new_heads = genesis(key), {}
    for row in await db.fetch(CHAIN_ROWS_SQL, village=village_id):
        row["village_key"] = key
        new = link(prev, row)
        await db.fetch("UPDATE transfer SET prev_hash = :prev_hash, hash = :hash WHERE id = :id",
                       id=row["id"], prev_hash=prev, hash=new)
        new_heads[row["seq"]] = new
        prev = new
    await db.fetch("UPDATE ledger_head SET hash = :hash WHERE village = :village",
                   village=village_id, hash=prev)
    for seq, new in new_heads.items():
        await db.fetch("UPDATE board SET chain_head = :hash WHERE village = :village "
                       "AND chain_seq = :seq", village=village_id, seq=seq, hash=new)


async def rehash_all() -> None:
    heads = await db.fetch("SELECT h.village, t.code AS town, v.code AS code FROM ledger_head h "
                           "JOIN village v ON v.id = h.village JOIN town t ON t.id = v.town "
                           "ORDER BY h.village")
    for head in heads:
        await rehash_village(head["village"], village_key(head["town"], head["code"]))


# Keys in the order of chain.canonical_bytes (sorted); strings through to_json, as json.dumps
# with ensure_ascii=False escapes them; the reference arrives as canonical JSON already.
APPEND_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_append(
    p_village integer, p_key text, p_request_hash text, p_kind text,
    p_debit_kind text, p_debit_owner integer, p_debit_floor text,
    p_credit_kind text, p_credit_owner integer, p_amount bigint,
    p_reason text, p_reference text, p_period_id integer, p_actor integer,
    p_actor_name text, p_reverses bigint, p_created_at timestamptz, p_public_id text,
    OUT outcome text, OUT transfer_id bigint, OUT seq bigint, OUT hash text,
    OUT debit_balance bigint, OUT credit_balance bigint)
LANGUAGE plpgsql AS $$
DECLARE
    head record;
    debit_id integer;
    credit_id integer;
    debit_name text;
    credit_name text;
    negative_ok boolean;
BEGIN
    outcome := 'slow';
    SELECT h.seq, h.hash, h.village_key INTO head FROM ledger_head h
        WHERE h.village = p_village FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT t.id INTO transfer_id FROM transfer t
        WHERE t.village = p_village AND t.idempotency_key = p_key;
    IF FOUND THEN
        outcome := 'replay';
        RETURN;
    END IF;
    debit_id := ledger_account(p_village, p_debit_kind, p_debit_owner);
    credit_id := ledger_account(p_village, p_credit_kind, p_credit_owner);
    IF debit_id IS NULL OR credit_id IS NULL THEN
        RETURN;
    END IF;
    negative_ok := p_debit_floor = 'none' OR (p_debit_floor = 'village' AND
        (SELECT v.allow_negative_balance FROM village v WHERE v.id = p_village));
    UPDATE account a SET balance = a.balance - p_amount,
        allow_negative = CASE WHEN p_debit_floor = 'village' THEN negative_ok
                              ELSE a.allow_negative END
        WHERE a.id = debit_id AND (negative_ok OR a.balance >= p_amount)
        RETURNING a.balance, a.identity INTO debit_balance, debit_name;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE account a SET balance = a.balance + p_amount WHERE a.id = credit_id
        RETURNING a.balance, a.identity INTO credit_balance, credit_name;
    seq := head.seq + 1;
    hash := encode(sha256(convert_to(head.hash
        || '{"actor":' || coalesce(to_json((SELECT u.username FROM piccolo_user u
                                            WHERE u.id = p_actor))::text, 'null')
        || ',"actor_name":' || to_json(p_actor_name)::text
        || ',"amount":' || p_amount
        || ',"created_at":"'
        || to_char(p_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00"'
        || ',"credit":' || to_json(credit_name)::text || ',"credit_balance":' || credit_balance
        || ',"debit":' || to_json(debit_name)::text || ',"debit_balance":' || debit_balance
        || ',"idempotency_key":' || to_json(p_key)::text
        || ',"kind":' || to_json(p_kind)::text
        || ',"period":' || coalesce(to_json((SELECT p.name FROM period p
                                             WHERE p.id = p_period_id))::text, 'null')
        || ',"public_id":' || to_json(p_public_id)::text
        || ',"reason":' || to_json(p_reason)::text
        || ',"reference":' || p_reference
        || ',"request_hash":' || to_json(p_request_hash)::text
        || ',"reverses":' || coalesce(to_json((SELECT r.public_id FROM transfer r
                                               WHERE r.id = p_reverses))::text, 'null')
        || ',"seq":' || seq || ',"village":' || to_json(head.village_key)::text || '}',
        'UTF8')), 'hex');
    INSERT INTO transfer (village, seq, public_id, debit, credit, amount, debit_balance,
        credit_balance, kind, reason, reference, period_id, actor, actor_name, idempotency_key,
        request_hash, reverses, prev_hash, hash, created_at)
    VALUES (p_village, seq, p_public_id, debit_id, credit_id, p_amount, debit_balance,
        credit_balance, p_kind, p_reason, p_reference::json, p_period_id, p_actor, p_actor_name,
        p_key, p_request_hash, p_reverses, head.hash, hash, p_created_at)
    RETURNING id INTO transfer_id;
    UPDATE ledger_head h SET seq = ledger_append.seq, hash = ledger_append.hash,
        updated_at = p_created_at WHERE h.village = p_village;
    outcome := 'posted';
END
$$"""

OLD_SIGNATURE = ("DROP FUNCTION IF EXISTS ledger_append(integer, text, text, text, text, integer, "
                 "text, text, integer, bigint, text, text, integer, integer, text, bigint, "
                 "timestamptz)")


async def run() -> None:
    engine = db.engine()
    for statement in COLUMNS:
        await engine.run_ddl(statement)
    await rehash_all()
    await engine.run_ddl(PUBLIC_ID_INDEX)
    if not isinstance(engine, SQLiteEngine):
        await engine.run_ddl(OLD_SIGNATURE)
        await engine.run_ddl(APPEND_FUNCTION)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ledger", description=DESCRIPTION)
    manager.add_raw(run)
    return manager
