"""The background job forgetting spent phone codes, so the single-use table stays small.

The server prunes on its own (:data:`background_prune`, hourly), so a village needs no cron job
for it; ``jifen cards prune-codes`` does the same by hand.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from backend import background, clock
from backend.cards.tables import UsedPhoneCode
from backend.db import write_transaction

PRUNE_SECONDS = 3600.0


async def prune_used_phone_codes(now: datetime | None = None) -> int:
    """Forget spent phone codes older than a day; returns how many were forgotten.

    Safe because a code that old is refused as expired before its single-use record is looked
    up; the day of margin covers servers whose clocks disagree by minutes.
    """
    cutoff = (now or clock.now()) - timedelta(days=1)
    async with write_transaction():
        gone = (
            await UsedPhoneCode.delete()
            .where(UsedPhoneCode.used_at < cutoff)
            .returning(UsedPhoneCode.id)
            .run()
        )
    return len(gone)


async def _prune_now(stop: asyncio.Event) -> None:
    await prune_used_phone_codes()


background_prune = background.every(PRUNE_SECONDS, _prune_now, "phone-code pruning")
