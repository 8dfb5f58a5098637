"""HTTP for volunteer activities: thin — parse, authorise (declared roles), call a service."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.params import JSONBody, Parameter

from backend import clock
from backend.activities import confirmation, services, sheets, signups
from backend.activities import schemas as s
from backend.auth.principal import Role
from backend.errors import DomainError, NotFound
from backend.http.access import ANY_ROLE, CurrentPrincipal, allow
from backend.http.callers import CurrentActor, CurrentScorer
from backend.http.input import IdempotencyKey, PathId, require_idempotency_key
from backend.http.language import language_of

ORGANISERS = (Role.committee, Role.grid_officer)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Status = Literal["planned", "running", "finished", "confirmed"]


class ActivityController(Controller):
    path = "/villages/{village_id:int}/activities"
    tags = ["activities"]

    @get("/", **allow(*ANY_ROLE))
    async def list_activities(
        self, village_id: PathId, status: Annotated[Status | None, Parameter()] = None
    ) -> list[s.Activity]:
        return msgspec.convert(
            await services.activities(village_id, status), list[s.Activity], from_attributes=True
        )

    @post("/", **allow(*ORGANISERS))
    async def create_activity(
        self, village_id: PathId, data: JSONBody[s.ActivityCreate], scorer: CurrentScorer
    ) -> s.Activity:
        """The caller organises the activity."""
        fields = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
        return msgspec.convert(
            await services.create_activity(scorer, village_id, fields),
            s.Activity,
            from_attributes=True,
        )

    @get("/{activity_id:int}", **allow(*ANY_ROLE))
    async def get_activity(self, village_id: PathId, activity_id: PathId) -> s.Activity:
        return msgspec.convert(
            await services.activity(village_id, activity_id), s.Activity, from_attributes=True
        )

    @post("/{activity_id:int}/start", status_code=200, **allow(*ORGANISERS))
    async def start_activity(
        self, village_id: PathId, activity_id: PathId, scorer: CurrentScorer
    ) -> s.Activity:
        return msgspec.convert(
            await services.start_activity(scorer, village_id, activity_id),
            s.Activity,
            from_attributes=True,
        )

    @get("/{activity_id:int}/signups", **allow(*ORGANISERS, Role.town_admin))
    async def list_signups(self, village_id: PathId, activity_id: PathId) -> list[s.Signup]:
        return msgspec.convert(
            await signups.signups(village_id, activity_id), list[s.Signup], from_attributes=True
        )

    @post("/{activity_id:int}/signups", **allow(Role.villager))
    async def sign_up(
        self,
        village_id: PathId,
        activity_id: PathId,
        actor: CurrentActor,
        principal: CurrentPrincipal,
    ) -> list[s.Signup]:
        """A villager signs their own household up (报名)."""
        household_id = principal.household_in(village_id)
        if household_id is None:
            raise NotFound()
        listed = await signups.sign_up(actor, village_id, activity_id, household_id)
        return msgspec.convert(listed, list[s.Signup], from_attributes=True)

    @get("/{activity_id:int}/attendances", **allow(*ORGANISERS, Role.town_admin))
    async def list_attendances(self, village_id: PathId, activity_id: PathId) -> list[s.Attendance]:
        return msgspec.convert(
            await services.attendances(village_id, activity_id),
            list[s.Attendance],
            from_attributes=True,
        )

    @post("/{activity_id:int}/attendances", **allow(*ORGANISERS))
    async def check_in(
        self,
        village_id: PathId,
        activity_id: PathId,
        data: JSONBody[s.CheckIn],
        scorer: CurrentScorer,
        idempotency_key: IdempotencyKey = None,
    ) -> s.Attendance:
        """Scan a household's card or phone code; a retry with the same key answers the same."""
        scan = services.Scan(
            data.code, require_idempotency_key(idempotency_key), data.member_id, data.scanned_at
        )
        return msgspec.convert(
            await services.check_in(scorer, village_id, activity_id, scan),
            s.Attendance,
            from_attributes=True,
        )

    @post("/{activity_id:int}/attendances/batch", status_code=200, **allow(*ORGANISERS))
    async def check_in_batch(
        self,
        request: Request,
        village_id: PathId,
        activity_id: PathId,
        data: JSONBody[s.CheckInBatch],
        scorer: CurrentScorer,
    ) -> list[s.BatchResult]:
        """An offline phone's queue, safe to send again: each scan is recorded once."""
        scans = [
            services.Scan(q.code, q.idempotency_key, q.member_id, q.scanned_at) for q in data.scans
        ]
        language = language_of(request)
        out = []
        for scan, result in await services.check_in_batch(scorer, village_id, activity_id, scans):
            if isinstance(result, DomainError):
                out.append(
                    s.BatchResult(
                        scan.key, False, code=result.code, detail=result.message(language)
                    )
                )
            else:
                out.append(
                    s.BatchResult(
                        scan.key, True, msgspec.convert(result, s.Attendance, from_attributes=True)
                    )
                )
        return out

    @put("/{activity_id:int}/attendances/{attendance_id:int}/member", **allow(*ORGANISERS))
    async def set_member(
        self,
        village_id: PathId,
        activity_id: PathId,
        attendance_id: PathId,
        data: JSONBody[s.MemberChoice],
        scorer: CurrentScorer,
    ) -> s.Attendance:
        """Which member of the household came (their volunteer hours)."""
        return msgspec.convert(
            await services.set_member(
                scorer, village_id, activity_id, attendance_id, data.member_id
            ),
            s.Attendance,
            from_attributes=True,
        )

    @get(
        "/{activity_id:int}/attendances/xlsx",
        **allow(*ORGANISERS, Role.town_admin),
        media_type=XLSX,
    )
    async def attendance_sheet(self, village_id: PathId, activity_id: PathId) -> Response[bytes]:
        name, body = await sheets.attendance_xlsx(village_id, activity_id)
        return Response(
            body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )

    @get(
        "/{activity_id:int}/sign-in-sheet",
        **allow(*ORGANISERS, Role.town_admin),
        media_type="application/pdf",
    )
    async def sign_in_sheet(self, village_id: PathId, activity_id: PathId) -> Response[bytes]:
        """A4 paper sign-in sheet with every household's card QR, for villages without phones."""
        body = await sheets.sign_in_sheet_pdf(village_id, activity_id)
        return Response(
            body,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="sign-in-{activity_id}.pdf"'},
        )

    @post("/{activity_id:int}/finish", status_code=200, **allow(*ORGANISERS))
    async def finish_activity(
        self, village_id: PathId, activity_id: PathId, scorer: CurrentScorer
    ) -> s.Activity:
        """Each attendance becomes a proposed evaluation of the activity's rule."""
        return msgspec.convert(
            await confirmation.finish_activity(scorer, village_id, activity_id),
            s.Activity,
            from_attributes=True,
        )

    @post("/{activity_id:int}/confirm", status_code=200, **allow(Role.committee))
    async def confirm_activity(
        self,
        village_id: PathId,
        activity_id: PathId,
        data: JSONBody[s.Confirmation],
        scorer: CurrentScorer,
    ) -> s.Activity:
        """Another committee member confirms the list, striking names that should not count."""
        strikes = {strike.attendance_id: strike.reason for strike in data.strikes}
        return msgspec.convert(
            await confirmation.confirm_activity(scorer, village_id, activity_id, strikes),
            s.Activity,
            from_attributes=True,
        )


class VolunteerHoursController(Controller):
    path = "/villages/{village_id:int}/volunteer-hours"
    tags = ["activities"]

    @get("/", **allow(*ORGANISERS, Role.town_admin))
    async def volunteer_hours(
        self, village_id: PathId, year: Annotated[int | None, Parameter(ge=2020, le=2100)] = None
    ) -> list[s.VolunteerHours]:
        """Per household (no member) and per member, over one calendar year (this one unless
        ``year`` is given)."""
        year = year or clock.local_now().year
        return msgspec.convert(
            await sheets.volunteer_hours(village_id, year),
            list[s.VolunteerHours],
            from_attributes=True,
        )
