"""A household's card and the record of phone codes already spent."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from backend.clock import ClockNow
from backend.registry.tables import Household, Village


class Card(Table):
    """A household's printed card (积分卡). One row per household.

    ``version`` is the issue printed in the QR; only the current one is accepted, so reissuing
    (a lost card) kills every older print at once. A household with no row yet has version 1.
    ``pin_hash`` is an argon2id hash (None: no PIN); ``pin_failures`` counts wrong PINs at the
    kiosk since the PIN was set (a good PIN does not reset it: no fresh guesses after each use
    by the owner), forgotten 30 days after ``pin_failed_at``, the last wrong one;
    ``pin_locked_at`` is set at the fifth, until the PIN is set again or the household logs in
    from its own phone. ``pin_must_change``: the PIN was chosen by someone else (a PIN letter,
    a committee reset), so the villager's page asks for a new one at the next login.
    """

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    household = ForeignKey(
        references=Household, on_delete=OnDelete.restrict, null=False, unique=True
    )
    version = Integer(default=1)
    pin_hash = Text(null=True, default=None)
    pin_failures = Integer(default=0)
    pin_locked_at = Timestamptz(null=True, default=None)
    pin_failed_at = Timestamptz(null=True, default=None)
    pin_must_change = Boolean(default=False)
    issued_at = Timestamptz(default=ClockNow())
    issued_by = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=True)
    reissued_at = Timestamptz(null=True, default=None)
    reissued_by = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=True)


class UsedPhoneCode(Table):
    """A phone code that paid for a sale: written in the sale's own transaction, and unique,
    so a code pays at most once even if Redis forgets (it only pre-checks)."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    household = ForeignKey(references=Household, on_delete=OnDelete.restrict, null=False)
    digest = Varchar(length=64)  # unique per village
    time_step = Integer()
    used_at = Timestamptz(default=ClockNow())
