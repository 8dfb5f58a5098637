"""What ``jifen setup`` asks for, as immutable records, and the checks each answer passes
before anything is written (so a wrong answer is asked again, not found half way)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.auth.passwords import check_password
from backend.auth.principal import Role

CODE = re.compile(r"[A-Z][A-Z0-9]{1,15}")
USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{2,31}")


@dataclass(frozen=True, slots=True)
class VillagePlan:
    """A village to create: its code (the prefix of household numbers, ``XHX``), its name,
    its grids (网格) and its moral groups (道德小组), in the order given, and the household
    roster (花名册) file to import, if the operator named one ("" for none)."""

    code: str
    name: str
    grids: tuple[str, ...]
    moral_groups: tuple[str, ...]
    roster_file: str = ""


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """A staff account: ``village_code`` None for the town admin, else the village it serves
    (committee or shopkeeper; a shopkeeper runs that village's supermarket)."""

    username: str
    display_name: str
    password: str
    role: Role
    village_code: str | None = None


@dataclass(frozen=True, slots=True)
class SetupPlan:
    """A whole township: the town, its villages, the first accounts, and the public address
    the posters' and cards' QR codes point at (``JIFEN_PUBLIC_URL``)."""

    town_name: str
    town_code: str
    villages: tuple[VillagePlan, ...]
    accounts: tuple[AccountPlan, ...]
    public_url: str


@dataclass(frozen=True, slots=True)
class SetupDone:
    """What was built: the town's id, each village's id and shop id by code, and how many
    households each village's roster brought."""

    town_id: int
    village_ids: dict[str, int]
    shop_ids: dict[str, int]
    households: dict[str, int]


def names_list(answer: str) -> tuple[str, ...]:
    """``一网格、二网格, 三网格`` → three names: the separators a Chinese keyboard types, the
    comma of an English one, or spaces."""
    parts = re.split(r"[、，,；;\s]+", answer.strip())
    return tuple(dict.fromkeys(part for part in parts if part))


def check_staff_password(password: str, username: str) -> None:
    """The auth domain's rule for a staff password, asked when the password is typed rather
    than at the end, when the whole township would be refused for one account. Raises the
    rule's own refusal: :func:`backend.auth.passwords.check_password`, the one
    ``auth.create_user`` applies."""
    check_password(password, username)
