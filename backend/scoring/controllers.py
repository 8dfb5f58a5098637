"""HTTP for scoring: thin — parse, authorise (declared roles), call a service, shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Request, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody
from litestar.response import Response

from backend.auth.principal import Role
from backend.errors import InvalidInput, NotFound
from backend.heavy import run_heavy
from backend.http.access import ANY_ROLE, CurrentPrincipal, allow
from backend.http.callers import CurrentScorer
from backend.http.input import PathId, Upload, given
from backend.http.public_url import public_base
from backend.registry import services as registry
from backend.scoring import notice as village_notice
from backend.scoring import objections, period_close, periods, rules, rulesheet, scoresheet
from backend.scoring import schemas as s
from backend.scoring.batch import Cell, enter_batch
from backend.scoring.evaluations import evaluation as one_evaluation
from backend.scoring.evaluations import (
    evaluations,
    evidence_of,
    propose,
    propose_with_evidence,
    reject,
    verify,
    verify_many,
)
from backend.scoring.evidence import MAX_BYTES
from backend.scoring.notice_sheet import sheet_pdf

STAFF = (Role.committee, Role.grid_officer, Role.town_admin)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIDENCE_BODY_BYTES = MAX_BYTES + 64 * 1024


@dataclass
class EvidenceForm:
    """A proposal with its photo, as a phone's multipart form sends it."""

    household_id: int
    rule_id: int
    photo: UploadFile
    note: str = ""


def attachment(body: bytes, filename: str, media_type: str) -> Response[bytes]:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{filename}",
        },
    )


class RuleBookController(Controller):
    path = "/villages/{village_id:int}/rule-book"
    tags = ["scoring"]

    @get("/", **allow(*ANY_ROLE))
    async def get_rule_book(self, village_id: PathId) -> s.RuleBook:
        return msgspec.convert(
            await rules.current_rule_book(village_id), s.RuleBook, from_attributes=True
        )

    @put("/", **allow(Role.committee))
    async def adopt_rule_book(
        self, village_id: PathId, data: JSONBody[s.RuleBookIn], scorer: CurrentScorer
    ) -> s.RuleBook:
        terms = msgspec.convert(data.rules, list[rules.NewRule], from_attributes=True)
        book = await rules.adopt_rule_book(scorer.actor, village_id, terms, data.note)
        return msgspec.convert(book, s.RuleBook, from_attributes=True)

    @patch("/rules/{rule_code:str}", **allow(Role.committee))
    async def edit_rule(
        self,
        village_id: PathId,
        rule_code: FromPath[str],
        data: JSONBody[s.RuleUpdate],
        scorer: CurrentScorer,
    ) -> s.RuleBook:
        """Changing one rule adopts a new version; evaluations keep the version they used."""
        book = await rules.edit_rule(scorer.actor, village_id, rule_code, given(data))
        return msgspec.convert(book, s.RuleBook, from_attributes=True)

    @get("/xlsx", **allow(*STAFF), media_type=XLSX)
    async def export_rule_book(self, village_id: PathId) -> Response[bytes]:
        book = await rules.current_rule_book(village_id)
        return attachment(rulesheet.rule_book_xlsx(book), f"rule-book-v{book.version}.xlsx", XLSX)

    @post("/xlsx", **allow(Role.committee))
    async def import_rule_book(
        self, village_id: PathId, data: Upload, scorer: CurrentScorer
    ) -> s.RuleBook:
        parsed = await run_heavy(rulesheet.rules_from_xlsx, await data.read())
        book = await rules.adopt_rule_book(scorer.actor, village_id, parsed, "导入 Excel")
        return msgspec.convert(book, s.RuleBook, from_attributes=True)


class PeriodController(Controller):
    path = "/villages/{village_id:int}/periods"
    tags = ["scoring"]

    @get("/", **allow(*ANY_ROLE))
    async def list_periods(self, village_id: PathId) -> list[s.Period]:
        return msgspec.convert(
            await periods.periods(village_id), list[s.Period], from_attributes=True
        )

    @post("/", **allow(Role.committee))
    async def open_period(
        self, village_id: PathId, data: JSONBody[s.PeriodCreate], scorer: CurrentScorer
    ) -> s.Period:
        row = await periods.open_period(scorer.actor, village_id, **msgspec.structs.asdict(data))
        return msgspec.convert(row, s.Period, from_attributes=True)

    @get("/{period_id:int}", **allow(*ANY_ROLE))
    async def get_period(self, village_id: PathId, period_id: PathId) -> s.Period:
        return msgspec.convert(
            await periods.period(village_id, period_id), s.Period, from_attributes=True
        )

    @post("/{period_id:int}/notice", status_code=200, **allow(Role.committee))
    async def start_notice(
        self, village_id: PathId, period_id: PathId, scorer: CurrentScorer
    ) -> s.Period:
        row = await periods.start_notice(scorer.actor, village_id, period_id)
        return msgspec.convert(row, s.Period, from_attributes=True)

    @post("/{period_id:int}/close", status_code=200, **allow(Role.committee))
    async def close_period(
        self, village_id: PathId, period_id: PathId, scorer: CurrentScorer
    ) -> s.ClosedPeriod:
        row = await period_close.close_and_post(scorer.actor, village_id, period_id)
        return msgspec.convert(row, s.ClosedPeriod, from_attributes=True)


