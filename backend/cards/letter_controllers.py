"""HTTP for PIN letters: thin — the chosen households in, the printable PDF out."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, post
from litestar.params import JSONBody

from backend.auth.principal import Role
from backend.cards import letters
from backend.http.access import allow
from backend.http.callers import CurrentActor
from backend.http.input import PathId
from backend.http.public_url import public_base
from backend.registry import services as registry

Id = Annotated[int, msgspec.Meta(ge=1)]


class PinLettersIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Which households get a letter: these ids, else one grid's, else every active one."""

    household_ids: Annotated[list[Id], msgspec.Meta(max_length=2000)] = msgspec.field(
        default_factory=list
    )
    grid_id: Id | None = None


class PinLetterController(Controller):
    path = "/villages/{village_id:int}"
    tags = ["cards"]

    @post(
        "/pin-letters",
        status_code=200,
        **allow(Role.committee, Role.town_admin),
        media_type="application/pdf",
    )
    async def pin_letters(
        self,
        village_id: PathId,
        data: JSONBody[PinLettersIn],
        actor: CurrentActor,
        request: Request,
    ) -> Response[bytes]:
        """A fresh initial PIN for each chosen household, and the A4 letters to hand out (POST:
        it sets the PINs; the old ones stop working)."""
        code = (await registry.village(village_id)).code
        address = f"{public_base(request)}/me.html?village={code}"
        batch = await letters.issue_pin_letters(
            actor,
            village_id,
            household_ids=data.household_ids,
            grid_id=data.grid_id,
            page_address=address,
        )
        return Response(
            content=batch.document,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="pin-letters-{code}.pdf"',
                "Cache-Control": "no-store",
            },
        )
