"""HTTP for five-star households (五星文明户): the stars each household earned in a period."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.params import FromQuery

from backend.auth.principal import Role
from backend.http.access import allow
from backend.http.callers import CurrentScorer
from backend.http.input import PathId
from backend.scoring import schemas as s
from backend.scoring.controllers import STAFF
from backend.scoring.stars import stars


class StarsController(Controller):
    path = "/villages/{village_id:int}/periods/{period_id:int}"
    tags = ["scoring"]

    @get("/stars", **allow(*STAFF, Role.villager))
    async def list_stars(
        self,
        village_id: PathId,
        period_id: PathId,
        scorer: CurrentScorer,
        household_id: FromQuery[int | None] = None,
    ) -> list[s.Stars]:
        """Stars per household; a villager asks for (and gets) their own household only."""
        if not scorer.roles & {"committee", "grid_officer", "town_admin"}:
            household_id = scorer.household_id or 0
        rows = await stars(village_id, period_id, household_id=household_id)
        return msgspec.convert(rows, list[s.Stars], from_attributes=True)
