"""HTTP for cards and codes: thin — parse, authorise (declared roles), call a service, shape."""

from __future__ import annotations

import math
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.params import JSONBody, QueryParameter

from backend import clock
from backend.auth.principal import Principal, Role
from backend.cards import card_sheets, issuing, phone_codes, pictures, pin_changes, scanning
from backend.cards import schemas as s
from backend.errors import NotFound
from backend.http.access import CurrentPrincipal, allow, own_household_unless_staff
from backend.http.callers import CurrentActor
from backend.http.input import PathId

NO_STORE = {"Cache-Control": "no-store"}


def _png(content: bytes) -> Response[bytes]:
    return Response(content=content, media_type="image/png", headers=NO_STORE)


class CardController(Controller):
    path = "/villages/{village_id:int}"
    tags = ["cards"]

    @get("/households/{household_id:int}/card", **allow(Role.committee, Role.town_admin))
    async def get_card(self, village_id: PathId, household_id: PathId) -> s.Card:
        return _card(await issuing.card(village_id, household_id))

    @get(
        "/households/{household_id:int}/card.png",
        **allow(Role.committee, Role.town_admin),
        media_type="image/png",
    )
    async def get_card_png(self, village_id: PathId, household_id: PathId) -> Response[bytes]:
        return _png(pictures.card_qr_png(await issuing.card_payload(village_id, household_id)))

    @post("/households/{household_id:int}/card/reissue", **allow(Role.committee))
    async def reissue_card(
        self, village_id: PathId, household_id: PathId, actor: CurrentActor
    ) -> s.Card:
        return _card(await issuing.reissue_card(actor, village_id, household_id))

    @put(
        "/households/{household_id:int}/card/pin",
        **allow(Role.committee, Role.villager, before_pin_change=True),
    )
    async def set_pin(
        self,
        village_id: PathId,
        household_id: PathId,
        data: JSONBody[s.PinSet],
        actor: CurrentActor,
        principal: CurrentPrincipal,
    ) -> s.Card:
        if await own_household_unless_staff(principal, village_id, household_id):
            card = await pin_changes.set_pin(
                actor, village_id, household_id, data.pin, must_change=True
            )
        else:
            card = await pin_changes.change_own_pin(
                actor,
                village_id,
                household_id,
                data.pin,
                data.current_pin,
                keep_token_hash=principal.token_hash,
            )
        return _card(card)

    # Every code on the sheet is a live card: the committee's to print, not the grid officers'.
    @get("/cards.pdf", **allow(Role.committee, Role.town_admin), media_type="application/pdf")
    async def card_sheet(
        self,
        village_id: PathId,
        grid_id: Annotated[int | None, QueryParameter(ge=1)] = None,
        household_id: Annotated[int | None, QueryParameter(ge=1)] = None,
    ) -> Response[bytes]:
        """Every current card of the village (or a grid), or one household's card reprinted
        with its current version (``household_id``): not a reissue, nothing is revoked."""
        content = await card_sheets.card_sheet_pdf(village_id, grid_id, household_id)
        return Response(
            content=content,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="cards-{village_id}.pdf"',
            },
        )

    @get("/phone-code", **allow(Role.villager))
    async def phone_code(self, village_id: PathId, principal: CurrentPrincipal) -> s.PhoneCode:
        payload, expires_at = await phone_codes.phone_code(village_id, _own(principal, village_id))
        seconds = math.ceil((expires_at - clock.now()).total_seconds())
        return s.PhoneCode(payload=payload, expires_at=expires_at, seconds=max(seconds, 0))

    @get("/phone-code.png", **allow(Role.villager), media_type="image/png")
    async def phone_code_png(
        self, village_id: PathId, principal: CurrentPrincipal
    ) -> Response[bytes]:
        payload, expires_at = await phone_codes.phone_code(village_id, _own(principal, village_id))
        response = _png(pictures.card_qr_png(payload))
        response.headers["X-Expires-At"] = expires_at.isoformat()
        response.headers["X-Payload"] = payload
        return response

    @post("/scan", **allow(Role.shopkeeper, Role.committee), status_code=200)
    async def scan(self, village_id: PathId, data: JSONBody[s.ScanRequest]) -> s.Scanned:
        scanned = await scanning.resolve(data.code, village_id=village_id)
        return msgspec.convert(scanned, s.Scanned, from_attributes=True)


def _card(card: issuing.HouseholdCard) -> s.Card:
    return msgspec.convert(card, s.Card, from_attributes=True)


def _own(principal: Principal, village_id: int) -> int:
    household_id = principal.household_in(village_id)
    if household_id is None:
        raise NotFound()
    return household_id
