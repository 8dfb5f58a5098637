"""HTTP for the deductions a close held back (the committee's 暂缓扣分 screen)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import JSONBody

from backend.auth.principal import Role
from backend.http.access import allow
from backend.http.callers import CurrentActor
from backend.http.input import PathId
from backend.scoring import held
from backend.scoring import schemas as s


class HeldController(Controller):
    path = "/villages/{village_id:int}"
    tags = ["scoring"]

    @get("/periods/{period_id:int}/held", **allow(Role.committee, Role.town_admin))
    async def list_held(self, village_id: PathId, period_id: PathId) -> list[held.HeldDeduction]:
        return await held.held(village_id, period_id)

    @post("/evaluations/{evaluation_id:int}/post-held", status_code=200, **allow(Role.committee))
    async def post_held(
        self, village_id: PathId, evaluation_id: PathId, actor: CurrentActor
    ) -> held.HeldDeduction:
        return await held.post_held(actor, village_id, evaluation_id)

    @post("/evaluations/{evaluation_id:int}/waive", status_code=200, **allow(Role.committee))
    async def waive(
        self,
        village_id: PathId,
        evaluation_id: PathId,
        data: JSONBody[s.Rejection],
        actor: CurrentActor,
    ) -> held.HeldDeduction:
        return await held.waive_held(actor, village_id, evaluation_id, data.reason)
