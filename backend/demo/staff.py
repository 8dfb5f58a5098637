"""The demo's staff acting through the services as the pages would act for them: by their
display names (李建华), as a logged-in person is shown everywhere."""

from __future__ import annotations

from backend import db
from backend.audit.services import Actor
from backend.scoring.evaluations import Scorer

USER_SQL = "SELECT id, display_name FROM piccolo_user WHERE username = :username"


async def staff_actor(username: str) -> Actor:
    user = await db.first(USER_SQL, username=username)
    assert user is not None, username
    return Actor(user_id=user["id"], name=user["display_name"] or username, address="demo")


async def staff_scorer(username: str, role: str) -> Scorer:
    actor = await staff_actor(username)
    return Scorer(user_id=actor.user_id, name=actor.name, roles=frozenset({role}))
