"""Demo volunteer activities for 西黄须村: two past clean-ups, checked in, finished and confirmed
(their points wait in November's notice like any other), and one running today."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from backend import clock
from backend.activities import confirmation, services
from backend.cards import issuing
from backend.demo.staff import staff_scorer
from backend.registry.tables import Household, Village
from backend.scoring import rules
from backend.scoring.evaluations import Scorer

PAST = [("村道环境大扫除", "村委会广场", 12, 9), ("敬老院慰问演出", "镇敬老院", 5, 14)]


async def _check_in(
    organiser: Scorer, vid: int, activity_id: int, households: list[int], at: datetime
) -> None:
    for n, household in enumerate(households):
        code = await issuing.card_payload(vid, household)
        scan = services.Scan(code, uuid.uuid4().hex, scanned_at=at + timedelta(minutes=n))
        await services.check_in(organiser, vid, activity_id, scan)


async def load_activities_demo() -> None:
    village = await Village.select(Village.id).where(Village.code == "XHX").first().run()
    assert village is not None
    vid = village["id"]
    rule = next(r for r in (await rules.current_rule_book(vid)).rules if r.code == "ZY01")
    households = [
        r["id"]
        for r in await Household.select(Household.id)
        .where(Household.village == vid)
        .order_by(Household.id)
        .run()
    ]
    organiser = await staff_scorer("xhx_grid", "grid_officer")
    checker = await staff_scorer("xhx_committee2", "committee")
    now = clock.now()
    for n, (title, place, count, days_ago) in enumerate(PAST):
        starts = now - timedelta(days=days_ago, hours=2)
        activity = await services.create_activity(
            organiser,
            vid,
            {
                "title": title,
                "rule_id": rule.id,
                "place": place,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=3),
                "capacity": 30,
            },
        )
        await services.start_activity(organiser, vid, activity.id)
        await _check_in(
            organiser, vid, activity.id, households[10 + n * 7 : 10 + n * 7 + count], starts
        )
        await confirmation.finish_activity(organiser, vid, activity.id)
        listed = await services.attendances(vid, activity.id)
        await confirmation.confirm_activity(
            checker, vid, activity.id, {listed[-1].id: "当天请假未到"}
        )
    running = await services.create_activity(
        organiser,
        vid,
        {
            "title": "冬季防火巡查",
            "rule_id": rule.id,
            "place": "村东头集合",
            "starts_at": now - timedelta(hours=1),
            "ends_at": now + timedelta(hours=3),
            "capacity": 20,
        },
    )
    await services.start_activity(organiser, vid, running.id)
    await _check_in(organiser, vid, running.id, households[40:44], now - timedelta(minutes=30))
