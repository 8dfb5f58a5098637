"""Issue 15 #8: piccolo-admin no longer lets a town admin read or edit another township.

/admin is closed to every role, town admins included; only an account the operator opened it
to with ``jifen admin-access`` reaches it, and then read-only: piccolo-admin's own API refuses
every write.
"""

from __future__ import annotations

import json

from httpx import AsyncClient
from piccolo.apps.user.tables import BaseUser

from backend.audit.services import CLI_ACTOR
from backend.auth import accounts
from backend.auth.principal import Role
from backend.registry.tables import Village
from tests.factories import PASSWORD, World


async def test_town_admins_do_not_reach_admin(client: AsyncClient, world: World) -> None:
    for role in Role:
        response = await client.get("/admin/", headers=world.a.headers(role))
        assert response.status_code == 403, role
    flags = (
        await BaseUser.select(BaseUser.admin)
        .where(BaseUser.id == world.a.user_ids[Role.town_admin])
        .first()
        .run()
    )
    assert flags == {"admin": False}


async def test_the_operator_s_admin_view_is_read_only(client: AsyncClient, world: World) -> None:
    username = world.elsewhere.usernames[Role.town_admin]
    await accounts.set_admin_access(CLI_ACTOR, username, True)
    try:
        headers = world.elsewhere.headers(Role.town_admin)
        assert (await client.get("/admin/", headers=headers)).status_code == 200
        csrf = client.cookies.get("csrftoken") or ""
        login = await client.post(
            "/admin/public/login/",
            headers={**headers, "X-CSRFToken": csrf},
            json={"username": username, "password": PASSWORD},
        )
        assert login.status_code in (200, 303), login.text
        csrf = client.cookies.get("csrftoken") or ""
        before = (
            await Village.select(Village.name).where(Village.id == world.a.village_id).first().run()
        )
        write = await client.patch(
            f"/admin/api/tables/village/{world.a.village_id}/",
            headers={**headers, "X-CSRFToken": csrf, "Content-Type": "application/json"},
            content=json.dumps({"name": "改名村"}),
        )
        assert write.status_code in (403, 405), write.text
        after = (
            await Village.select(Village.name).where(Village.id == world.a.village_id).first().run()
        )
        assert after == before
    finally:
        await accounts.set_admin_access(CLI_ACTOR, username, False)
    assert (await client.get("/admin/", headers=headers)).status_code == 403
