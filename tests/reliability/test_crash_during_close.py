"""A period close killed half way (SIGKILL, no cleanup) and run again posts every approved
evaluation exactly once, and the ledger still verifies."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.ledger.tables import Transfer
from backend.ledger.verify import verify_village
from backend.scoring import evaluations, period_close, periods, rules
from backend.scoring.evaluations import Scorer
from backend.scoring.rules import NewRule
from backend.scoring.tables import Evaluation
from backend.settings import PROJECT_ROOT, get_settings
from tests.factories import make_place, make_town

EVALUATIONS = 240
LATER = clock.now() + timedelta(days=30)
CLOSER = """
import asyncio, sys
from datetime import datetime
from backend import db
from backend.audit.services import CLI_ACTOR
from backend.scoring import period_close

period_close.CHUNK = 20

def report(done, total):
    print(done, flush=True)

async def main():
    await db.start()
    await period_close.close_and_post(CLI_ACTOR, int(sys.argv[1]), int(sys.argv[2]),
                                 now=datetime.fromisoformat(sys.argv[3]), progress=report)

asyncio.run(main())
"""


async def test_close_killed_mid_way_then_resumed_posts_each_evaluation_once() -> None:
    place = await make_place((await make_town()).id)
    book = await rules.adopt_rule_book(
        CLI_ACTOR,
        place.village_id,
        [
            NewRule(
                code="ZY01",
                category="志愿服务",
                title="参加环境整治",
                points=2,
                cap=EVALUATIONS,
                evidence_required=False,
                proposers=("committee",),
            ),
        ],
    )
    period = await periods.open_period(
        CLI_ACTOR,
        place.village_id,
        name="2026年11月",
        kind="month",
        starts_on=LATER.date().replace(day=1),
        ends_on=LATER.date().replace(day=28),
    )
    proposer = Scorer(place.user_ids[Role.committee], "张委员", frozenset({"committee"}))
    checker = Scorer(None, "李委员", frozenset({"committee"}))
    ids = await evaluations.propose(
        proposer,
        place.village_id,
        period.id,
        place.households[0].id,
        book.rules[0].id,
        times=EVALUATIONS,
    )
    for evaluation_id in ids:
        await evaluations.verify(checker, place.village_id, evaluation_id)
    await periods.start_notice(CLI_ACTOR, place.village_id, period.id)

    settings = get_settings()
    env = {
        **os.environ,
        "JIFEN_DATABASE_URL": settings.database_url,
        "JIFEN_REDIS_URL": settings.redis_url,
        "JIFEN_VAR_DIR": str(settings.var_dir),
        "JIFEN_SECRET_KEY": settings.secret_key,
    }
    closer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLOSER,
        str(place.village_id),
        str(period.id),
        LATER.isoformat(),
        env=env,
        cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert closer.stdout is not None
    first_chunk = await closer.stdout.readline()
    closer.send_signal(signal.SIGKILL)
    await closer.wait()
    assert first_chunk.strip(), "the close never got going"

    key_prefix = Transfer.idempotency_key.like("evaluation:%")
    mine = Transfer.village == place.village_id
    half_done = await Transfer.count().where(mine & key_prefix).run()
    assert 0 < half_done < EVALUATIONS

    resumed = await period_close.close_and_post(CLI_ACTOR, place.village_id, period.id, now=LATER)
    assert resumed.posted == EVALUATIONS - half_done
    assert await Transfer.count().where(mine & key_prefix).run() == EVALUATIONS
    assert (
        await Evaluation.count()
        .where((Evaluation.period == period.id) & (Evaluation.state == "posted"))
        .run()
        == EVALUATIONS
    )
    again = await period_close.close_and_post(CLI_ACTOR, place.village_id, period.id, now=LATER)
    assert again.posted == 0
    assert await verify_village(place.village_id) == []
