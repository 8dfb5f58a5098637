"""The audit log: every change a person makes, with who, when, what and from where."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table

from backend.clock import ClockNow
from backend.registry.tables import Town, Village


class AuditEntry(Table):
    """One change. ``before``/``after`` hold the changed fields only; written in the change's
    own transaction so a rolled-back change leaves no entry and a committed one always has one.
    """

    id: Serial
    actor = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=True)
    actor_name = Varchar(length=100, default="")
    action = Varchar(length=64)
    entity = Varchar(length=64)
    entity_id = Varchar(length=64, default="")
    town = ForeignKey(references=Town, on_delete=OnDelete.restrict, null=True)
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=True)
    before = JSON(default={})
    after = JSON(default={})
    address = Varchar(length=64, default="")
    created_at = Timestamptz(default=ClockNow())
