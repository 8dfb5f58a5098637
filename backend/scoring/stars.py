"""Five-star 文明户: a star for each category whose earned points in a period reach the village's
threshold. Earned points count evaluations on notice or posted (rejected and unverified ones
never count; spending never lowers them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from piccolo.columns.combination import Where

from backend.scoring.periods import period
from backend.scoring.scoring_settings import scoring_settings
from backend.scoring.tables import Evaluation


@dataclass(frozen=True, slots=True)
class Stars:
    """A household's stars in a period: one per category in ``categories``."""

    household_id: int
    stars: int
    categories: list[str]
    earned_by_category: dict[str, int]


async def stars(village_id: int, period_id: int, *, household_id: int | None = None) -> list[Stars]:
    await period(village_id, period_id)
    threshold = (await scoring_settings(village_id)).star_threshold
    where: Where | Any = (
        (Evaluation.village == village_id)
        & (Evaluation.period == period_id)
        & (Evaluation.state.is_in(["notice", "posted"]))
    )
    if household_id is not None:
        where &= Evaluation.household == household_id
    rows = (
        await Evaluation.select(Evaluation.household, Evaluation.rule._.category, Evaluation.points)
        .where(where)
        .run()
    )
    earned: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        earned[row["household"]][row["rule.category"]] += row["points"]
    out = []
    for household, by_category in sorted(earned.items()):
        starred = sorted(c for c, p in by_category.items() if p >= threshold)
        out.append(
            Stars(
                household_id=household,
                stars=len(starred),
                categories=starred,
                earned_by_category=dict(by_category),
            )
        )
    return out
