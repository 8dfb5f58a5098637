"""HTTP for reports: read-only, town admins only."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from backend.auth.principal import Role
from backend.http.access import allow
from backend.http.input import PathId
from backend.reports import services
from backend.reports.schemas import TownDashboard, VillageFigures


class TownDashboardController(Controller):
    path = "/towns/{town_id:int}/dashboard"
    tags = ["reports"]

    @get("/", **allow(Role.town_admin))
    async def town_dashboard(
        self,
        town_id: PathId,
        year: Annotated[int | None, Parameter(ge=2020, le=2100)] = None,
        month: Annotated[int | None, Parameter(ge=1, le=12)] = None,
    ) -> TownDashboard:
        """The town's villages side by side, each with a small SVG bar chart; with ``year`` and
        ``month``, the points issued and redeemed and the participation of that month."""
        if (year is None) != (month is None):
            year = month = None
        rows = await services.town_dashboard(town_id, year, month)
        return TownDashboard(
            town_id=town_id,
            year=year,
            month=month,
            villages=msgspec.convert(rows, list[VillageFigures], from_attributes=True),
        )
