"""A random walk through the ledger checked against a model after every step.

Awards, bonuses, deductions, redemptions, adjustments, reversals, retried keys, reused keys and a
village changing its mind about negative balances, in any order. After each step: verify passes
(chains, cached balance = sum of transfers, balances sum to 0 per village with issuance
negative, no account below its floor) and the balances and earned points match the model.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from backend.audit.services import CLI_ACTOR
from backend.errors import IdempotencyKeyReused
from backend.ledger import services as ledger
from backend.ledger.errors import (
    AlreadyReversed,
    InsufficientPoints,
    ReversalNotReversible,
)
from backend.ledger.verify import verify_village
from backend.registry import services as registry
from tests.factories import make_place, make_town

T = TypeVar("T")
LOOP: asyncio.AbstractEventLoop | None = None
TOWN: int = 0
SHOPS = (1, 2)
amounts = st.integers(min_value=1, max_value=30)


def run(work: Awaitable[T]) -> T:
    assert LOOP is not None
    return LOOP.run_until_complete(work)


@dataclass(frozen=True)
class Done:
    """A successful write as the model saw it: how to repeat it and what it did."""

    call: Callable[..., Awaitable[ledger.Posted]]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    posted: ledger.Posted
    household: int
    delta: int
    earned: int
    shop: int | None


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        place = run(make_place(TOWN, with_users=False))
        self.village = place.village_id
        self.households = [h.id for h in place.households]
        self.balance = dict.fromkeys(self.households, 0)
        self.earned = dict.fromkeys(self.households, 0)
        self.allow_negative = False
        self.done: dict[str, Done] = {}
        self.reversed: set[int] = set()
        self.counter = 0

    def key(self) -> str:
        self.counter += 1
        return f"k{self.counter}"

    def write(
        self,
        call: Callable[..., Awaitable[ledger.Posted]],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        household: int,
        delta: int,
        earned: int,
        shop: int | None = None,
        floor: bool = True,
    ) -> None:
        """Make the call; expect a refusal exactly when the model says the floor is crossed."""
        below = delta < 0 and self.balance[household] + delta < 0
        refuse = below and (floor or not self.allow_negative)
        try:
            posted = run(call(CLI_ACTOR, self.village, *args, **kwargs))
        except InsufficientPoints:
            assert refuse, "refused although the floor allowed it"
            return
        assert not refuse, "posted across the floor"
        self.balance[household] += delta
        self.earned[household] += earned
        assert posted.balance == self.balance[household]
        self.done[kwargs["key"]] = Done(call, args, kwargs, posted, household, delta, earned, shop)

    @initialize(allow=st.booleans())
    def village_setting(self, allow: bool) -> None:
        self.set_negative(allow)

    @rule(allow=st.booleans())
    def set_negative(self, allow: bool) -> None:
        run(registry.update_village(CLI_ACTOR, self.village, {"allow_negative_balance": allow}))
        self.allow_negative = allow

    @rule(
        h=st.sampled_from([0, 1]),
        amount=amounts,
        bonus=st.booleans(),
        period=st.sampled_from([None, 1, 2]),
    )
    def award(self, h: int, amount: int, bonus: bool, period: int | None) -> None:
        household = self.households[h]
        self.write(
            ledger.award,
            (household, amount),
            {
                "key": self.key(),
                "reason": "环境卫生达标",
                "period_id": period,
                "kind": "bonus" if bonus else "award",
            },
            household,
            amount,
            amount,
        )

    @rule(h=st.sampled_from([0, 1]), amount=amounts)
    def deduct(self, h: int, amount: int) -> None:
        household = self.households[h]
        self.write(
            ledger.deduct,
            (household, amount),
            {"key": self.key(), "reason": "乱堆乱放"},
            household,
            -amount,
            -amount,
            floor=False,
        )

    @rule(h=st.sampled_from([0, 1]), shop=st.sampled_from(SHOPS), amount=amounts)
    def redeem(self, h: int, shop: int, amount: int) -> None:
        household = self.households[h]
        self.write(
            ledger.redeem,
            (household, shop, amount),
            {"key": self.key(), "reason": "兑换：毛巾"},
            household,
            -amount,
            0,
            shop,
        )

    @rule(h=st.sampled_from([0, 1]), amount=st.integers(-30, 30).filter(bool))
    def adjust(self, h: int, amount: int) -> None:
        household = self.households[h]
        self.write(
            ledger.adjust,
            (household, amount),
            {"key": self.key(), "reason": "更正"},
            household,
            amount,
            amount,
            floor=False,
        )

    @precondition(lambda self: self.done)
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(sorted(self.done)))
        original = self.done[target]
        transfer_id = original.posted.id
        key = self.key()
        if original.posted.kind == "reversal":
            with pytest.raises(ReversalNotReversible):
                run(ledger.reverse(CLI_ACTOR, self.village, transfer_id, key=key, reason="冲"))
            return
        if transfer_id in self.reversed:
            with pytest.raises(AlreadyReversed):
                run(ledger.reverse(CLI_ACTOR, self.village, transfer_id, key=key, reason="冲"))
            return
        before = len(self.done)
        self.write(
            ledger.reverse,
            (transfer_id,),
            {"key": key, "reason": "冲正"},
            original.household,
            -original.delta,
            -original.earned,
            floor=original.posted.kind == "redemption" or original.delta < 0,
        )
        if len(self.done) > before:
            self.reversed.add(transfer_id)

    @precondition(lambda self: self.done)
    @rule(data=st.data(), same=st.booleans())
    def retry(self, data: st.DataObject, same: bool) -> None:
        done = self.done[data.draw(st.sampled_from(sorted(self.done)))]
        if same:
            again = run(done.call(CLI_ACTOR, self.village, *done.args, **done.kwargs))
            assert again == replace(done.posted, replayed=True)
        else:
            with pytest.raises(IdempotencyKeyReused):
                run(
                    ledger.award(
                        CLI_ACTOR,
                        self.village,
                        done.household,
                        999,
                        key=done.kwargs["key"],
                        reason="另一笔",
                    )
                )

    @invariant()
    def ledger_holds(self) -> None:
        assert run(verify_village(self.village)) == []
        for household in self.households:
            assert run(ledger.balance(self.village, household)) == self.balance[household]
            assert run(ledger.earned(self.village, household)) == self.earned[household]


@pytest.fixture(scope="session")
async def session_loop(database: None) -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def test_random_walks_keep_every_invariant(session_loop: asyncio.AbstractEventLoop) -> None:
    global LOOP, TOWN
    LOOP = session_loop
    TOWN = run(make_town()).id
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
