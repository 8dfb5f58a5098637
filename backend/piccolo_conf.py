"""Piccolo's configuration: the engine from settings and one app per domain."""

from piccolo.conf.apps import AppRegistry

from backend.db import engine_from_settings
from backend.settings import get_settings

DB = engine_from_settings(get_settings())

APP_REGISTRY = AppRegistry(
    apps=[
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
        "backend.registry.piccolo_app",
        "backend.auth.piccolo_app",
        "backend.audit.piccolo_app",
        "backend.ledger.piccolo_app",
        "backend.shop.piccolo_app",
        "backend.cards.piccolo_app",
        "backend.scoring.piccolo_app",
        "backend.boards.piccolo_app",
        "backend.activities.piccolo_app",
        "backend.setup.piccolo_app",
    ]
)
