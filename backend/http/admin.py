"""piccolo-admin at ``/admin``: raw CRUD on the registry, for town admins alone.

Two locks: the wrapper below lets a request through only with a Jifen session whose user is a
town admin, and piccolo-admin's own login accepts only users with its ``admin`` flag, which
:func:`backend.auth.services.create_user` sets for town admins only. Ledger tables are never
listed: only the ledger's services write them.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, asgi
from litestar.connection import ASGIConnection
from litestar.types import Receive, Scope, Send
from piccolo.apps.user.tables import BaseUser

from backend.auth.principal import Role
from backend.errors import Forbidden
from backend.http.access import PUBLIC, current_principal
from backend.http.problems import problem
from backend.registry.tables import Grid, Household, Member, MoralGroup, Town, Village

_admin_app: Any = None


def _admin() -> Any:
    """Built, and imported, on the first town admin's visit: piccolo-admin brings FastAPI and
    pydantic along, about 18 MB and 0.7 s per server worker that most deployments never use."""
    global _admin_app
    if _admin_app is None:
        from piccolo_admin.endpoints import create_admin
        from piccolo_api.session_auth.tables import SessionsBase

        _admin_app = create_admin(
            tables=[Town, Village, Grid, MoralGroup, Household, Member],
            auth_table=BaseUser,
            session_table=SessionsBase,
            site_name="积分 Jifen",
            auto_include_related=False,
            default_language_code="zh-CN",
        )
    return _admin_app


@asgi("/admin", is_mount=True, copy_scope=True, **PUBLIC)
async def admin(scope: Scope, receive: Receive, send: Send) -> None:
    connection: ASGIConnection = ASGIConnection(scope)
    principal = await current_principal(connection)
    if principal is None or Role.town_admin not in principal.roles():
        response: Response[Any] = problem(Forbidden(), connection)  # type: ignore[arg-type]
        await response.to_asgi_response(app=None, request=connection)(scope, receive, send)  # type: ignore[arg-type]
        return
    await _admin()(scope, receive, send)
