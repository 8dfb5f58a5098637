"""Who is calling and where they may act: roles, grants and the logged-in principal."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from backend.audit.services import Actor


class Role(StrEnum):
    town_admin = "town_admin"
    committee = "committee"
    grid_officer = "grid_officer"
    shopkeeper = "shopkeeper"
    villager = "villager"


VILLAGE_ROLES = (Role.committee, Role.grid_officer, Role.shopkeeper, Role.villager)


@dataclass(frozen=True, slots=True)
class Grant:
    """One role in one place: a town for ``town_admin``, a village for the rest."""

    role: Role
    town_id: int | None = None
    village_id: int | None = None
    household_id: int | None = None
    shop_id: int | None = None
    grid_id: int | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """The logged-in user as the access checks see them."""

    user_id: int
    username: str
    grants: tuple[Grant, ...]
    address: str = ""
    token_hash: str = field(default="", repr=False)
    display_name: str = ""

    @property
    def name(self) -> str:
        """How screens, receipts and the audit log show this person (王丽, not ``xhx_shop``)."""
        return self.display_name or self.username

    def roles(self) -> set[Role]:
        return {grant.role for grant in self.grants}

    def roles_in(self, village_id: int, town_id: int) -> set[Role]:
        """Roles that apply in one village: its own grants, plus town_admin of its town."""
        return {
            grant.role
            for grant in self.grants
            if grant.village_id == village_id
            or (grant.role is Role.town_admin and grant.town_id == town_id)
        }

    def household_in(self, village_id: int) -> int | None:
        """The household a villager acts for in this village, if any."""
        for grant in self.grants:
            if grant.role is Role.villager and grant.village_id == village_id:
                return grant.household_id
        return None

    def grid_scope(self, village_id: int, town_id: int) -> set[int] | None:
        """The grids whose households this principal may read in the village, or None for all
        of them: a grid officer sees only their grids' households (phones, addresses and 关怀户
        of the other grids are not theirs to read), and a grid officer grant without a grid
        (made before grids were required) sees none until the committee assigns one — it fails
        closed; any other staff role sees the village."""
        roles = self.roles_in(village_id, town_id)
        if Role.grid_officer not in roles or roles - {Role.grid_officer, Role.villager}:
            return None  # a villager alone reads only their own household, checked apart
        return {
            g.grid_id
            for g in self.grants
            if g.role is Role.grid_officer and g.village_id == village_id and g.grid_id is not None
        }

    def town_ids(self) -> set[int]:
        return {g.town_id for g in self.grants if g.role is Role.town_admin and g.town_id}

    def village_ids(self) -> set[int]:
        return {g.village_id for g in self.grants if g.village_id is not None}


def actor_of(principal: Principal) -> Actor:
    return Actor(user_id=principal.user_id, name=principal.name, address=principal.address)
