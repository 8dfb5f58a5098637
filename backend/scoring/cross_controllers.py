"""HTTP for cross-evaluation (道德小组交叉评议): the groups' assignments, the marks, the marking
sheets on screen and on paper, the results and their tally into proposed evaluations."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import JSONBody, Parameter

from backend.auth.principal import Role
from backend.errors import InvalidInput
from backend.http.access import allow
from backend.http.callers import CurrentScorer
from backend.http.input import PathId
from backend.scoring import cross, marksheet
from backend.scoring import schemas as s
from backend.scoring.controllers import STAFF

OptionalId = Annotated[int | None, Parameter(ge=1)]


class CrossEvaluationController(Controller):
    path = "/villages/{village_id:int}/periods/{period_id:int}"
    tags = ["scoring"]

    @get("/cross-assignments", **allow(*STAFF))
    async def list_assignments(self, village_id: PathId, period_id: PathId) -> list[s.Assignment]:
        rows = await cross.assignments(village_id, period_id)
        return msgspec.convert(rows, list[s.Assignment], from_attributes=True)

    @post("/cross-assignments", status_code=200, **allow(Role.committee))
    async def assign_groups(
        self,
        village_id: PathId,
        period_id: PathId,
        data: JSONBody[s.Assignments],
        scorer: CurrentScorer,
    ) -> list[s.Assignment]:
        pairs = [(p.marker_group_id, p.target_group_id) for p in data.pairs]
        rows = await cross.assign_groups(scorer.actor, village_id, period_id, pairs)
        return msgspec.convert(rows, list[s.Assignment], from_attributes=True)

    @post("/cross-marks", status_code=200, **allow(Role.committee, Role.grid_officer))
    async def enter_marks(
        self,
        village_id: PathId,
        period_id: PathId,
        data: JSONBody[s.MarkSheet],
        scorer: CurrentScorer,
    ) -> s.MarksEntered:
        """One marker household's sheet of 0–10 marks, typed in by staff."""
        marks = [(m.household_id, m.criterion, m.mark) for m in data.marks]
        entered = await cross.enter_marks(
            scorer, village_id, period_id, data.marker_household_id, marks
        )
        return s.MarksEntered(entered=entered)

    @get("/cross-sheets/{household_id:int}", **allow(*STAFF))
    async def marking_sheet(
        self, village_id: PathId, period_id: PathId, household_id: PathId
    ) -> s.MarkingSheet:
        """The marker household's sheet: whom its group marks, the criteria, marks so far."""
        sheet = await marksheet.marking_sheet(village_id, period_id, household_id)
        return msgspec.convert(sheet, s.MarkingSheet, from_attributes=True)

    @get("/cross-sheets.pdf", **allow(*STAFF), media_type="application/pdf")
    async def marking_sheets_pdf(
        self,
        village_id: PathId,
        period_id: PathId,
        household_id: OptionalId = None,
        group_id: OptionalId = None,
    ) -> Response[bytes]:
        """Paper sheets for members without phones: one household's, one group's, or (with
        neither) every member's of every group assigned to mark this period."""
        if household_id is not None and group_id is not None:
            raise InvalidInput(detail="household_id or group_id, not both")
        sheets = (
            [await marksheet.marking_sheet(village_id, period_id, household_id)]
            if household_id is not None
            else await marksheet.marking_sheets(village_id, period_id, group_id=group_id)
        )
        content = await marksheet.marking_sheets_pdf(village_id, sheets)
        return Response(
            content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="cross-sheets-{period_id}.pdf"'},
        )

    @get("/cross-results", **allow(*STAFF))
    async def cross_results(self, village_id: PathId, period_id: PathId) -> list[s.CrossResult]:
        rows = await cross.cross_results(village_id, period_id)
        return msgspec.convert(rows, list[s.CrossResult], from_attributes=True)

    @post("/cross-results", status_code=200, **allow(Role.committee))
    async def propose_cross_results(
        self,
        village_id: PathId,
        period_id: PathId,
        data: JSONBody[s.Tally],
        scorer: CurrentScorer,
    ) -> list[s.CrossResult]:
        """Turn the results into proposed evaluations of the named rule (then 入户核实 as usual)."""
        rows = await cross.propose_cross_results(scorer, village_id, period_id, data.rule_id)
        return msgspec.convert(rows, list[s.CrossResult], from_attributes=True)
