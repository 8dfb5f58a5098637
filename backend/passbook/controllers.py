"""HTTP for the passbook: one household's (the villager's own, or any for the village's staff),
and a grid's or the whole village's for the committee to print."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Literal

from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from backend.auth.principal import Role
from backend.http.access import CurrentPrincipal, allow, own_household_unless_staff
from backend.http.input import PathId
from backend.http.public_url import public_base
from backend.passbook import services
from backend.passbook.paper import passbook_pdf

PDF = "application/pdf"
OptionalId = Annotated[int | None, Parameter(ge=1)]
Day = Annotated[date | None, Parameter(description="first or last local day (inclusive)")]
PaperSize = Annotated[Literal["A5", "A4"], Parameter(description="A5 (default) or A4")]


def _pdf(content: bytes, name: str) -> Response[bytes]:
    return Response(
        content,
        media_type=PDF,
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )


class PassbookController(Controller):
    path = "/villages/{village_id:int}"
    tags = ["passbook"]

    @get(
        "/households/{household_id:int}/passbook.pdf",
        media_type=PDF,
        **allow(Role.committee, Role.town_admin, Role.grid_officer, Role.villager),
    )
    async def household_passbook(
        self,
        request: Request,
        village_id: PathId,
        household_id: PathId,
        principal: CurrentPrincipal,
        period_id: OptionalId = None,
        start: Day = None,
        end: Day = None,
        paper: PaperSize = "A5",
    ) -> Response[bytes]:
        """A household's 积分存折 over a period, or dates, or everything so far."""
        await own_household_unless_staff(principal, village_id, household_id)
        span = await services.span_of(village_id, period_id, start, end)
        book = await services.passbook(village_id, household_id, span, public_base(request))
        content = await asyncio.to_thread(passbook_pdf, [book], paper)
        return _pdf(content, f"passbook-{book.number}.pdf")

    @get("/passbooks.pdf", media_type=PDF, **allow(Role.committee, Role.town_admin))
    async def village_passbooks(
        self,
        request: Request,
        village_id: PathId,
        grid_id: OptionalId = None,
        household_id: OptionalId = None,
        period_id: OptionalId = None,
        start: Day = None,
        end: Day = None,
        paper: PaperSize = "A5",
    ) -> Response[bytes]:
        """The passbooks the committee prints: one household, a grid, or the whole village."""
        span = await services.span_of(village_id, period_id, start, end)
        base = public_base(request)
        if household_id is not None:
            books = [await services.passbook(village_id, household_id, span, base)]
        else:
            books = await services.passbooks(village_id, span, base, grid_id=grid_id)
        content = await asyncio.to_thread(passbook_pdf, books, paper)
        return _pdf(content, f"passbooks-{village_id}.pdf")
