"""The ledger's rules, each written out as a small ledger with the balances expected beside it."""

from __future__ import annotations

import pytest

from backend.audit.services import CLI_ACTOR, Actor
from backend.auth.principal import Role
from backend.db import write_transaction
from backend.errors import IdempotencyKeyReused, InvalidInput, NotFound
from backend.ledger import services as ledger
from backend.ledger.errors import (
    AlreadyReversed,
    InsufficientPoints,
    ReversalNotReversible,
)
from backend.ledger.verify import verify_village
from backend.registry import services as registry
from tests.factories import Place, World, make_place

SHOP = 7


async def fresh(world: World, *, allow_negative: bool = False) -> Place:
    place = await make_place(world.a.town_id, with_users=False)
    if allow_negative:
        await registry.update_village(CLI_ACTOR, place.village_id, {"allow_negative_balance": True})
    return place


async def test_award_deduct_redeem_reverse_keep_balance_and_earned_apart(world: World) -> None:
    place = await fresh(world)
    v, h = place.village_id, place.households[0].id
    award = await ledger.award(
        CLI_ACTOR,
        v,
        h,
        10,
        key="a1",
        reason="环境卫生达标 +5",
        reference={"rule": "HJ-01", "rule_version": 3},
        period_id=1,
    )
    await ledger.award(CLI_ACTOR, v, h, 4, key="a2", reason="志愿服务", kind="bonus", period_id=2)
    await ledger.deduct(CLI_ACTOR, v, h, 3, key="d1", reason="乱堆乱放 −3", period_id=1)
    sale = await ledger.redeem(
        CLI_ACTOR, v, h, SHOP, 6, key="r1", reason="兑换：洗衣粉", reference={"redemption": 1}
    )

    assert (award.balance, sale.balance) == (10, 5)
    assert await ledger.balance(v, h) == 5  # 10 + 4 − 3 − 6
    assert await ledger.earned(v, h) == 11  # spending never lowers earned points
    assert await ledger.earned(v, h, period_id=1) == 7
    assert await ledger.earned(v, h, period_id=2) == 4
    assert await ledger.earned_by_household(v) == {h: 11}
    assert await ledger.earned_by_household(v, period_id=2) == {h: 4}

    undone = await ledger.reverse(CLI_ACTOR, v, sale.id, key="x1", reason="退货")
    assert undone.kind == "reversal" and undone.balance == 11
    await ledger.reverse(CLI_ACTOR, v, award.id, key="x2", reason="评分有误")
    assert await ledger.balance(v, h) == 1
    assert await ledger.earned(v, h) == 1 and await ledger.earned(v, h, period_id=1) == -3
    assert await verify_village(v) == []


AWKWARD_TEXT = [
    '引号"与反斜杠\\',
    "换行\n制表\t回车\r",
    "控制\x01\x1f字符\b\f",
    "表情🌾/斜杠",
    "'单引号' 与 \u2028 行分隔",
]


async def test_links_of_any_text_verify_whichever_engine_computed_them(world: World) -> None:
    """On PostgreSQL the database computes the link (``ledger_append``); verify recomputes it in
    Python: escapes, control characters, emoji and nested references must give the same bytes."""
    place = await fresh(world, allow_negative=True)
    v, h = place.village_id, place.households[0].id
    for n, text in enumerate(AWKWARD_TEXT):
        actor = Actor(user_id=world.a.user_ids[Role.committee], name=text)
        reference = {"note": text, "nested": {"list": [1, None, True, text]}, "ratio": 0.5}
        await ledger.award(
            actor, v, h, n + 1, key=f"{text}:{n}", reason=text, reference=reference, period_id=n
        )
        await ledger.deduct(actor, v, h, 100, key=f"d{n}", reason=text)
    assert await verify_village(v) == []


async def test_same_key_same_request_replays_different_request_is_refused(world: World) -> None:
    place = await fresh(world)
    v, h = place.village_id, place.households[0].id
    first = await ledger.award(CLI_ACTOR, v, h, 5, key="k", reason="孝老爱亲")
    again = await ledger.award(CLI_ACTOR, v, h, 5, key="k", reason="孝老爱亲")
    assert again.replayed and not first.replayed
    assert (again.id, again.hash, again.balance) == (first.id, first.hash, first.balance)
    with pytest.raises(IdempotencyKeyReused):
        await ledger.award(CLI_ACTOR, v, h, 6, key="k", reason="孝老爱亲")
    with pytest.raises(IdempotencyKeyReused):
        await ledger.deduct(CLI_ACTOR, v, h, 5, key="k", reason="孝老爱亲")
    assert await ledger.balance(v, h) == 5


async def test_floors_redemption_never_below_zero_deduction_only_if_village_allows(
    world: World,
) -> None:
    strict, lenient = await fresh(world), await fresh(world, allow_negative=True)
    for place in (strict, lenient):
        v, h = place.village_id, place.households[0].id
        await ledger.award(CLI_ACTOR, v, h, 5, key="a", reason="垃圾分类示范户")
        with pytest.raises(InsufficientPoints) as refused:
            await ledger.redeem(CLI_ACTOR, v, h, SHOP, 6, key="r", reason="兑换：大米")
        assert refused.value.params == {"balance": 5, "amount": 6}
    with pytest.raises(InsufficientPoints):
        await ledger.deduct(
            CLI_ACTOR, strict.village_id, strict.households[0].id, 8, key="d", reason="私搭乱建"
        )
    assert await ledger.balance(strict.village_id, strict.households[0].id) == 5
    lent = await ledger.deduct(
        CLI_ACTOR, lenient.village_id, lenient.households[0].id, 8, key="d", reason="私搭乱建"
    )
    assert lent.balance == -3
    with pytest.raises(InsufficientPoints):
        await ledger.redeem(
            CLI_ACTOR,
            lenient.village_id,
            lenient.households[0].id,
            SHOP,
            1,
            key="r2",
            reason="兑换：盐",
        )
    assert await verify_village(strict.village_id) == []
    assert await verify_village(lenient.village_id) == []


