"""Two of ``jifen ledger verify``'s checks made to fire through the real database: the balances
of a village no longer summing to zero, and a reversal that does not mirror the transfer it
names. Raw SQL only simulates the tampering; the history is built through the services."""

from __future__ import annotations

from backend.audit.services import CLI_ACTOR
from backend.db import engine
from backend.ledger import services as ledger
from backend.ledger.tables import Account
from backend.ledger.verify import verify_village
from tests.factories import World, make_place


async def test_balances_that_do_not_sum_to_zero_are_found(world: World) -> None:
    place = await make_place(world.a.town_id, with_users=False)
    household = place.households[0].id
    await ledger.award(CLI_ACTOR, place.village_id, household, 12, key="z1", reason="环境卫生")
    assert await verify_village(place.village_id) == []
    [account] = (
        await Account.select(Account.id)
        .where(
            (Account.village == place.village_id)
            & (Account.kind == "household")
            & (Account.owner == household)
        )
        .run()
    )
    await engine().run_ddl(f"UPDATE account SET balance = balance + 7 WHERE id = {account['id']}")
    failures = await verify_village(place.village_id)
    [zero_sum] = [f for f in failures if f.check == "zero_sum"]
    assert zero_sum.message == "balances sum to 7, not 0"


async def test_a_reversal_that_does_not_mirror_its_transfer_is_found(world: World) -> None:
    place = await make_place(world.a.town_id, with_users=False)
    v, first, second = place.village_id, place.households[0].id, place.households[1].id
    award = await ledger.award(CLI_ACTOR, v, first, 10, key="r1", reason="环境卫生")
    other = await ledger.award(CLI_ACTOR, v, second, 4, key="r2", reason="孝老爱亲")
    reversal = await ledger.reverse(CLI_ACTOR, v, award.id, key="r3", reason="录错了")
    assert await verify_village(v) == []
    await engine().run_ddl(f"UPDATE transfer SET reverses = {other.id} WHERE id = {reversal.id}")
    failures = await verify_village(v)
    assert [(f.check, f.transfer_id) for f in failures if f.check == "reversal"] == [
        ("reversal", reversal.id)
    ]
    assert f"does not mirror transfer #{other.id}" in next(
        f.message for f in failures if f.check == "reversal"
    )

    await engine().run_ddl(f"UPDATE transfer SET reverses = NULL WHERE id = {reversal.id}")
    [lost] = [f for f in await verify_village(v) if f.check == "reversal"]
    assert lost.transfer_id == reversal.id and "reverses=None" in lost.message
