"""The hash chain: the canonical bytes of a transfer and how links are computed.

``hash = SHA-256(prev_hash ‖ canonical bytes)``, hex. The canonical bytes are a JSON object of
every immutable field, keys sorted, no whitespace, UTF-8, with ``created_at`` as ISO text in UTC
to the microsecond: anyone with the rows can recompute the chain, in any language, and a changed
amount, reason, account, balance or time changes the hash.

Every field names things by a stable global identifier, never by a database's serial id, so a
village's history can move into another database (a county consolidating its townships, see
``jifen ledger export-village``) and every link and chain head stays the same:

- ``village``: the village key ``<town code>/<village code>`` (frozen on the chain head when the
  chain starts; the genesis is derived from it);
- ``debit``/``credit``: the account's identity (``issuance``, ``household:<public id>``,
  ``shop:<village key>/<shop name>``, frozen on the account when it opens);
- ``period``: the period's name (unique per village); ``actor``: the user's login name;
- ``public_id``: the transfer's own random id; ``reverses``: the reversed transfer's public id;
- ``seq``: the transfer's place in its village's chain.

The ``idempotency_key`` and ``reference`` are hashed as written when the transfer was posted;
after a move they still name the source rows by the ids they had there (see the README).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from datetime import UTC, datetime
from typing import Any

# The canonical field and the column of a chain row (verify's query, posting's row) it is read
# from.
HASHED_FIELDS = {
    "village": "village_key",
    "seq": "seq",
    "public_id": "public_id",
    "debit": "debit_identity",
    "credit": "credit_identity",
    "amount": "amount",
    "debit_balance": "debit_balance",
    "credit_balance": "credit_balance",
    "kind": "kind",
    "reason": "reason",
    "reference": "reference",
    "period": "period_name",
    "actor": "actor_username",
    "actor_name": "actor_name",
    "idempotency_key": "idempotency_key",
    "request_hash": "request_hash",
    "reverses": "reverses_public_id",
    "created_at": "created_at",
}


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def village_key(town_code: str, village_code: str) -> str:
    """A village's identity across deployments: village codes are unique within one database,
    but two townships' databases may each have a village ``DJC``; their towns' codes differ."""
    return f"{town_code}/{village_code}"


def genesis(key: str) -> str:
    """The ``prev_hash`` of a village's first transfer: distinct per village key, so one
    village's chain can never be passed off as another's, in any database."""
    return hashlib.sha256(f"jifen-ledger:village:{key}".encode()).hexdigest()


def new_public_id() -> str:
    """A transfer's own id: 16 upper-case base32 characters (80 random bits)."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def canonical_bytes(row: dict[str, Any]) -> bytes:
    fields = {name: row[column] for name, column in HASHED_FIELDS.items()}
    reference = fields["reference"]
    fields["reference"] = json.loads(reference) if isinstance(reference, str) else reference
    fields["created_at"] = iso(fields["created_at"])
    return canonical_json(fields).encode()


def link(prev_hash: str, row: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical_bytes(row)).hexdigest()


def fingerprint(request: dict[str, Any]) -> str:
    """The request hash stored with the key: what makes "the same request" the same."""
    return hashlib.sha256(canonical_json(request).encode()).hexdigest()


# A village's transfers with every hashed field in its stable form, in chain order. Written once
# for both engines; verify, the re-hash migration and export read it.
CHAIN_ROWS_SQL = """SELECT t.*, h.village_key, d.identity AS debit_identity,
    c.identity AS credit_identity, p.name AS period_name, u.username AS actor_username,
    r.public_id AS reverses_public_id
    FROM transfer t
    LEFT JOIN ledger_head h ON h.village = t.village
    LEFT JOIN account d ON d.id = t.debit
    LEFT JOIN account c ON c.id = t.credit
    LEFT JOIN period p ON p.id = t.period_id
    LEFT JOIN piccolo_user u ON u.id = t.actor
    LEFT JOIN transfer r ON r.id = t.reverses
    WHERE t.village = :village ORDER BY t.seq, t.id"""
