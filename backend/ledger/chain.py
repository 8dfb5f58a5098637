"""The hash chain: the canonical bytes of a transfer and how links are computed.

``hash = SHA-256(prev_hash ‖ canonical bytes)``, hex. The canonical bytes are a JSON object of
every immutable field, keys sorted, no whitespace, UTF-8, with ``created_at`` as ISO text in UTC
to the microsecond: anyone with the rows can recompute the chain, in any language, and a changed
amount, reason, account, balance or time changes the hash. The row ``id`` is not in it (it is not
known before the insert); ``village`` and ``seq`` fix the transfer's place instead.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

HASHED_FIELDS = (
    "village", "seq", "debit", "credit", "amount", "debit_balance", "credit_balance", "kind",
    "reason", "reference", "period_id", "actor", "actor_name", "idempotency_key",
    "request_hash", "reverses", "created_at",
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def genesis(village_id: int) -> str:
    """The ``prev_hash`` of a village's first transfer: distinct per village, so one village's
    chain can never be passed off as another's."""
    return hashlib.sha256(f"jifen-ledger:village:{village_id}".encode()).hexdigest()


def canonical_bytes(row: dict[str, Any]) -> bytes:
    fields = {name: row[name] for name in HASHED_FIELDS}
    reference = fields["reference"]
    fields["reference"] = json.loads(reference) if isinstance(reference, str) else reference
    fields["created_at"] = iso(fields["created_at"])
    return canonical_json(fields).encode()


def link(prev_hash: str, row: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical_bytes(row)).hexdigest()


def fingerprint(request: dict[str, Any]) -> str:
    """The request hash stored with the key: what makes "the same request" the same."""
    return hashlib.sha256(canonical_json(request).encode()).hexdigest()
