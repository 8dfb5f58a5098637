"""The boards follow the registry: registering, moving (grid, moral group), deactivating and
reinstating a household update every board it belongs to, exactly; a period's boards hold every
active household (idle ones at 0) from its first posting; and the boards check — the same one
``jifen boards check`` runs, and the committee's endpoint on the running server — is clean after
each change, on the in-process Redis as on a real one."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

from httpx import AsyncClient

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.boards import redis_leaderboards
from backend.db import engine
from backend.ledger import services as ledger
from backend.registry import services as registry
from backend.scoring import periods
from backend.settings import get_settings
from tests.factories import PASSWORD, Place, make_place, make_town, unique


async def clean(client: AsyncClient, place: Place) -> None:
    await redis_leaderboards.catch_up(
        place.village_id
    )  # what the server's reads and background job do
    assert await redis_leaderboards.village_differences(place.village_id) == []
    check = await client.get(
        f"/api/v1/villages/{place.village_id}/boards-check", headers=place.headers(Role.committee)
    )
    assert check.status_code == 200 and check.json()["differences"] == []


async def rank(client: AsyncClient, place: Place, household_id: int, **params: str | int) -> int:
    response = await client.get(
        f"/api/v1/villages/{place.village_id}/households/{household_id}/rank",
        params=params,
        headers=place.headers(Role.committee),
    )
    return response.status_code


async def test_registry_changes_and_a_close_with_idle_households_keep_the_boards_exact(
    client: AsyncClient,
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    url = f"/api/v1/villages/{vid}"
    committee = place.headers(Role.committee)
    worker = place.households[0].id
    await ledger.award(CLI_ACTOR, vid, worker, 8, key=unique("a"), reason="测试")
    await clean(client, place)

    added = await client.post(
        f"{url}/households",
        headers=committee,
        json={
            "number": unique("N"),
            "head_name": "新户",
            "grid_id": place.grid_id,
            "moral_group_id": place.moral_group_id,
        },
    )
    assert added.status_code == 201, added.text
    newcomer = added.json()["id"]
    await clean(client, place)
    assert await rank(client, place, newcomer) == 200

    grid = await registry.create_grid(CLI_ACTOR, vid, unique("二网格"))
    moved = await client.patch(
        f"{url}/households/{newcomer}", headers=committee, json={"grid_id": grid.id}
    )
    assert moved.status_code == 200, moved.text
    await clean(client, place)
    assert await rank(client, place, newcomer, scope="grid", scope_id=grid.id) == 200
    assert await rank(client, place, newcomer, scope="grid", scope_id=place.grid_id) == 404

    group = await registry.create_moral_group(CLI_ACTOR, vid, unique("二组"))
    await client.patch(
        f"{url}/households/{newcomer}", headers=committee, json={"moral_group_id": group.id}
    )
    await clean(client, place)
    assert await rank(client, place, newcomer, scope="group", scope_id=group.id) == 200

    await client.patch(f"{url}/households/{worker}", headers=committee, json={"status": "moved"})
    await clean(client, place)
    assert await rank(client, place, worker) == 404
    await client.patch(f"{url}/households/{worker}", headers=committee, json={"status": "active"})
    await clean(client, place)
    assert await rank(client, place, worker) == 200

    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name=unique("P"),
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    await ledger.award(
        CLI_ACTOR, vid, worker, 5, key=unique("p"), reason="测试", period_id=period.id
    )
    await periods.start_notice(CLI_ACTOR, vid, period.id)
    await periods.close_period(CLI_ACTOR, vid, period.id, now=clock.now() + timedelta(days=30))
    await clean(client, place)
    assert await rank(client, place, newcomer, period_id=period.id) == 200


async def test_the_boards_check_command_checks_the_running_servers_boards(
    server_url: str,
) -> None:
    """On the embedded default the command asks the running server (where the in-process Redis
    lives); on a shared Redis it compares directly. Either way a household deactivated behind
    the service's back is found."""
    place = await make_place((await make_town()).id)
    vid = place.village_id
    await ledger.award(CLI_ACTOR, vid, place.households[0].id, 8, key=unique("a"), reason="测试")

    def jifen() -> subprocess.CompletedProcess[str]:
        args = ["boards", "check", "--village", str(vid)]
        if get_settings().is_memory_redis:
            args += ["--username", place.usernames[Role.committee], "--server", server_url]
        return subprocess.run(
            [sys.executable, "-m", "backend", *args],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "COLUMNS": "200", "JIFEN_PASSWORD": PASSWORD},
        )

    if not get_settings().is_memory_redis:
        await redis_leaderboards.rebuild(vid)
    good = jifen()
    assert good.returncode == 0, good.stdout + good.stderr
    await engine().run_ddl(
        f"UPDATE household SET status = 'moved' WHERE id = {int(place.households[1].id)}"
    )
    bad = jifen()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "1 extra" in bad.stdout
