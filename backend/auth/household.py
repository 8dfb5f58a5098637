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

from backend.audit.services import Actor
from backend.auth import limits
from backend.auth import services as auth
from backend.auth.errors import HouseholdLoginFailed
from backend.auth.principal import Grant, Principal, Role
from backend.auth.tables import RoleGrant
from backend.cards import pins
from backend.cards import services as cards
from backend.registry.tables import Household, Village
from backend.settings import get_settings


async def _household(village_code: str, number: str) -> dict | None:
    return await Household.select(
        Household.id, Household.village, Household.public_id, Household.number, Household.head_name
    ).where(
        (Household.number == number) & (Household.status == "active")
        & Household.village.is_in(Village.select(Village.id).where(Village.code == village_code))
    ).first().run()


async def _account(household: dict) -> int:
    grant = await RoleGrant.select(RoleGrant.user).where(
        (RoleGrant.role == Role.villager.value) & (RoleGrant.household == household["id"])
    ).order_by(RoleGrant.id).first().run()
    if grant is not None:
        return int(grant["user"])
    return await auth.create_user(
        Actor(user_id=None, name="household-login", address=""),
        f"hh-{household['public_id'].lower()}", secrets.token_urlsafe(24),
        [Grant(Role.villager, village_id=household["village"], household_id=household["id"])],
        display_name=f"{household['number']} {household['head_name']}"[:40],
    )


def _counters(village_code: str, number: str, address: str,
              device: limits.Device | None) -> list[limits.Counter]:
    settings = get_settings()
    return limits.counters(
        limits.household_subject(village_code, number), address, device,
        limits.Counter(f"login:fail:village:{village_code.upper()}",
                       settings.household_failures_per_village),
        limits.Counter("login:fail:households", settings.household_failures_overall),
    )


async def login(
    village_code: str, number: str, pin: str, address: str, device_cookie: str | None = None
) -> tuple[str, Principal]:
    """A token for the household's villager account, if the number and PIN are right.

    A malformed PIN is refused first, for any number, so the refusal says nothing about which
    numbers exist and counts toward no limit."""
    cards.require_pin_format(pin)
    device = limits.known_device(device_cookie, limits.household_subject(village_code, number))
    judged_by = _counters(village_code, number, address, device)
    await limits.refuse_if_over(judged_by)
    household = await _household(village_code, number)
    verdict = await pins.pin_verdict(household["village"] if household else None,
                                      household["id"] if household else None, pin)
    if household is None or verdict not in ("good", "good_but_locked"):
        await limits.count_failure(judged_by)
        raise HouseholdLoginFailed()
    if verdict == "good_but_locked":
        if device is None:
            await limits.count_failure(judged_by)
            raise HouseholdLoginFailed()
        await pins.lift_pin_lock(Actor(user_id=None, name="household-login", address=address),
                                  household["village"], household["id"])
    if device is not None:
        await limits.clear(judged_by)
    user_id = await _account(household)
    token = await auth.issue_token(user_id, address)
    return token, await auth.principal_for_user(user_id, address, auth.token_hash(token))
