"""Rows changed behind the service's back are found by verify, which names the first broken
transfer. Raw SQL here only simulates the tampering; everything else goes through services."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from backend.audit.services import CLI_ACTOR
from backend.db import engine
from backend.ledger import services as ledger
from backend.ledger.verify import verify_village
from tests.factories import Place, World, make_place


async def village_with_history(world: World) -> tuple[Place, list[ledger.Posted]]:
    place = await make_place(world.a.town_id, with_users=False)
    v = place.village_id
    posted = []
    for n, household in enumerate(place.households * 3):
        posted.append(
            await ledger.award(
                CLI_ACTOR, v, household.id, 5 + n, key=f"a{n}", reason="环境卫生达标"
            )
        )
    posted.append(
        await ledger.deduct(CLI_ACTOR, v, place.households[0].id, 2, key="d", reason="乱扔垃圾")
    )
    assert await verify_village(v) == []
    return place, posted


def chain_failures(failures: list) -> list:
    return [f for f in failures if f.check == "chain"]


async def test_an_edited_amount_is_named(world: World) -> None:
    place, posted = await village_with_history(world)
    edited = posted[2]
    await engine().run_ddl(f"UPDATE transfer SET amount = amount + 100 WHERE id = {edited.id}")
    failures = await verify_village(place.village_id)
    [chain] = chain_failures(failures)
    assert chain.transfer_id == edited.id and "edited" in chain.message
    assert {f.check for f in failures} >= {"chain", "balance", "running_balance"}


async def test_a_deleted_row_is_named_by_the_transfer_after_it(world: World) -> None:
    place, posted = await village_with_history(world)
    await engine().run_ddl(f"DELETE FROM transfer WHERE id = {posted[3].id}")
    [chain] = chain_failures(await verify_village(place.village_id))
    assert chain.transfer_id == posted[4].id and "deleted" in chain.message


async def test_deleting_the_last_row_breaks_the_head(world: World) -> None:
    place, posted = await village_with_history(world)
    await engine().run_ddl(f"DELETE FROM transfer WHERE id = {posted[-1].id}")
    failures = await verify_village(place.village_id)
    assert [f.check for f in failures if f.check in ("chain", "head")] == ["head"]
    assert failures[0].transfer_id == posted[-2].id


async def test_the_command_exits_1_on_a_broken_chain_and_0_on_a_sound_one(world: World) -> None:
    sound, _ = await village_with_history(world)
    broken, posted = await village_with_history(world)
    await engine().run_ddl(f"UPDATE transfer SET reason = '改过' WHERE id = {posted[0].id}")

    def jifen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "backend", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
            check=False,
        )

    good = jifen("ledger", "verify", "--village", str(sound.village_id))
    assert good.returncode == 0, good.stdout + good.stderr
    bad = jifen("ledger", "verify", "--village", str(broken.village_id))
    assert bad.returncode == 1
    assert f"first broken transfer #{posted[0].id}" in bad.stdout
    head = jifen("ledger", "head", "--village", str(sound.village_id))
    assert head.returncode == 0 and str(sound.village_id) in head.stdout


async def test_the_database_itself_refuses_a_household_below_zero(world: World) -> None:
    place, _ = await village_with_history(world)
    household = place.households[1].id
    with pytest.raises(Exception, match=r"(?i)check|constraint"):
        await engine().run_ddl(
            "UPDATE account SET balance = -1 WHERE kind = 'household' "
            f"AND owner = {household} AND village = {place.village_id}"
        )
    assert await verify_village(place.village_id) == []
