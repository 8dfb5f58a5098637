"""Sign-up (报名) by villagers from their page, for activities that take it.

Invariants: a household signs up at most once per activity (UNIQUE); sign-up is open only while
the activity is planned or running and takes it; never more households than the capacity (the
activity's row is locked on PostgreSQL). Signing up earns nothing: only a check-in does.
"""

from __future__ import annotations

from backend.activities.errors import ActivityFull, AlreadySignedUp, SignupClosed
from backend.activities.records import SignupRecord
from backend.activities.services import activity
from backend.activities.tables import ActivitySignup
from backend.audit.services import Actor, record
from backend.db import write_transaction
from backend.registry import services as registry


async def signups(village_id: int, activity_id: int) -> list[SignupRecord]:
    await activity(village_id, activity_id)
    rows = (
        await ActivitySignup.select(
            ActivitySignup.household,
            ActivitySignup.household.number,
            ActivitySignup.household.head_name,
            ActivitySignup.created_at,
        )
        .where(ActivitySignup.activity == activity_id)
        .order_by(ActivitySignup.id)
        .run()
    )
    return [
        SignupRecord(
            household_id=r["household"],
            number=r["household.number"],
            head_name=r["household.head_name"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def sign_up(
    actor: Actor, village_id: int, activity_id: int, household_id: int
) -> list[SignupRecord]:
    """The household says it will come; returns the activity's sign-up list."""
    async with write_transaction():
        current = await activity(village_id, activity_id, lock=True)
        if not current.signup or current.status not in ("planned", "running"):
            raise SignupClosed()
        await registry.household(village_id, household_id)
        if (
            await ActivitySignup.exists()
            .where(
                (ActivitySignup.activity == activity_id)
                & (ActivitySignup.household == household_id)
            )
            .run()
        ):
            raise AlreadySignedUp()
        taken = await ActivitySignup.count().where(ActivitySignup.activity == activity_id).run()
        if current.capacity and taken >= current.capacity:
            raise ActivityFull(capacity=current.capacity)
        await ActivitySignup.insert(
            ActivitySignup(village=village_id, activity=activity_id, household=household_id)
        ).run()
        await record(
            actor,
            "activity.sign_up",
            "activity",
            activity_id,
            village_id=village_id,
            after={"household": household_id},
        )
    return await signups(village_id, activity_id)