async def test_a_transfer_is_reversed_once_and_a_reversal_never(world: World) -> None:
    place = await fresh(world)
    v, h = place.village_id, place.households[0].id
    award = await ledger.award(CLI_ACTOR, v, h, 5, key="a", reason="义务植树")
    reversal = await ledger.reverse(CLI_ACTOR, v, award.id, key="x", reason="重复录入")
    assert (await ledger.reverse(CLI_ACTOR, v, award.id, key="x", reason="重复录入")).replayed
    with pytest.raises(AlreadyReversed):
        await ledger.reverse(CLI_ACTOR, v, award.id, key="x2", reason="再冲一次")
    with pytest.raises(ReversalNotReversible):
        await ledger.reverse(CLI_ACTOR, v, reversal.id, key="x3", reason="冲正的冲正")
    other = world.b.village_id
    with pytest.raises(NotFound):
        await ledger.reverse(CLI_ACTOR, other, award.id, key="x4", reason="别村")
    assert await ledger.balance(v, h) == 0


async def test_refusals_write_nothing(world: World) -> None:
    place = await fresh(world)
    v, h = place.village_id, place.households[0].id
    with pytest.raises(NotFound):
        await ledger.award(CLI_ACTOR, v, world.b.households[0].id, 5, key="a", reason="别村户")
    for amount in (0, -1, True):
        with pytest.raises(InvalidInput):
            await ledger.award(CLI_ACTOR, v, h, amount, key="a", reason="x")
    with pytest.raises(InvalidInput):
        await ledger.award(CLI_ACTOR, v, h, 1, key="a", reason="  ")
    with pytest.raises(InvalidInput):
        await ledger.adjust(CLI_ACTOR, v, h, 0, key="a", reason="x")
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await ledger.award(CLI_ACTOR, v, h, 5, key="outer", reason="随外层事务回滚")
            raise RuntimeError("the outer transaction fails")
    assert await ledger.balance(v, h) == 0
    assert await ledger.statement(v, h) == ([], 0)
    assert await verify_village(v) == []


async def test_statement_is_newest_first_and_signed_from_the_household(world: World) -> None:
    place = await fresh(world)
    v, h = place.village_id, place.households[0].id
    await ledger.award(CLI_ACTOR, v, h, 5, key="a", reason="环境卫生达标 +5", period_id=4)
    await ledger.redeem(CLI_ACTOR, v, h, SHOP, 2, key="r", reason="兑换：酱油")
    await ledger.adjust(CLI_ACTOR, v, h, -1, key="j", reason="录入更正")
    lines, total = await ledger.statement(v, h, page_size=2)
    assert total == 3
    assert [(line["kind"], line["amount"], line["balance"]) for line in lines] == [
        ("adjustment", -1, 2),
        ("redemption", -2, 3),
    ]
    older, _ = await ledger.statement(v, h, page=2, page_size=2)
    assert [(line["reason"], line["period_id"]) for line in older] == [("环境卫生达标 +5", 4)]


async def test_a_batch_posts_in_order_replays_keys_and_refuses_as_a_whole(world: World) -> None:
    place = await fresh(world)
    v = place.village_id
    h, g = (household.id for household in place.households)
    first = await ledger.award(CLI_ACTOR, v, h, 5, key="e1", reason="孝老爱亲", period_id=1)
    posted = await ledger.post_points(
        CLI_ACTOR,
        v,
        [
            ledger.Points(h, 5, "e1", "孝老爱亲", period_id=1),
            ledger.Points(g, 10, "e2", "志愿服务", period_id=1),
            ledger.Points(g, -4, "e3", "乱堆乱放", period_id=1),
        ],
    )
    assert [p.replayed for p in posted] == [True, False, False]
    assert posted[0].id == first.id and [p.balance for p in posted] == [5, 10, 6]
    assert await ledger.balances(v, [h, g]) == {h: 5, g: 6}

    with pytest.raises(IdempotencyKeyReused):
        await ledger.post_points(CLI_ACTOR, v, [ledger.Points(h, 7, "e1", "孝老爱亲")])
    with pytest.raises(InvalidInput):
        await ledger.post_points(
            CLI_ACTOR, v, [ledger.Points(h, 1, "e4", "甲"), ledger.Points(h, 1, "e4", "甲")]
        )
    with pytest.raises(InsufficientPoints):
        await ledger.post_points(
            CLI_ACTOR, v, [ledger.Points(h, 1, "e5", "甲"), ledger.Points(h, -7, "e6", "乙")]
        )
    assert await ledger.balances(v, [h, g]) == {h: 5, g: 6}  # the refused batch wrote nothing
    assert await ledger.earned(v, g, period_id=1) == 6
    assert await verify_village(v) == []
