"""HTTP for leaderboards, red/black boards, posters and the public notice-board screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromQuery, Parameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from backend.auth.principal import Principal, Role
from backend.boards import leaderboard, live, public, redis_leaderboards, services
from backend.boards import schemas as s
from backend.boards.poster import poster_pdf, poster_png
from backend.boards.redis_leaderboards import Scope
from backend.errors import InvalidInput, NotFound
from backend.http.access import (
    ANY_ROLE,
    PUBLIC,
    CurrentPrincipal,
    allow,
    own_household_unless_staff,
)
from backend.http.callers import CurrentActor
from backend.http.input import PathId
from backend.http.public_url import is_loopback, public_base
from backend.registry import services as registry
from backend.registry.tables import Village
from backend.settings import get_settings

ScopeName = Literal["village", "grid", "group"]
# ``scope`` is Litestar's name for the ASGI scope, so the query parameter is mapped explicitly.
ScopeQuery = Annotated[ScopeName, QueryParameter(name="scope")]
STAFF = (Role.committee, Role.town_admin)


def _scope(scope: ScopeName, scope_id: int | None) -> Scope:
    if (scope == "village") != (scope_id is None):
        raise InvalidInput(detail="scope_id")
    return (scope, scope_id)


async def _sees_hardship(principal: Principal, village_id: int) -> bool:
    """The committee and the town admin see the whole ranking and how many hardship households
    the black board left off; everyone else sees neither (backend/boards/services.py)."""
    town_id = await registry.town_of_village(village_id) or 0
    return bool(principal.roles_in(village_id, town_id) & set(STAFF))


def _for(board: s.Board, sees_hardship: bool) -> s.Board:
    return board if sees_hardship else msgspec.structs.replace(board, hardship_left_off=None)


def verify_url(request: Request, public_id: str) -> str:
    return f"{public_base(request)}/verify.html?board={public_id}"


class BoardsController(Controller):
    path = "/villages/{village_id:int}"
    tags = ["boards"]

    @get("/leaderboard", **allow(*ANY_ROLE))
    async def leaderboard(
        self,
        village_id: PathId,
        scope_kind: ScopeQuery = "village",
        scope_id: Annotated[int | None, Parameter(ge=1)] = None,
        period_id: Annotated[int | None, Parameter(ge=1)] = None,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
        *,
        principal: CurrentPrincipal,
    ) -> s.Leaderboard:
        standings = await leaderboard.top(
            village_id, period_id, _scope(scope_kind, scope_id), limit
        )
        if not await _sees_hardship(principal, village_id):
            standings = await leaderboard.above_the_line(village_id, standings)
        return s.Leaderboard(
            scope=scope_kind,
            scope_id=scope_id,
            period_id=period_id,
            items=msgspec.convert(
                await leaderboard.named(standings), list[s.Ranked], from_attributes=True
            ),
        )

    @get(
        "/households/{household_id:int}/rank",
        **allow(Role.committee, Role.grid_officer, Role.town_admin, Role.villager),
    )
    async def rank(
        self,
        village_id: PathId,
        household_id: PathId,
        principal: CurrentPrincipal,
        scope_kind: ScopeQuery = "village",
        scope_id: Annotated[int | None, Parameter(ge=1)] = None,
        period_id: Annotated[int | None, Parameter(ge=1)] = None,
    ) -> s.Rank:
        await own_household_unless_staff(principal, village_id, household_id)
        mine, near, ranked = await leaderboard.standing(
            village_id, household_id, period_id, _scope(scope_kind, scope_id)
        )
        if not await _sees_hardship(principal, village_id):
            near = await leaderboard.above_the_line(village_id, near, keep=household_id)
        return s.Rank(
            household_id=household_id,
            earned=mine.earned,
            rank=mine.rank,
            ranked=ranked,
            neighbours=msgspec.convert(
                await leaderboard.named(near), list[s.Ranked], from_attributes=True
            ),
        )

    @get("/periods/{period_id:int}/board/preview", **allow(*STAFF))
    async def preview(self, village_id: PathId, period_id: PathId) -> s.BoardPreview:
        return msgspec.convert(
            await services.compute(village_id, period_id), s.BoardPreview, from_attributes=True
        )

    @post("/periods/{period_id:int}/board", **allow(Role.committee))
    async def publish(self, village_id: PathId, period_id: PathId, actor: CurrentActor) -> s.Board:
        return msgspec.convert(
            await services.publish(actor, village_id, period_id), s.Board, from_attributes=True
        )

    @get("/boards", **allow(*ANY_ROLE))
    async def list_boards(
        self,
        village_id: PathId,
        limit: Annotated[int | None, Parameter(ge=1, le=100)] = None,
        *,
        principal: CurrentPrincipal,
    ) -> list[s.Board]:
        sees = await _sees_hardship(principal, village_id)
        return [
            _for(b, sees)
            for b in msgspec.convert(
                await services.boards(village_id, limit), list[s.Board], from_attributes=True
            )
        ]

    @get("/boards/{board_id:int}", **allow(*ANY_ROLE))
    async def get_board(
        self, village_id: PathId, board_id: PathId, principal: CurrentPrincipal
    ) -> s.Board:
        return _for(
            msgspec.convert(
                await services.board(village_id, board_id), s.Board, from_attributes=True
            ),
            await _sees_hardship(principal, village_id),
        )

    @get(
        "/boards/{board_id:int}/poster",
        **allow(*STAFF),
        media_type="application/pdf",
        response_description="PDF (format=pdf, the default) or PNG (format=png)",
    )
    async def poster(
        self,
        village_id: PathId,
        board_id: PathId,
        request: Request,
        format: FromQuery[Literal["png", "pdf"]] = "pdf",
    ) -> Response[bytes]:
        board = await services.board(village_id, board_id)
        url = verify_url(request, board.public_id)
        body, media = (
            (poster_pdf(board, url), "application/pdf")
            if format == "pdf"
            else (poster_png(board, url), "image/png")
        )
        name = f"board-{board_id}.{format}"
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/public-url", **allow(*STAFF))
    async def public_url(self, request: Request) -> s.PublicUrl:
        """What printed QR codes will open; ``warn`` when that is a loopback address."""
        base = public_base(request)
        return s.PublicUrl(
            url=base, configured=bool(get_settings().public_url), warn=is_loopback(base)
        )

    @get("/boards-check", **allow(*STAFF))
    async def check(self, village_id: PathId) -> s.BoardsCheck:
        await redis_leaderboards.catch_up(village_id)  # what any read does first
        return s.BoardsCheck(
            village_id=village_id,
            differences=await redis_leaderboards.village_differences(village_id),
        )

    @post("/screen-link", **allow(Role.committee), status_code=201)
    async def make_screen_link(self, village_id: PathId, actor: CurrentActor) -> s.ScreenLink:
        return await public.make_screen_link(actor, village_id)

    @delete("/screen-link", **allow(Role.committee))
    async def revoke_screen_link(self, village_id: PathId, actor: CurrentActor) -> None:
        await public.revoke_screen_link(actor, village_id)


async def _village_id(code: str) -> int:
    """The village a public address names by its code, or NotFound (before a stream opens)."""
    row = await Village.select(Village.id).where(Village.code == code).first().run()
    if row is None:
        raise NotFound()
    return int(row["id"])


class PublicBoardsController(Controller):
    """No login: what the village hall's screen and a poster's QR code show to anyone."""

    path = "/public"
    tags = ["public"]

    @get("/villages/{code:str}/screen", **PUBLIC)
    async def screen(
        self,
        code: Annotated[str, Parameter(max_length=32)],
        token: Annotated[str | None, Parameter(max_length=64)] = None,
    ) -> s.PublicScreen:
        return await public.screen(code, token)

    @get("/villages/{code:str}/events", **PUBLIC)
    async def events(
        self, code: Annotated[str, Parameter(max_length=32)], request: Request
    ) -> ServerSentEvent:
        village_id = await _village_id(code)
        address = request.client.host if request.client else ""
        live.slots.take(address)

        async def stream() -> AsyncIterator[ServerSentEventMessage]:
            async for kind in live.events(village_id, address):
                if kind == "keepalive":
                    yield ServerSentEventMessage(comment="keepalive")
                else:
                    yield ServerSentEventMessage(event=kind, data=kind)

        return ServerSentEvent(stream())

    @get("/boards/{public_id:str}", **PUBLIC)
    async def verify(self, public_id: Annotated[str, Parameter(max_length=32)]) -> s.PublicBoard:
        return await public.board(public_id)
