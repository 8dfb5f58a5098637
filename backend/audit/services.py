"""Writing and reading the audit log.

:func:`record` is called by every service that changes something a person asked to change, inside
that change's transaction: the entry and the change commit or vanish together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from backend.audit.tables import AuditEntry


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change: a logged-in user, or the command line (``user_id`` None)."""

    user_id: int | None
    name: str
    address: str = ""


CLI_ACTOR = Actor(user_id=None, name="cli", address="local")


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Keep only the fields that differ, so an entry says what changed and nothing else."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


async def record(
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    *,
    village_id: int | None = None,
    town_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    await AuditEntry.insert(
        AuditEntry(
            actor=actor.user_id,
            actor_name=actor.name,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            village=village_id,
            town=town_id,
            before=json.dumps(before or {}, ensure_ascii=False, default=str),
            after=json.dumps(after or {}, ensure_ascii=False, default=str),
            address=actor.address[:64],
        )
    ).run()


async def entries(
    *, village_id: int | None = None, town_id: int | None = None, page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of entries, newest first, for a village or for a whole town."""
    where = AuditEntry.village == village_id if village_id is not None else (
        AuditEntry.town == town_id
    ) | (AuditEntry.village.town == town_id)
    rows = (
        await AuditEntry.select(
            AuditEntry.id,
            AuditEntry.actor,
            AuditEntry.actor_name,
            AuditEntry.action,
            AuditEntry.entity,
            AuditEntry.entity_id,
            AuditEntry.village,
            AuditEntry.before,
            AuditEntry.after,
            AuditEntry.address,
            AuditEntry.created_at,
        )
        .where(where)
        .order_by(AuditEntry.id, ascending=False)
        .limit(page_size)
        .offset((page - 1) * page_size)
        .output(load_json=True)
        .run()
    )
    total = await AuditEntry.count().where(where).run()
    return rows, total
