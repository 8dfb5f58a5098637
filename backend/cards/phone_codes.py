"""Phone codes: making a household's 60-second code, and the record of the ones already spent.

Invariant: a phone code is accepted for 30–60 s and pays for at most one sale. Its digest is
inserted in the sale's own transaction under a UNIQUE constraint
(:func:`backend.cards.scanning.consume_phone_code`); Redis only pre-checks, so flushing Redis
never reopens a spent code. Old records are forgotten by :mod:`backend.cards.pruning`.
"""

from __future__ import annotations

from datetime import datetime

from backend import cache, clock
from backend.cards import codes
from backend.cards.issuing import active_household, secret
from backend.cards.tables import UsedPhoneCode

# The Redis mark of a spent code lives a little longer than the code is accepted.
USED_CODE_TTL_SECONDS = codes.STEP_SECONDS * (codes.STEPS_ACCEPTED + 2)


async def phone_code(
    village_id: int, household_id: int, now: datetime | None = None
) -> tuple[str, datetime]:
    """A fresh phone code for the household's page, and the first instant it is refused."""
    household = await active_household(village_id, household_id)
    step = codes.time_step(now or clock.now())
    payload = codes.phone_payload(secret(), village_id, household.public_id, step)
    return payload, codes.phone_code_expires_at(step)


def used_key(village_id: int, digest: str) -> str:
    """The Redis key marking a spent code (hash-tagged by village for a Redis cluster)."""
    return f"{{v{village_id}}}:phone_code:{digest}"


async def is_used(village_id: int, digest: str) -> bool:
    """Whether the code of ``digest`` was spent: Redis first, the database decides."""
    if await cache.guarded(cache.redis().exists(used_key(village_id, digest)), 0):
        return True
    return bool(
        await UsedPhoneCode.exists()
        .where((UsedPhoneCode.village == village_id) & (UsedPhoneCode.digest == digest))
        .run()
    )
