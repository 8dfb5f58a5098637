"""People are shown by their display names (收银员：王丽), not by their logins."""

from __future__ import annotations

import json

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.audit.tables import AuditEntry
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from tests.factories import PASSWORD, World, unique


async def bearer(client: AsyncClient, username: str) -> tuple[dict[str, str], dict]:
    login = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert login.status_code == 201, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}, login.json()["user"]


async def test_a_display_name_is_shown_at_login_and_signs_the_audit_log(
    client: AsyncClient, world: World
) -> None:
    clerk = unique("clerk").lower()
    await auth.create_user(
        CLI_ACTOR,
        clerk,
        PASSWORD,
        [Grant(Role.committee, village_id=world.a.village_id)],
        display_name=" 李建华 ",
    )
    headers, user = await bearer(client, clerk)
    assert user["display_name"] == "李建华"
    me = await client.get("/api/v1/auth/me", headers=headers)
    assert me.json()["display_name"] == "李建华"

    made = unique("shop").lower()
    created = await client.post(
        f"/api/v1/villages/{world.a.village_id}/users",
        headers=headers,
        json={"username": made, "password": PASSWORD, "role": "shopkeeper", "display_name": "王丽"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["display_name"] == "王丽"
    entry = (
        await AuditEntry.select(AuditEntry.actor_name, AuditEntry.after)
        .where(
            (AuditEntry.action == "user.create")
            & (AuditEntry.entity_id == str(created.json()["user_id"]))
        )
        .first()
        .run()
    )
    assert entry is not None and entry["actor_name"] == "李建华"
    after = entry["after"] if isinstance(entry["after"], dict) else json.loads(entry["after"])
    assert after["display_name"] == "王丽"
    assert (await bearer(client, made))[1]["display_name"] == "王丽"


async def test_without_a_display_name_the_username_is_shown(
    client: AsyncClient, world: World
) -> None:
    username = unique("plain").lower()
    created = await client.post(
        f"/api/v1/villages/{world.a.village_id}/users",
        headers=world.a.headers(Role.committee),
        json={"username": username, "password": PASSWORD, "role": "shopkeeper"},
    )
    assert created.json()["display_name"] == username
    assert (await bearer(client, username))[1]["display_name"] == username
