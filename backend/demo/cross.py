"""Cross-evaluation for the demo's open month: the moral groups mark each other in a ring
(第一 → 第二 → … → 第五 → 第一), and two groups' paper sheets are already typed in — five
members of the first group (so the trimmed mean drops a highest and a lowest mark) and two of
the second — so the console's 交叉评议 screen has sheets, results and points to show."""

from __future__ import annotations

import random

from backend.registry.tables import Household, MoralGroup
from backend.scoring import cross
from backend.scoring.evaluations import Scorer
from backend.scoring.marksheet import marking_sheet

MARKERS_PER_GROUP = (5, 2)


async def cross_evaluation_demo(village_id: int, period_id: int, clerk: Scorer) -> None:
    groups = [
        g["id"]
        for g in await MoralGroup.select(MoralGroup.id)
        .where(MoralGroup.village == village_id)
        .order_by(MoralGroup.id)
        .run()
    ]
    await cross.assign_groups(
        clerk.actor,
        village_id,
        period_id,
        [(g, groups[(n + 1) % len(groups)]) for n, g in enumerate(groups)],
    )
    rng = random.Random(2026_11_30)
    for group, markers in zip(groups, MARKERS_PER_GROUP, strict=False):
        members = (
            await Household.select(Household.id)
            .where(Household.moral_group == group)
            .order_by(Household.number)
            .limit(markers)
            .run()
        )
        for member in members:
            sheet = await marking_sheet(village_id, period_id, member["id"])
            await cross.enter_marks(
                clerk,
                village_id,
                period_id,
                member["id"],
                [
                    (h.household_id, criterion, rng.choice((6, 7, 8, 8, 9, 9, 10)))
                    for h in sheet.households
                    for criterion in sheet.criteria
                ],
            )
