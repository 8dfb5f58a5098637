"""The demo township: 洪井镇 with 西黄须村 (the red/black board village of report 004) and
东黄须村, grids, moral groups, about 150 households and one user per role.

Everything goes through the domain services, so the demo is audited and valid like real data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rich.console import Console
from rich.progress import track

from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.demo.activities import load_activities_demo
from backend.demo.cards import issue_demo_cards
from backend.demo.ledger import demo_adjustment_request, post_demo_history
from backend.demo.names import family
from backend.demo.notice import load_notice_demo
from backend.demo.sales import demo_sales
from backend.demo.scoring import load_scoring_demo
from backend.demo.shop import demo_shop
from backend.errors import NotFound
from backend.registry import services as registry
from backend.registry.tables import Grid, Town, Village
from backend.setup.services import refuse_if_set_up

DEMO_PASSWORD = "jifen-demo"
TOWN = {"name": "洪井镇", "code": "HJZ"}


@dataclass(frozen=True)
class DemoVillage:
    name: str
    code: str
    households: int
    grids: tuple[str, ...]
    groups: tuple[str, ...]


VILLAGES = (
    DemoVillage(
        "西黄须村",
        "XHX",
        80,
        ("一网格", "二网格", "三网格", "四网格"),
        ("第一道德小组", "第二道德小组", "第三道德小组", "第四道德小组", "第五道德小组"),
    ),
    DemoVillage(
        "东黄须村",
        "DHX",
        70,
        ("东一网格", "东二网格", "东三网格"),
        ("东道德一组", "东道德二组", "东道德三组", "东道德四组"),
    ),
)
STREETS = ["幸福街", "和谐路", "文明巷", "振兴路", "槐树巷", "向阳街"]


# Display names of the demo's staff, by village code and login suffix.
STAFF_NAMES = {
    "XHX": {"committee": "李建华", "committee2": "赵秀英", "grid": "孙志强", "shop": "王丽"},
    "DHX": {"committee": "周国平", "committee2": "吴桂兰", "grid": "郑海涛", "shop": "陈芳"},
}


def hardship(marked: bool) -> dict[str, object]:
    """A demo household's 关怀户 mark with the reason the committee must give for it."""
    return {"hardship": marked, "hardship_reason": "低保户，家中有重病人" if marked else ""}


def demo_users(
    code: str,
    village_id: int,
    first_household: int,
    shop_id: int,
    first_head: str,
    grid_id: int,
) -> list[tuple[str, str, Grant]]:
    """(username, display name, grant) of one village's demo accounts."""
    prefix, names = code.lower(), STAFF_NAMES.get(code, {})
    return [
        (
            f"{prefix}_committee",
            names.get("committee", ""),
            Grant(Role.committee, village_id=village_id),
        ),
        (
            f"{prefix}_committee2",
            names.get("committee2", ""),
            Grant(Role.committee, village_id=village_id),
        ),
        (
            f"{prefix}_grid",
            names.get("grid", ""),
            Grant(Role.grid_officer, village_id=village_id, grid_id=grid_id),
        ),
        (
            f"{prefix}_shop",
            names.get("shop", ""),
            Grant(Role.shopkeeper, village_id=village_id, shop_id=shop_id),
        ),
        (
            f"{prefix}_villager",
            first_head,
            Grant(Role.villager, village_id=village_id, household_id=first_household),
        ),
    ]


async def load_demo(console: Console, *, if_empty: bool = False) -> bool:
    """Create the demo township unless it exists (or, with ``if_empty``, unless any town
    exists, so a real deployment's database is never sprinkled with demo data). A database
    built by ``jifen setup`` is refused outright (:class:`DatabaseIsSetUp`)."""
    await refuse_if_set_up()
    if await Town.exists().where(Town.code == TOWN["code"]).run():
        return False
    if if_empty and await Town.count().run() > 0:
        return False
    rng = random.Random(20261123)
    town = await registry.create_town(CLI_ACTOR, TOWN["name"], TOWN["code"])
    # The published demo password would fail the password rule: only the demo may use it.
    await auth.create_user(
        CLI_ACTOR,
        "town_admin",
        DEMO_PASSWORD,
        [Grant(Role.town_admin, town_id=town.id)],
        display_name="刘振东",
        checked=False,
    )
    for spec in VILLAGES:
        village = await registry.create_village(CLI_ACTOR, town.id, name=spec.name, code=spec.code)
        vid = village.id
        grids = [await registry.create_grid(CLI_ACTOR, vid, n) for n in spec.grids]
        groups = [await registry.create_moral_group(CLI_ACTOR, vid, n) for n in spec.groups]
        first, first_head = None, ""
        for n in track(
            range(1, spec.households + 1), description=f"{spec.name} 户", console=console
        ):
            head, members = family(rng)
            household = await registry.create_household(
                CLI_ACTOR,
                vid,
                {
                    "number": f"{spec.code}-{n:03d}",
                    "head_name": head,
                    "address": f"{spec.name}{rng.choice(STREETS)}{rng.randint(1, 99)}号",
                    "phone": f"13{rng.randint(100000000, 999999999)}",
                    "grid_id": grids[(n - 1) % len(grids)].id,
                    "moral_group_id": groups[(n - 1) % len(groups)].id,
                    **hardship(rng.random() < 0.06),
                },
                members,
            )
            if first is None:
                first, first_head = household.id, head
        assert first is not None
        shop_id = await demo_shop(vid, spec.name)
        for username, name, grant in demo_users(
            spec.code, vid, first, shop_id, first_head, grids[0].id
        ):
            await auth.create_user(
                CLI_ACTOR, username, DEMO_PASSWORD, [grant], display_name=name, checked=False
            )
    await post_demo_history(console, tuple(v.code for v in VILLAGES))
    await issue_demo_cards(console, town.id)
    await load_scoring_demo()
    await load_notice_demo("DHX")
    await load_activities_demo()
    for spec in VILLAGES:
        await demo_sales(spec.code, f"{spec.code.lower()}_shop")
        await demo_adjustment_request(spec.code)
    return True


async def create_user_by_codes(
    username: str,
    password: str,
    role: Role,
    town_code: str | None,
    village_code: str | None,
    display_name: str = "",
    grid: str | None = None,
) -> int:
    """``jifen createuser``: resolve the town or village by code (and a grid officer's grid by
    its name in that village), then create the user."""
    if role is Role.town_admin:
        town = await Town.select(Town.id).where(Town.code == (town_code or "")).first().run()
        if town is None:
            raise NotFound()
        grant = Grant(role, town_id=town["id"])
    else:
        village = (
            await Village.select(Village.id)
            .where(Village.code == (village_code or ""))
            .first()
            .run()
        )
        if village is None or role is Role.villager:
            raise NotFound()
        grid_id = None
        if grid is not None:
            found = (
                await Grid.select(Grid.id)
                .where((Grid.village == village["id"]) & (Grid.name == grid))
                .first()
                .run()
            )
            if found is None:
                raise NotFound()
            grid_id = found["id"]
        grant = Grant(role, village_id=village["id"], grid_id=grid_id)
    return await auth.create_user(CLI_ACTOR, username, password, [grant], display_name=display_name)
