"""Writing and reading the audit log.

:func:`record` is called by every service that changes something a person asked to change, inside
that change's transaction: the entry and the change commit or vanish together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from backend.audit.tables import AuditEntry
from backend.db import is_postgres
from backend.settings import get_settings


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


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries to show: ``who`` is part of the person's name, ``kind`` the first word of
    the action (``household``, ``card``, ``evaluation`` …), ``since``/``until`` days in the
    villages' time zone, both included."""

    who: str = ""
    kind: str = ""
    since: date | None = None
    until: date | None = None


def _where(where: Any, shown: AuditFilter) -> Any:
    if shown.who:
        pattern = shown.who.replace("\\", "").replace("%", "").replace("_", "")
        column = AuditEntry.actor_name
        where &= (column.ilike if is_postgres() else column.like)(f"%{pattern}%")
    if shown.kind:
        where &= (AuditEntry.action == shown.kind) | AuditEntry.action.like(f"{shown.kind}.%")
    zone = ZoneInfo(get_settings().timezone)
    if shown.since:
        where &= AuditEntry.created_at >= datetime.combine(shown.since, time(), zone)
    if shown.until:
        where &= AuditEntry.created_at < datetime.combine(
            shown.until + timedelta(days=1), time(), zone
        )
    return where


async def entries(
    *,
    village_id: int | None = None,
    town_id: int | None = None,
    page: int,
    page_size: int,
    shown: AuditFilter | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of entries, newest first, for a village or for a whole town, filtered."""
    where = (
        AuditEntry.village == village_id
        if village_id is not None
        else (AuditEntry.town == town_id) | (AuditEntry.village.town == town_id)
    )
    where = _where(where, shown or AuditFilter())
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
