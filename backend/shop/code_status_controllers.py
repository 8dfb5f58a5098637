"""HTTP for the villager's page: what became of the phone code it is showing (polled while the
code is on screen). A villager asks about their own household's codes only."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from backend.auth.principal import Role
from backend.errors import NotFound
from backend.http.access import CurrentPrincipal, allow
from backend.http.input import PathId
from backend.shop.code_status import CodeStatus, code_status

Payload = Annotated[
    str | None,
    Parameter(
        min_length=1,
        max_length=200,
        description=(
            "the JF2 payload the page shows (without it: the newest code the household spent)"
        ),
    ),
]


class PhoneCodeStatusController(Controller):
    path = "/villages/{village_id:int}/phone-code"
    tags = ["cards"]

    @get("/status", **allow(Role.villager))
    async def status(
        self, village_id: PathId, principal: CurrentPrincipal, code: Payload = None
    ) -> CodeStatus:
        household_id = principal.household_in(village_id)
        if household_id is None:
            raise NotFound()
        return await code_status(village_id, household_id, code)
