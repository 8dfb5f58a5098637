"""HTTP for the village's scoring settings: the five-star threshold and the cross-evaluation
bands."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, patch
from litestar.params import JSONBody

from backend.auth.principal import Role
from backend.http.access import ANY_ROLE, allow
from backend.http.callers import CurrentScorer
from backend.http.input import PathId, given
from backend.scoring import schemas as s
from backend.scoring import scoring_settings


class ScoringSettingsController(Controller):
    path = "/villages/{village_id:int}/scoring-settings"
    tags = ["scoring"]

    @get("/", **allow(*ANY_ROLE))
    async def get_settings(self, village_id: PathId) -> s.ScoringSettings:
        return msgspec.convert(
            await scoring_settings.scoring_settings(village_id),
            s.ScoringSettings,
            from_attributes=True,
        )

    @patch("/", **allow(Role.committee))
    async def update_settings(
        self,
        village_id: PathId,
        data: JSONBody[s.ScoringSettingsUpdate],
        scorer: CurrentScorer,
    ) -> s.ScoringSettings:
        changes = given(data)
        if "cross_bands" in changes:
            changes["cross_bands"] = [list(band) for band in data.cross_bands or []]
        row = await scoring_settings.update_scoring_settings(scorer.actor, village_id, changes)
        return msgspec.convert(row, s.ScoringSettings, from_attributes=True)