class EvaluationController(Controller):
    path = "/villages/{village_id:int}"
    tags = ["scoring"]

    @get(
        "/periods/{period_id:int}/evaluations",
        **allow(Role.committee, Role.grid_officer, Role.town_admin, Role.villager),
    )
    async def list_evaluations(
        self,
        village_id: PathId,
        period_id: PathId,
        scorer: CurrentScorer,
        household_id: FromQuery[int | None] = None,
    ) -> list[s.Evaluation]:
        """Staff see every evaluation; a villager sees their own household's once on notice
        (an upheld objection's outcome is in the objections list)."""
        await periods.period(village_id, period_id)
        if scorer.roles & {"committee", "grid_officer", "town_admin"}:
            rows = await evaluations(village_id, period_id, household_id=household_id)
        else:
            rows = await evaluations(
                village_id,
                period_id,
                household_id=scorer.household_id or 0,
                states=["notice", "posted"],
            )
        return msgspec.convert(rows, list[s.Evaluation], from_attributes=True)

    @post("/periods/{period_id:int}/evaluations", **allow(Role.committee, Role.grid_officer))
    async def propose_evaluation(
        self,
        village_id: PathId,
        period_id: PathId,
        data: JSONBody[s.EvaluationCreate],
        scorer: CurrentScorer,
    ) -> s.Evaluation:
        ids = await propose(
            scorer, village_id, period_id, data.household_id, data.rule_id, note=data.note
        )
        return msgspec.convert(
            await one_evaluation(village_id, ids[0]), s.Evaluation, from_attributes=True
        )

    @post(
        "/periods/{period_id:int}/evaluations/with-evidence",
        request_max_body_size=EVIDENCE_BODY_BYTES,
        **allow(Role.committee, Role.grid_officer),
    )
    async def propose_with_evidence(
        self,
        village_id: PathId,
        period_id: PathId,
        scorer: CurrentScorer,
        data: Annotated[EvidenceForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> s.Evaluation:
        """A proposal with a JPEG/PNG/WebP photo (≤ 5 MB); the stored copy has no EXIF/GPS."""
        if not (
            0 < data.household_id < 2**31 and 0 < data.rule_id < 2**31 and len(data.note) <= 500
        ):
            raise InvalidInput(detail="household_id, rule_id, note")
        new_id = await propose_with_evidence(
            scorer,
            village_id,
            period_id,
            data.household_id,
            data.rule_id,
            photo=await data.photo.read(),
            note=data.note,
        )
        return msgspec.convert(
            await one_evaluation(village_id, new_id), s.Evaluation, from_attributes=True
        )

    @get(
        "/evaluations/{evaluation_id:int}/evidence",
        media_type="image/jpeg",
        **allow(Role.committee, Role.town_admin),
    )
    async def get_evidence(
        self, village_id: PathId, evaluation_id: PathId, thumbnail: FromQuery[bool] = False
    ) -> Response[bytes]:
        """The stripped photo (or its thumbnail): committee and town admins only."""
        body = await evidence_of(village_id, evaluation_id, thumbnail=thumbnail)
        return Response(
            body, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"}
        )

    @post("/evaluations/{evaluation_id:int}/verify", status_code=200, **allow(Role.committee))
    async def verify_evaluation(
        self,
        village_id: PathId,
        evaluation_id: PathId,
        data: JSONBody[s.Verification],
        scorer: CurrentScorer,
    ) -> s.Evaluation:
        row = await verify(scorer, village_id, evaluation_id, data.note)
        return msgspec.convert(row, s.Evaluation, from_attributes=True)

    @post("/evaluations/verify", status_code=200, **allow(Role.committee))
    async def verify_evaluations(
        self, village_id: PathId, data: JSONBody[s.BulkVerification], scorer: CurrentScorer
    ) -> list[s.Evaluation]:
        """Verify every checked evaluation, all or none."""
        rows = await verify_many(scorer, village_id, data.evaluation_ids, data.note)
        return msgspec.convert(rows, list[s.Evaluation], from_attributes=True)

    @post("/evaluations/{evaluation_id:int}/reject", status_code=200, **allow(Role.committee))
    async def reject_evaluation(
        self,
        village_id: PathId,
        evaluation_id: PathId,
        data: JSONBody[s.Rejection],
        scorer: CurrentScorer,
    ) -> s.Evaluation:
        row = await reject(scorer, village_id, evaluation_id, data.reason)
        return msgspec.convert(row, s.Evaluation, from_attributes=True)


class ObjectionController(Controller):
    path = "/villages/{village_id:int}"
    tags = ["scoring"]

    @get(
        "/periods/{period_id:int}/objections",
        **allow(Role.committee, Role.town_admin, Role.villager),
    )
    async def list_objections(
        self, village_id: PathId, period_id: PathId, scorer: CurrentScorer
    ) -> list[s.Objection]:
        """Staff see all; a villager sees those about their own household, with the decision."""
        await periods.period(village_id, period_id)
        own = None if scorer.roles & {"committee", "town_admin"} else scorer.household_id or 0
        rows = await objections.objections(village_id, period_id, household_id=own)
        if own is not None:  # the household objected to does not learn who objected
            rows = [row.without_filer() for row in rows]
        return msgspec.convert(rows, list[s.Objection], from_attributes=True)

    @get(
        "/periods/{period_id:int}/notice",
        **allow(Role.committee, Role.grid_officer, Role.town_admin, Role.villager),
    )
    async def notice(self, village_id: PathId, period_id: PathId) -> village_notice.Notice:
        """公示: every line of the period on notice, for everyone of the village."""
        return await village_notice.notice(village_id, period_id)

    @get(
        "/periods/{period_id:int}/notice-sheet.pdf",
        media_type="application/pdf",
        **allow(Role.committee, Role.town_admin),
    )
    async def notice_sheet(
        self,
        village_id: PathId,
        period_id: PathId,
        request: Request,
        size: FromQuery[Literal["a4", "a3"]] = "a4",
    ) -> Response[bytes]:
        """The printable notice sheet (公示表) for the notice board, full names, with a QR code
        to the villagers' page (at ``JIFEN_PUBLIC_URL`` when set); for a closed period, what
        was on notice, printed again."""
        village = await registry.village(village_id)
        listed = await village_notice.notice(village_id, period_id, reprint=True)
        url = f"{public_base(request)}/me.html?village={village.code}"
        return attachment(
            sheet_pdf(village.name, listed, url, size),
            f"notice-{period_id}.pdf",
            "application/pdf",
        )

    @get("/objections/mine", **allow(Role.villager))
    async def my_objections(
        self, village_id: PathId, principal: CurrentPrincipal
    ) -> list[village_notice.ObjectionOutcome]:
        """Objections about the villager's household or filed by them, with the decisions."""
        household_id = principal.household_in(village_id)
        if household_id is None:
            raise NotFound()
        return await village_notice.outcomes(village_id, household_id, principal.user_id)

    @post("/evaluations/{evaluation_id:int}/objections", **allow(Role.committee, Role.villager))
    async def file_objection(
        self,
        village_id: PathId,
        evaluation_id: PathId,
        data: JSONBody[s.ObjectionCreate],
        scorer: CurrentScorer,
    ) -> s.Objection:
        row = await objections.file_objection(scorer, village_id, evaluation_id, data.reason)
        return msgspec.convert(row, s.Objection, from_attributes=True)

    @post("/objections/{objection_id:int}/decision", status_code=200, **allow(Role.committee))
    async def decide_objection(
        self,
        village_id: PathId,
        objection_id: PathId,
        data: JSONBody[s.ObjectionDecision],
        scorer: CurrentScorer,
    ) -> s.Objection:
        row = await objections.decide_objection(
            scorer, village_id, objection_id, uphold=data.uphold, reason=data.reason
        )
        return msgspec.convert(row, s.Objection, from_attributes=True)


class BatchController(Controller):
    path = "/villages/{village_id:int}/periods/{period_id:int}"
    tags = ["scoring"]

    @post("/evaluations/batch", status_code=200, **allow(Role.committee, Role.grid_officer))
    async def batch_entry(
        self,
        village_id: PathId,
        period_id: PathId,
        data: JSONBody[s.BatchIn],
        scorer: CurrentScorer,
        dry_run: FromQuery[bool] = False,
    ) -> s.BatchResult:
        """A grid of households × rules in one request: all entered, or none."""
        cells = [
            Cell(c.household_id, c.rule_id, c.times, index=n) for n, c in enumerate(data.cells)
        ]
        result = await enter_batch(scorer, village_id, period_id, cells, dry_run=dry_run)
        return msgspec.convert(result, s.BatchResult, from_attributes=True)

    @get("/score-sheet", **allow(*STAFF), media_type=XLSX)
    async def download_score_sheet(
        self, village_id: PathId, period_id: PathId, grid_id: FromQuery[int | None] = None
    ) -> Response[bytes]:
        body = await scoresheet.score_sheet_xlsx(village_id, period_id, grid_id)
        return attachment(body, f"score-sheet-{period_id}.xlsx", XLSX)

    @post("/score-sheet", status_code=200, **allow(Role.committee, Role.grid_officer))
    async def upload_score_sheet(
        self,
        village_id: PathId,
        period_id: PathId,
        data: Upload,
        scorer: CurrentScorer,
        dry_run: FromQuery[bool] = False,
    ) -> s.BatchResult:
        """An xlsx or CSV (UTF-8 or GBK) score sheet; ``dry_run`` previews what would be entered."""
        result = await scoresheet.upload_score_sheet(
            scorer, village_id, period_id, await data.read(), dry_run=dry_run
        )
        return msgspec.convert(result, s.BatchResult, from_attributes=True)
