"""The village's scoring settings: the five-star threshold (:mod:`backend.scoring.stars`) and the
bands turning a cross-evaluation result into points (:mod:`backend.scoring.cross`). Every change
is audited with what it changed."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from backend.audit.services import Actor, changed_fields, record
from backend.db import write_transaction
from backend.scoring.tables import ScoringSetting

DEFAULT_STAR_THRESHOLD = 10
DEFAULT_BANDS = [[80, 5], [60, 2], [0, 0]]


@dataclass(frozen=True, slots=True)
class ScoringSettings:
    """A village's star threshold and its bands (``[minimum result in tenths, points]``,
    highest first); a village that never set them has the defaults."""

    village_id: int
    star_threshold: int
    cross_bands: list[list[int]]


async def scoring_settings(village_id: int) -> ScoringSettings:
    row = (
        await ScoringSetting.select(ScoringSetting.star_threshold, ScoringSetting.cross_bands)
        .where(ScoringSetting.village == village_id)
        .first()
        .run()
    )
    if row is None:
        return ScoringSettings(village_id, DEFAULT_STAR_THRESHOLD, [list(b) for b in DEFAULT_BANDS])
    return ScoringSettings(
        village_id=village_id,
        star_threshold=row["star_threshold"],
        cross_bands=json.loads(row["cross_bands"]),
    )


async def update_scoring_settings(
    actor: Actor, village_id: int, changes: dict[str, Any]
) -> ScoringSettings:
    """Bands are kept highest first, so the first band a result reaches gives its points."""
    if "cross_bands" in changes:
        changes["cross_bands"] = sorted(changes["cross_bands"], key=lambda b: -b[0])
    async with write_transaction():
        current = asdict(await scoring_settings(village_id))
        before, after = changed_fields(current, changes)
        if after:
            values = {**current, **after}
            threshold, bands = values["star_threshold"], json.dumps(values["cross_bands"])
            if await ScoringSetting.exists().where(ScoringSetting.village == village_id).run():
                await (
                    ScoringSetting.update(
                        {
                            ScoringSetting.star_threshold: threshold,
                            ScoringSetting.cross_bands: bands,
                        }
                    )
                    .where(ScoringSetting.village == village_id)
                    .run()
                )
            else:
                await ScoringSetting.insert(
                    ScoringSetting(village=village_id, star_threshold=threshold, cross_bands=bands)
                ).run()
            await record(
                actor,
                "scoring_setting.update",
                "village",
                village_id,
                village_id=village_id,
                before=before,
                after=after,
            )
    return await scoring_settings(village_id)
