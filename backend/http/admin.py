"""piccolo-admin at ``/admin``: a read-only raw view of the registry for the server's operator.

Town admins no longer reach it. piccolo-admin edits rows without knowing towns or villages (a
town admin read and changed another township's households and village settings) and writes past
the services, so nothing it did reached the audit log. Scoping it would mean re-implementing the
access rules inside a second framework; everything a town admin needs is in the console and the
API, which are scoped and audited. What stays is a read-only view (``read_only=True``: no create,
edit or delete at all) for the person who runs the server, who already holds the database:

Two locks: the wrapper below lets a request through only with a Jifen session whose account the
operator opened it to with ``jifen admin-access USERNAME`` (piccolo's ``admin`` flag, never set by
the API), and piccolo-admin's own login accepts only that flag too. Ledger tables are never listed.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, asgi
from litestar.connection import ASGIConnection
from litestar.types import Receive, Scope, Send
from piccolo.apps.user.tables import BaseUser

from backend.errors import Forbidden
from backend.http.access import PUBLIC, current_principal
from backend.http.problems import problem
from backend.registry.tables import Grid, Household, Member, MoralGroup, Town, Village

_admin_app: Any = None


def _admin() -> Any:
    """Built, and imported, on the first operator's visit: piccolo-admin brings FastAPI and
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
            read_only=True,
        )
    return _admin_app


async def has_admin_access(user_id: int) -> bool:
    row = (
        await BaseUser.select(BaseUser.admin, BaseUser.active)
        .where(BaseUser.id == user_id)
        .first()
        .run()
    )
    return bool(row and row["admin"] and row["active"])


@asgi("/admin", is_mount=True, copy_scope=True, **PUBLIC)
async def admin(scope: Scope, receive: Receive, send: Send) -> None:
    connection: ASGIConnection = ASGIConnection(scope)
    principal = await current_principal(connection)
    if principal is None or not await has_admin_access(principal.user_id):
        response: Response[Any] = problem(Forbidden(), connection)  # type: ignore[arg-type]
        await response.to_asgi_response(app=None, request=connection)(scope, receive, send)  # type: ignore[arg-type]
        return
    await _admin()(scope, receive, send)
