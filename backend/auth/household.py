"""Villagers log in with their household number (户号) and the household's PIN.

The PIN is the card's PIN (set by the committee, changeable by the villager). A household gets
one villager account, made on its first login; nobody has to invent a username for a
grandmother.

Invariants:
- one answer for every failure (unknown village or number, no PIN, wrong PIN, locked card):
  ``login_failed``, after the same argon2 work, so numbers cannot be probed;
- failures are limited per household, per address, per village and over all villages
  (:mod:`backend.auth.limits`), with a growing delay rather than a lock: a remote guess never
  locks the card, so strangers cannot lock a household out of its own phone or the kiosk;
- the phone the household logged in from before is counted apart, and a good login from it
  lifts a lock that wrong PINs at a kiosk put on the card.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from piccolo.columns.combination import WhereRaw

from backend.audit.services import Actor
from backend.auth import limits
from backend.auth import services as auth
from backend.auth.errors import HouseholdLoginFailed
from backend.auth.principal import Grant, Principal, Role
from backend.auth.tables import RoleGrant
from backend.cards import pins
from backend.registry.tables import Household, Village
from backend.settings import get_settings


@dataclass(frozen=True, slots=True)
class Typed:
    """What a villager typed, made canonical: the village's code (upper case, or the typed
    text itself when no village has that code or name), the household's number as the roster
    holds it (or the typed number with the village prefix when no household has it), and the
    household's row when there is one. Limits key on ``subject``, so "xhx-001", "001" and
    " XHX-001 " are one household's guesses, not three households'."""

    village_code: str
    number: str
    household: dict | None

    @property
    def subject(self) -> str:
        return limits.household_subject(self.village_code, self.number)


async def _village(typed: str) -> dict | None:
    """The village named by its code in any case, or by its name (with or without 村); a name
    two villages share names neither (the code is printed on the PIN letter)."""
    text = typed.strip()
    by_code = (
        await Village.select(Village.id, Village.code)
        .where(WhereRaw("upper(code) = {}", text.upper()))
        .first()
        .run()
    )
    if by_code is not None:
        return by_code
    names = [text, text + "村"] if not text.endswith("村") else [text]
    rows = (
        await Village.select(Village.id, Village.code)
        .where(Village.name.is_in(names))
        .limit(2)
        .run()
    )
    return rows[0] if len(rows) == 1 else None


async def canonical(village: str, number: str) -> Typed:
    """The household a villager meant: the number in any case, with or without the village's
    prefix ("001" in village XHX is XHX-001), spaces trimmed. A number the roster holds as
    typed wins over the prefixed reading."""
    row = await _village(village)
    code = row["code"] if row else village.strip().upper()
    typed = number.strip().upper()
    prefixed = typed if typed.startswith(f"{code.upper()}-") else f"{code.upper()}-{typed}"
    if row is None:
        return Typed(code.upper(), prefixed, None)
    found = (
        await Household.select(
            Household.id,
            Household.village,
            Household.public_id,
            Household.number,
            Household.head_name,
        )
        .where(
            (Household.village == row["id"])
            & (Household.status == "active")
            & WhereRaw("upper(number) IN ({}, {})", typed, prefixed)
        )
        .run()
    )
    exact = [h for h in found if h["number"].upper() == typed]
    household = (exact or found)[0] if found else None
    return Typed(code.upper(), household["number"].upper() if household else prefixed, household)


async def _account(household: dict) -> int:
    grant = (
        await RoleGrant.select(RoleGrant.user)
        .where((RoleGrant.role == Role.villager.value) & (RoleGrant.household == household["id"]))
        .order_by(RoleGrant.id)
        .first()
        .run()
    )
    if grant is not None:
        return int(grant["user"])
    return await auth.create_user(
        Actor(user_id=None, name="household-login", address=""),
        f"hh-{household['public_id'].lower()}",
        secrets.token_urlsafe(24),
        [Grant(Role.villager, village_id=household["village"], household_id=household["id"])],
        display_name=f"{household['number']} {household['head_name']}"[:40],
    )


def _counters(typed: Typed, address: str, device: limits.Device | None) -> list[limits.Counter]:
    settings = get_settings()
    return limits.counters(
        typed.subject,
        address,
        device,
        limits.Counter(
            f"login:fail:village:{typed.village_code}", settings.household_failures_per_village
        ),
        limits.Counter("login:fail:households", settings.household_failures_overall),
    )


@dataclass(frozen=True, slots=True)
class HouseholdLogin:
    """A good household login: the session token, who it is, and the canonical subject the
    device cookie is given for."""

    token: str
    principal: Principal
    subject: str


async def login(
    village: str, number: str, pin: str, address: str, device_cookie: str | None = None
) -> HouseholdLogin:
    """A token for the household's villager account, if the number and PIN are right.

    A malformed PIN is refused first, for any number, so the refusal says nothing about which
    numbers exist and counts toward no limit. The village and number are read forgivingly
    (:func:`canonical`), and every limit counts the canonical household."""
    pins.require_pin_format(pin)
    typed = await canonical(village, number)
    device = limits.known_device(device_cookie, typed.subject)
    judged_by = _counters(typed, address, device)
    await limits.refuse_if_over(judged_by)
    household = typed.household
    verdict = await pins.pin_verdict(
        household["village"] if household else None, household["id"] if household else None, pin
    )
    if household is None or verdict not in ("good", "good_but_locked"):
        await limits.count_failure(judged_by)
        raise HouseholdLoginFailed()
    if verdict == "good_but_locked":
        if device is None:
            await limits.count_failure(judged_by)
            raise HouseholdLoginFailed()
        await pins.lift_pin_lock(
            Actor(user_id=None, name="household-login", address=address),
            household["village"],
            household["id"],
        )
    if device is not None:
        await limits.clear(judged_by)
    user_id = await _account(household)
    token = await auth.issue_token(user_id, address)
    principal = await auth.principal_for_user(user_id, address, auth.token_hash(token))
    return HouseholdLogin(token, principal, typed.subject)
