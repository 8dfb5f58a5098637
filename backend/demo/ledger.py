"""Demo ledger history: a few months of awards and deductions per household, posted through
the ledger's services with realistic reasons, so statements and balances have something to show
before the scoring domain posts closed periods. Keys are fixed, so loading twice posts nothing.
"""

from __future__ import annotations

import random

from rich.console import Console
from rich.progress import track

from backend.audit.services import CLI_ACTOR
from backend.ledger import services as ledger
from backend.registry.tables import Household, Village

AWARDS = (
    ("环境卫生达标", 5),
    ("志愿服务：清扫村道", 3),
    ("孝老爱亲：照顾卧病老人", 5),
    ("参加村民议事会", 2),
    ("移风易俗：婚事简办", 10),
    ("垃圾分类示范户", 3),
    ("义务植树", 2),
    ("子女考上大学", 5),
    ("邻里纠纷主动调解", 3),
)
DEDUCTIONS = (("乱堆乱放", 2), ("乱扔垃圾", 1), ("私搭乱建未整改", 5), ("违规焚烧秸秆", 3))


async def post_demo_history(console: Console, village_codes: tuple[str, ...]) -> None:
    rng = random.Random(8)
    households = (
        await Household.select(Household.id, Household.village)
        .where(
            Household.village.is_in(
                [
                    v["id"]
                    for v in await Village.select(Village.id)
                    .where(Village.code.is_in(list(village_codes)))
                    .run()
                ]
                or [0]
            )
        )
        .order_by(Household.id)
        .run()
    )
    for household in track(households, description="积分流水 ledger history", console=console):
        vid, hid = household["village"], household["id"]
        for n in range(rng.randint(2, 5)):
            reason, points = rng.choice(AWARDS)
            posted = await ledger.award(
                CLI_ACTOR,
                vid,
                hid,
                points,
                key=f"demo:{hid}:award:{n}",
                reason=f"{reason} +{points}",
                reference={"demo": True},
            )
        reason, points = rng.choice(DEDUCTIONS)
        if rng.random() < 0.4 and posted.balance >= points:
            await ledger.deduct(
                CLI_ACTOR,
                vid,
                hid,
                points,
                key=f"demo:{hid}:deduction",
                reason=f"{reason} −{points}",
                reference={"demo": True},
            )


async def demo_adjustment_request(village_code: str) -> None:
    """Big adjustments for four eyes: one waiting (``<village>_committee`` proposed it, and
    ``<village>_committee2`` can approve or refuse it in the console or the API), and one the
    second member already refused, with the reason the history shows."""
    from piccolo.apps.user.tables import BaseUser

    from backend.auth.principal import actor_of
    from backend.auth.services import principal_for_user
    from backend.ledger import approvals

    prefix = village_code.lower()
    users = {
        row["username"]: row["id"]
        for row in await BaseUser.select(BaseUser.id, BaseUser.username)
        .where(BaseUser.username.is_in([f"{prefix}_committee", f"{prefix}_committee2"]))
        .run()
    }
    village = await Village.select(Village.id).where(Village.code == village_code).first().run()
    assert village is not None
    household = (
        await Household.select(Household.id)
        .where(Household.village == village["id"])
        .order_by(Household.id)
        .offset(1)
        .first()
        .run()
    )
    assert len(users) == 2 and household, "the demo's users and households come first"
    first = actor_of(await principal_for_user(users[f"{prefix}_committee"], "demo"))
    second = actor_of(await principal_for_user(users[f"{prefix}_committee2"], "demo"))
    vid = village["id"]
    refused = await approvals.propose(
        first,
        vid,
        household["id"],
        -300,
        key=f"demo:{village_code}:adjustment-refused",
        reason="上月垃圾分类检查漏登，补扣",
    )
    if refused.status == "pending":
        await approvals.refuse(
            second, vid, refused.id, "检查记录里这一户是合格的，不能补扣；请先核对原始登记表"
        )
    await approvals.propose(
        first,
        vid,
        household["id"],
        500,
        key=f"demo:{village_code}:adjustment-request",
        reason="修缮村祠堂义务出工 20 天（超过 100 分，需另一位村委批准）",
    )
