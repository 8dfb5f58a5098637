"""Villagers log in with their household number (户号) and the household's PIN.

The PIN is the card's PIN (set by the committee, changeable by the villager), so its lockout
after five wrong tries protects the phone login as well as the kiosk. A household gets one
villager account, made on its first login; nobody has to invent a username for a grandmother.
Unknown villages and numbers answer exactly like a wrong PIN, so numbers cannot be probed.
"""

from __future__ import annotations

import secrets

from backend.audit.services import Actor
from backend.auth import services as auth
from backend.auth.errors import LoginFailed
from backend.auth.principal import Grant, Principal, Role
from backend.auth.tables import RoleGrant
from backend.cards import services as cards
from backend.cards.errors import PinNotSet, PinWrong
from backend.registry.tables import Household, Village


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


async def login(village_code: str, number: str, pin: str, address: str) -> tuple[str, Principal]:
    """A token for the household's villager account, if the number and PIN are right.

    A malformed PIN is refused first, for any number, so the refusal says nothing about which
    numbers exist and counts toward no lockout."""
    cards.require_pin_format(pin)
    key = f"household:{village_code}:{number}"
    await auth.refuse_if_locked(key, address)
    household = await _household(village_code, number)
    if household is None:
        await auth.count_failure(key, address)
        raise LoginFailed()
    try:
        await cards.check_pin(household["village"], household["id"], pin)
    except (PinWrong, PinNotSet):
        await auth.count_failure(key, address)
        raise
    user_id = await _account(household)
    token = await auth.issue_token(user_id, address)
    return token, await auth.principal_for_user(user_id, address, auth.token_hash(token))
