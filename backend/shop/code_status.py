"""What became of the phone code a villager's page is showing: still waiting, paid for a sale
(how much, and the balance it left), spent elsewhere (a volunteer check-in), or expired.

The page asks every couple of seconds while the code is on screen, so a villager sees 已付款 and
the new balance the moment the shopkeeper's sale commits, and the spent code leaves the screen.
Read-only: it never spends or extends a code.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import msgspec

from backend import clock
from backend.cards import codes, scanning
from backend.cards.tables import UsedPhoneCode
from backend.errors import NotFound
from backend.ledger import services as ledger
from backend.registry import services as registry
from backend.shop.tables import Redemption

State = Literal["waiting", "expired", "paid", "used", "none"]


class CodeStatus(msgspec.Struct, frozen=True, kw_only=True):
    """A phone code as its own household sees it (also the API's answer, as it stands).

    state: ``waiting`` (not spent, still accepted), ``expired`` (never spent, refused now),
    ``paid`` (spent for a sale) or ``used`` (spent, but not at a till: a check-in); ``none``
    when asked about the newest spent code of a household that never spent one.
    balance: the household's balance now (可用积分), so the page's figures follow.
    total, balance_after, receipt_no, shop_name, sale_status, paid_at: the sale it paid for
    (``paid`` only); sale_status is ``completed`` or ``voided``.
    """

    state: State
    balance: int
    total: int | None = None
    balance_after: int | None = None
    receipt_no: str | None = None
    shop_name: str | None = None
    sale_status: str | None = None
    paid_at: datetime | None = None


async def code_status(
    village_id: int, household_id: int, payload: str | None, now: datetime | None = None
) -> CodeStatus:
    """The state of one of the household's own phone codes (without one: of the newest code the
    household spent). Another household's code, or a card, is not found (a villager learns
    nothing about anyone else's codes).

    The sale is the household's phone-code sale written in the same transaction that spent the
    code: the newest one made at or before the moment of spending and not before the code's own
    30-second step (a code is accepted for at most 60 s, one sale per transaction)."""
    household = await registry.household(village_id, household_id)
    balance = await ledger.balance(village_id, household_id)
    mine = UsedPhoneCode.household == household_id
    if payload is None:
        spent = (
            await UsedPhoneCode.select(UsedPhoneCode.used_at, UsedPhoneCode.time_step)
            .where(mine)
            .order_by(UsedPhoneCode.used_at, ascending=False)
            .first()
            .run()
        )
        if spent is None:
            return CodeStatus(state="none", balance=balance)
        step = spent["time_step"]
    else:
        code = scanning.read_code(payload, village_id)
        if not isinstance(code, codes.PhoneCode) or code.public_id != household.public_id:
            raise NotFound()
        spent = (
            await UsedPhoneCode.select(UsedPhoneCode.used_at)
            .where(mine & (UsedPhoneCode.digest == code.digest))
            .first()
            .run()
        )
        if spent is None:
            alive = (now or clock.now()) < codes.phone_code_expires_at(code.time_step)
            return CodeStatus(state="waiting" if alive else "expired", balance=balance)
        step = code.time_step
    made = datetime.fromtimestamp(step * codes.STEP_SECONDS, tz=UTC)
    sale = (
        await Redemption.select(
            Redemption.total,
            Redemption.balance_after,
            Redemption.receipt_no,
            Redemption.status,
            Redemption.created_at,
            Redemption.shop.name,
        )
        .where(
            (Redemption.village == village_id)
            & (Redemption.household == household_id)
            & (Redemption.code_kind == "phone")
            & (Redemption.created_at >= made)
            & (Redemption.created_at <= spent["used_at"])
        )
        .order_by(Redemption.created_at, ascending=False)
        .first()
        .run()
    )
    if sale is None:
        return CodeStatus(state="used", balance=balance)
    return CodeStatus(
        state="paid",
        balance=balance,
        total=sale["total"],
        balance_after=sale["balance_after"],
        receipt_no=sale["receipt_no"],
        shop_name=sale["shop.name"],
        sale_status=sale["status"],
        paid_at=sale["created_at"],
    )
