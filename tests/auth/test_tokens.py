"""Turning a bearer token into a principal (one statement on every request): who it names,
with every grant, and nobody once the token has expired or the user is deactivated."""

from __future__ import annotations

from datetime import timedelta

from piccolo.apps.user.tables import BaseUser

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.auth.tables import AuthToken
from tests.factories import PASSWORD, World, unique


async def test_a_token_names_its_user_with_every_grant(world: World) -> None:
    grants = [
        Grant(Role.committee, village_id=world.a.village_id),
        Grant(Role.shopkeeper, village_id=world.a.village_id, shop_id=world.a.shop_id),
    ]
    user_id = await auth.create_user(CLI_ACTOR, unique("tok").lower(), PASSWORD, grants)
    principal = await auth.authenticate(await auth.issue_token(user_id, "10.0.0.1"), "10.0.0.2")
    assert principal is not None
    assert (principal.user_id, principal.grants, principal.address) == (
        user_id,
        tuple(grants),
        "10.0.0.2",
    )


async def test_a_user_without_grants_is_still_who_they_are() -> None:
    user_id = await auth.create_user(CLI_ACTOR, unique("bare").lower(), PASSWORD, [])
    principal = await auth.authenticate(await auth.issue_token(user_id, ""), "")
    assert principal is not None and principal.user_id == user_id and principal.grants == ()


async def test_an_expired_token_and_a_deactivated_user_authenticate_nobody(world: World) -> None:
    user_id = await auth.create_user(
        CLI_ACTOR,
        unique("gone").lower(),
        PASSWORD,
        [Grant(Role.committee, village_id=world.a.village_id)],
    )
    expiring, kept = await auth.issue_token(user_id, ""), await auth.issue_token(user_id, "")
    await (
        AuthToken.update({AuthToken.expires_at: clock.now() - timedelta(seconds=1)})
        .where(AuthToken.token_hash == auth.token_hash(expiring))
        .run()
    )
    assert await auth.authenticate(expiring, "") is None
    assert await auth.authenticate(kept, "") is not None
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == user_id).run()
    assert await auth.authenticate(kept, "") is None
    assert await auth.authenticate("no-such-token", "") is None
