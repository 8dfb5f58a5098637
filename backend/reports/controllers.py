"""HTTP for reports: read-only, town admins only."""

from __future__ import annotations

import msgspec
from litestar import Controller, get

from backend.auth.principal import Role
from backend.http.access import allow
from backend.http.input import PathId
from backend.reports import services
from backend.reports.schemas import TownDashboard, VillageFigures


class TownDashboardController(Controller):
    path = "/towns/{town_id:int}/dashboard"
    tags = ["reports"]

    @get("/", **allow(Role.town_admin))
    async def town_dashboard(self, town_id: PathId) -> TownDashboard:
        """The town's villages side by side, each with a small SVG bar chart."""
        rows = await services.town_dashboard(town_id)
        return TownDashboard(town_id=town_id,
                             villages=msgspec.convert(rows, list[VillageFigures]))
