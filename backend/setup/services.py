"""Building a real township from a :class:`SetupPlan`, on an empty database only.

Invariants: setup writes nothing on a database that has a town or a user (a second run, or a
run over the demo, is refused before any write); it is all or nothing (one transaction: a
refused account leaves no town behind); it goes through the registry's, the shop's and auth's
services, so every row is audited like a change made in the console; and it records itself
(``setup_record``), which ``jifen demo`` reads to refuse the database.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from piccolo.apps.user.tables import BaseUser

from backend.audit.services import CLI_ACTOR, record
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.db import write_transaction
from backend.registry import roster
from backend.registry import services as registry
from backend.registry.tables import Household, Town
from backend.setup.errors import DatabaseIsSetUp, DatabaseNotEmpty
from backend.setup.plan import SetupDone, SetupPlan
from backend.setup.tables import SetupRecord
from backend.shop import catalogue


async def refuse_unless_empty() -> None:
    """Refuse a database that already holds a town, a user or a household."""
    for what, table in (("镇 town", Town), ("用户 user", BaseUser), ("户 household", Household)):
        if await table.count().run() > 0:
            raise DatabaseNotEmpty(what=what)


async def refuse_if_set_up() -> None:
    """The demo's guard: a database ``jifen setup`` built is a real township's."""
    if await SetupRecord.exists().run():
        raise DatabaseIsSetUp()


def shop_name(village_name: str) -> str:
    return f"{village_name}积分超市"


async def set_up_township(plan: SetupPlan) -> SetupDone:
    """Create the town, its villages with their grids, moral groups and supermarket, and the
    accounts of the plan, then record that this database was set up."""
    async with write_transaction():
        await refuse_unless_empty()
        town = await registry.create_town(CLI_ACTOR, plan.town_name, plan.town_code)
        village_ids: dict[str, int] = {}
        shop_ids: dict[str, int] = {}
        households: dict[str, int] = {}
        for spec in plan.villages:
            village = await registry.create_village(
                CLI_ACTOR, town.id, name=spec.name, code=spec.code
            )
            village_ids[spec.code] = village.id
            for grid in spec.grids:
                await registry.create_grid(CLI_ACTOR, village.id, grid)
            for group in spec.moral_groups:
                await registry.create_moral_group(CLI_ACTOR, village.id, group)
            shop = await catalogue.create_shop(CLI_ACTOR, village.id, shop_name(spec.name), [])
            shop_ids[spec.code] = shop.id
            if spec.roster_file:  # all or nothing with the township: a bad cell builds nothing
                data = await asyncio.to_thread(Path(spec.roster_file).read_bytes)
                imported = await roster.import_roster(CLI_ACTOR, village.id, data)
                households[spec.code] = len(imported.numbers)
        for account in plan.accounts:
            if account.role is Role.town_admin:
                grant = Grant(Role.town_admin, town_id=town.id)
            else:
                code = account.village_code or ""
                grant = Grant(
                    account.role,
                    village_id=village_ids[code],
                    shop_id=shop_ids[code] if account.role is Role.shopkeeper else None,
                )
            await auth.create_user(
                CLI_ACTOR,
                account.username,
                account.password,
                [grant],
                display_name=account.display_name,
            )
        await SetupRecord.insert(SetupRecord(town=town.id, public_url=plan.public_url)).run()
        await record(
            CLI_ACTOR,
            "setup.complete",
            "town",
            town.id,
            town_id=town.id,
            after={
                "villages": list(village_ids),
                "public_url": plan.public_url,
                "accounts": [a.username for a in plan.accounts],
            },
        )
    return SetupDone(
        town_id=town.id, village_ids=village_ids, shop_ids=shop_ids, households=households
    )
