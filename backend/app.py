"""The Litestar application factory."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from litestar import Litestar, Router, get
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from backend import cache, db
from backend.activities.controllers import ActivityController, VolunteerHoursController
from backend.audit.controllers import AuditController
from backend.auth.controllers import AuthController, VillageUserController
from backend.boards import live
from backend.boards.controllers import BoardsController, PublicBoardsController
from backend.cards import pruning
from backend.cards.controllers import CardController
from backend.cards.letter_controllers import PinLetterController
from backend.http.access import PUBLIC, SECURITY_SCHEME, access_guard, provide_principal
from backend.http.admin import admin
from backend.http.callers import provide_actor, provide_scorer
from backend.http.health import health
from backend.http.problems import EXCEPTION_HANDLERS
from backend.http.refusals import document_refusals
from backend.http.security import edge_middleware, escape_logged_paths, security_headers
from backend.lan.controllers import lan_router
from backend.ledger.controllers import AdjustmentRequestController, LedgerController
from backend.ledger.public import PublicChainController
from backend.passbook.controllers import PassbookController
from backend.private import keep_private
from backend.registry.controllers import HouseholdController, TownController, VillageController
from backend.reports.controllers import TownDashboardController
from backend.scoring.controllers import (
    BatchController,
    EvaluationController,
    ObjectionController,
    PeriodController,
    RuleBookController,
)
from backend.scoring.cross_controllers import CrossEvaluationController
from backend.scoring.held_controllers import HeldController
from backend.scoring.scoring_settings_controllers import ScoringSettingsController
from backend.scoring.stars_controllers import StarsController
from backend.settings import PROJECT_ROOT, get_settings
from backend.shop.code_status_controllers import PhoneCodeStatusController
from backend.shop.controllers import ShopController
from backend.shop.redemption_controllers import RedemptionController

KIOSK_DIR = PROJECT_ROOT / "kiosk"
API_CONTROLLERS: list[type] = [
    AuthController,
    VillageUserController,
    TownController,
    VillageController,
    HouseholdController,
    AuditController,
    ShopController,
    LedgerController,
    AdjustmentRequestController,
    CardController,
    PinLetterController,
    RuleBookController,
    PeriodController,
    EvaluationController,
    ObjectionController,
    HeldController,
    BatchController,
    RedemptionController,
    PhoneCodeStatusController,
    PassbookController,
    PublicChainController,
    BoardsController,
    PublicBoardsController,
    ScoringSettingsController,
    CrossEvaluationController,
    StarsController,
    ActivityController,
    VolunteerHoursController,
    TownDashboardController,
]


SWAGGER_VENDOR = "/vendor/swagger-ui"
# Swagger UI from the app itself (kiosk/vendor/swagger-ui, swagger-ui-dist from npm, its licence
# beside it), not from Litestar's default CDN: a village PC is often offline, and the page was
# then blank.
SWAGGER_UI = SwaggerRenderPlugin(
    path="/swagger",
    js_url=f"{SWAGGER_VENDOR}/swagger-ui-bundle.js",
    css_url=f"{SWAGGER_VENDOR}/swagger-ui.css",
    standalone_preset_js_url=f"{SWAGGER_VENDOR}/swagger-ui-standalone-preset.js",
    favicon=f"<link rel='icon' type='image/png' href='{SWAGGER_VENDOR}/favicon-32x32.png'>",
)


@get("/api/docs", include_in_schema=False, **PUBLIC)
async def api_docs() -> Redirect:
    return Redirect("/api/schema/swagger")


@contextlib.asynccontextmanager
async def connections(app: Litestar) -> AsyncIterator[None]:
    """The database pool and Redis, open for as long as the app serves. A lifespan, entered
    before the background jobs and left after them: Litestar enters every lifespan before it
    calls any startup hook, so a job that started before a startup hook opened the pool took a
    connection of its own and then handed it to the new pool, which refused it."""
    await db.start()
    try:
        yield
    finally:
        await db.stop()
        await cache.close()


def create_app(kiosk_dir: Path = KIOSK_DIR, *, background_jobs: bool = True) -> Litestar:
    """The app; ``background_jobs`` runs the catch-up that keeps the leaderboards and the
    notice-board screens current and the hourly pruning of spent phone codes (tests drive
    both themselves)."""
    settings = get_settings()
    keep_private()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    escape_logged_paths()
    api = Router(
        path="/api/v1",
        route_handlers=API_CONTROLLERS,
        guards=[access_guard],
        dependencies={
            "principal": Provide(provide_principal, sync_to_thread=False),
            "scorer": Provide(provide_scorer),
            "actor": Provide(provide_actor, sync_to_thread=False),
        },
    )
    app = Litestar(
        route_handlers=[
            api,
            health,
            api_docs,
            lan_router(),
            admin,
            create_static_files_router(
                path="/",
                directories=[kiosk_dir],
                html_mode=True,
                include_in_schema=False,
                opt={"public": True},
            ),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[edge_middleware],
        before_send=[security_headers],
        openapi_config=OpenAPIConfig(
            title="Jifen 积分 API",
            version="1",
            path="/api/schema",
            render_plugins=[JsonRenderPlugin(), SWAGGER_UI],
            components=Components(
                security_schemes={
                    SECURITY_SCHEME: SecurityScheme(
                        type="http", scheme="bearer", description="Token from /api/v1/auth/login"
                    )
                }
            ),
        ),
        lifespan=[
            connections,
            *([live.background_watch, pruning.background_prune] if background_jobs else []),
        ],
        request_max_body_size=settings.max_body_bytes,
    )
    document_refusals(app)
    return app
