"""HTTP for reading the audit log (committee for its village, town admins for their town)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import FromQuery, Parameter

from backend.audit import services
from backend.auth.principal import Role
from backend.http.access import allow
from backend.http.input import Page, PageSize, PathId


class AuditEntry(msgspec.Struct, kw_only=True):
    id: int
    actor: int | None
    actor_name: str
    action: str
    entity: str
    entity_id: str
    village: int | None
    before: dict[str, Any]
    after: dict[str, Any]
    address: str
    created_at: datetime


class AuditPage(msgspec.Struct, kw_only=True):
    items: list[AuditEntry]
    total: int
    page: int
    page_size: int


async def _page(
    page: int, page_size: int, shown: services.AuditFilter | None = None, **scope: int
) -> AuditPage:
    rows, total = await services.entries(page=page, page_size=page_size, shown=shown, **scope)
    return AuditPage(
        items=msgspec.convert(rows, list[AuditEntry]),
        total=total,
        page=page,
        page_size=page_size,
    )


class AuditController(Controller):
    tags = ["audit"]

    @get("/villages/{village_id:int}/audit", **allow(Role.committee, Role.town_admin))
    async def village_audit(
        self,
        village_id: PathId,
        page: Page = 1,
        page_size: PageSize = 50,
        who: Annotated[str, Parameter(max_length=50)] = "",
        kind: Annotated[str, Parameter(max_length=32, pattern=r"^[a-z_]*$")] = "",
        since: FromQuery[date | None] = None,
        until: FromQuery[date | None] = None,
    ) -> AuditPage:
        """Who did what, newest first; filtered by part of a person's name, the kind of thing
        changed (``household``, ``card``, ``evaluation`` …) and a range of days."""
        shown = services.AuditFilter(who=who.strip(), kind=kind, since=since, until=until)
        return await _page(page, page_size, shown, village_id=village_id)

    @get("/towns/{town_id:int}/audit", **allow(Role.town_admin))
    async def town_audit(
        self, town_id: PathId, page: Page = 1, page_size: PageSize = 50
    ) -> AuditPage:
        return await _page(page, page_size, town_id=town_id)
