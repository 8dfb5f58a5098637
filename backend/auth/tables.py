"""Users, their role grants and their login tokens.

Users are Piccolo's ``BaseUser`` (PBKDF2-SHA256, 600 000 iterations, salted) so that
piccolo-admin at ``/admin`` shares the same accounts; only town admins get its ``admin`` flag.
A grant scopes a role to a town, a village, a household (villagers) or a shop (shopkeepers).
"""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table

from backend.clock import ClockNow
from backend.registry.tables import Grid, Household, Town, Village


class RoleGrant(Table):
    """One role for one user in one place. ``town_admin`` has a town; the others a village."""

    id: Serial
    user = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=False)
    role = Varchar(length=20)
    town = ForeignKey(references=Town, on_delete=OnDelete.restrict, null=True)
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=True)
    household = ForeignKey(references=Household, on_delete=OnDelete.restrict, null=True)
    # A grid officer's grid: they read only its households (None: the whole village, as before).
    grid = ForeignKey(references=Grid, on_delete=OnDelete.restrict, null=True)
    shop_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=ClockNow())


class AuthToken(Table):
    """A bearer token; only its SHA-256 is stored, so a database dump logs nobody in."""

    id: Serial
    user = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=False)
    token_hash = Varchar(length=64, unique=True)
    address = Varchar(length=64, default="")
    created_at = Timestamptz(default=ClockNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
