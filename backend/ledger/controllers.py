"""HTTP for the ledger: statements, the two numbers, manual adjustments, exports, chain heads.

Thin: parse, authorise (declared roles; a villager sees only their own household), call a
service, shape. Every write needs an ``Idempotency-Key`` header (the client makes it before it
sends and keeps it for retries).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromQuery, JSONBody, Parameter

from backend import clock
from backend.auth.principal import Role
from backend.errors import InvalidInput
from backend.http.access import ANY_ROLE, CurrentPrincipal, allow, own_household_unless_staff
from backend.http.callers import CurrentActor
from backend.http.input import IdempotencyKey, Page, PageSize, PathId, require_idempotency_key
from backend.ledger import approvals, lines, services
from backend.ledger import schemas as s
from backend.ledger.verify import heads
from backend.registry import services as registry

READERS = (Role.committee, Role.grid_officer, Role.town_admin)
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_EXPORT_DAYS = 1830


class LedgerController(Controller):
    path = "/villages/{village_id:int}"
    tags = ["ledger"]

    @get("/households/{household_id:int}/statement", **allow(*READERS, Role.villager))
    async def statement(
        self,
        village_id: PathId,
        household_id: PathId,
        principal: CurrentPrincipal,
        page: Page = 1,
        page_size: PageSize = 50,
        period_id: Annotated[int | None, Parameter(ge=1)] = None,
    ) -> s.Statement:
        await own_household_unless_staff(principal, village_id, household_id)
        await registry.household(village_id, household_id)
        rows, total = await services.statement(
            village_id, household_id, page=page, page_size=page_size, period_id=period_id
        )
        return s.Statement(
            household_id=household_id,
            balance=await services.balance(village_id, household_id),
            items=msgspec.convert([lines.statement_line(r) for r in rows], list[s.StatementLine]),
            total=total,
            page=page,
            page_size=page_size,
            period_id=period_id,
        )

    @get("/households/{household_id:int}/points", **allow(*READERS, Role.villager))
    async def points(
        self,
        village_id: PathId,
        household_id: PathId,
        principal: CurrentPrincipal,
        period_id: Annotated[int | None, Parameter(ge=1)] = None,
    ) -> s.Points:
        await own_household_unless_staff(principal, village_id, household_id)
        await registry.household(village_id, household_id)
        return s.Points(
            household_id=household_id,
            balance=await services.balance(village_id, household_id),
            earned=await services.earned(village_id, household_id),
            period_id=period_id,
            earned_in_period=None
            if period_id is None
            else await services.earned(village_id, household_id, period_id),
        )

    @post("/households/{household_id:int}/adjustments", **allow(Role.committee))
    async def adjust(
        self,
        village_id: PathId,
        household_id: PathId,
        data: JSONBody[s.AdjustmentCreate],
        actor: CurrentActor,
        idempotency_key: IdempotencyKey = None,
    ) -> s.Transfer:
        key = require_idempotency_key(idempotency_key)
        posted = await approvals.adjust(
            actor,
            village_id,
            household_id,
            data.amount,
            key=f"http:{key}",
            reason=data.reason,
        )
        return msgspec.convert(posted, s.Transfer, from_attributes=True)

    @get(
        "/ledger/export",
        **allow(Role.committee, Role.town_admin),
        media_type=EXPORT_TYPES["csv"],
        response_description="CSV (format=csv, the default) or xlsx (format=xlsx)",
    )
    async def export(
        self,
        village_id: PathId,
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        format: FromQuery[Literal["csv", "xlsx"]] = "csv",
    ) -> Response[bytes]:
        end = end or clock.now().astimezone(lines.LOCAL).date()
        start = start or end - timedelta(days=90)
        if not timedelta(0) <= end - start <= timedelta(days=MAX_EXPORT_DAYS):
            raise InvalidInput(
                detail=f"start must be before end, at most {MAX_EXPORT_DAYS} days apart"
            )
        rows = await lines.export_rows(village_id, start, end)
        content = lines.to_csv(rows) if format == "csv" else lines.to_xlsx(rows)
        name = f"ledger-village{village_id}-{start}-{end}.{format}"
        return Response(
            content,
            media_type=EXPORT_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/ledger/head", **allow(*ANY_ROLE))
    async def head(self, village_id: PathId) -> s.ChainHead:
        found = await heads(village_id)
        if not found:
            return s.ChainHead(village_id=village_id, seq=0, hash="")
        return s.ChainHead(village_id=village_id, seq=found[0].seq, hash=found[0].hash)


class AdjustmentRequestController(Controller):
    """Adjustments above the village's limit: proposed by one committee member, approved or
    refused by another."""

    path = "/villages/{village_id:int}/adjustment-requests"
    tags = ["ledger"]

    @get("/", **allow(Role.committee, Role.town_admin))
    async def list_requests(
        self,
        village_id: PathId,
        status: FromQuery[Literal["pending", "approved", "refused", "all"]] = "pending",
    ) -> list[approvals.AdjustmentRequestRecord]:
        """Newest first, at most 200; ``all`` lists the decided ones too (the history)."""
        return await approvals.requests(village_id, None if status == "all" else status)

    @post("/", **allow(Role.committee))
    async def propose(
        self,
        village_id: PathId,
        data: JSONBody[s.AdjustmentRequestCreate],
        actor: CurrentActor,
        idempotency_key: IdempotencyKey = None,
    ) -> approvals.AdjustmentRequestRecord:
        key = require_idempotency_key(idempotency_key)
        return await approvals.propose(
            actor,
            village_id,
            data.household_id,
            data.amount,
            key=f"http:{key}",
            reason=data.reason,
        )

    @post("/{request_id:int}/approve", status_code=200, **allow(Role.committee))
    async def approve(
        self, village_id: PathId, request_id: PathId, actor: CurrentActor
    ) -> approvals.AdjustmentRequestRecord:
        return await approvals.approve(actor, village_id, request_id)

    @post("/{request_id:int}/refuse", status_code=200, **allow(Role.committee))
    async def refuse(
        self,
        village_id: PathId,
        request_id: PathId,
        data: JSONBody[s.AdjustmentRequestRefusal],
        actor: CurrentActor,
    ) -> approvals.AdjustmentRequestRecord:
        return await approvals.refuse(actor, village_id, request_id, data.reason)
