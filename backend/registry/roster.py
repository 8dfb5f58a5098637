"""The household roster (花名册) a village already keeps in Excel, imported whole or not at all.

The sheet is the clerk's own: title rows above the header are fine, the header is the first row
whose first filled cell is 户号, and its columns may come in any order — 户号 and 户主 are
required, 住址, 电话, 网格, 道德小组, 关怀户 and 家庭成员 are read when present. Members are
written "张三（妻）、李四（子）" (a name without a relation is 家属). Grids and moral groups are
found by name and made when the village has none of that name yet, so a new village can start
from its roster (``jifen setup`` calls :func:`import_roster` too).

Invariant: any bad cell and nothing is written; the refusal names every bad cell by sheet row and
column. A household number already in the village, or twice in the sheet, is a bad cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.audit.services import Actor, record
from backend.db import write_transaction
from backend.heavy import run_heavy
from backend.registry import services
from backend.registry.tables import Grid, Household, MoralGroup
from backend.sheets import BadSheet, SheetProblem, at, header_row, sheet_rows, text

MAX_ROWS = 5000
COLUMNS = {
    "户号": "number",
    "户主": "head_name",
    "住址": "address",
    "电话": "phone",
    "网格": "grid",
    "道德小组": "moral_group",
    "关怀户": "hardship",
    "家庭成员": "members",
}
REQUIRED = ("number", "head_name")
NUMBER = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
PHONE = re.compile(r"^[0-9+\- ]{0,32}$")
YES, NO = ("是", "yes", "y", "1", "√"), ("否", "", "no", "n", "0")
# A 关怀户 mark always carries a reason: the roster's own "是" is that reason until the
# committee writes a better one in the household's form.
ROSTER_HARDSHIP = "花名册中标为关怀户"
MEMBER = re.compile(r"^(?P<name>[^（(]+?)\s*(?:[（(](?P<relation>[^）)]*)[）)])?$")


@dataclass(frozen=True, slots=True)
class RosterHousehold:
    """One household row of the sheet, checked: ``row`` is its sheet row."""

    row: int
    number: str
    head_name: str
    address: str
    phone: str
    grid: str
    moral_group: str
    hardship: bool
    members: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RosterResult:
    """What an import did (or, with ``dry_run``, would do): the household numbers added, and the
    grids and moral groups that had to be made for them."""

    dry_run: bool
    numbers: tuple[str, ...]
    new_grids: tuple[str, ...]
    new_moral_groups: tuple[str, ...]


def _members(value: str) -> list[tuple[str, str]] | None:
    out = []
    for part in (p.strip() for p in re.split(r"[、,，;；\n]+", value) if p.strip()):
        match = MEMBER.match(part)
        if not match or len(match["name"]) > 50 or len(match["relation"] or "") > 20:
            return None
        out.append((match["name"].strip(), (match["relation"] or "家属").strip() or "家属"))
    return out


def _read_row(
    n: int, cells: dict[str, tuple[int, str]], problems: list[SheetProblem]
) -> RosterHousehold:
    def value(key: str) -> str:
        return cells.get(key, (0, ""))[1]

    def bad(key: str, kind: str, **params: object) -> None:
        problems.append(at(n, cells[key][0], kind, **params))

    if not NUMBER.match(value("number")):
        bad("number", "bad_household_number")
    if not 1 <= len(value("head_name")) <= 50:
        bad("head_name", "bad_head_name")
    if len(value("address")) > 200:
        bad("address", "bad_address")
    if not PHONE.match(value("phone")):
        bad("phone", "bad_phone")
    for key in ("grid", "moral_group"):
        if len(value(key)) > 100:
            bad(key, "bad_group_name")
    hardship = value("hardship").lower()
    if hardship not in YES + NO:
        bad("hardship", "bad_yes_no")
    members = _members(value("members"))
    if members is None or len(members) > 30:
        bad("members", "bad_members")
    head = (value("head_name"), "户主")
    listed = [m for m in members or [] if m[0] != head[0]]
    return RosterHousehold(
        n,
        value("number"),
        value("head_name"),
        value("address"),
        value("phone"),
        value("grid"),
        value("moral_group"),
        hardship in YES,
        (head, *listed),
    )


@dataclass(frozen=True, slots=True)
class RosterSheet:
    """What a roster sheet lists, every problem of its layout and cells, and where 户号 is."""

    households: list[RosterHousehold]
    problems: list[SheetProblem]
    number_column: int = 1


def read_roster(rows: list[list[object]]) -> RosterSheet:
    """The households a roster sheet lists, and every problem of its layout and cells."""
    header = header_row(rows, "户号")
    if header is None:
        return RosterSheet([], [at(1, 1, "no_header", first="户号")])
    columns: dict[str, int] = {}
    problems: list[SheetProblem] = []
    for column, name in enumerate(rows[header], start=1):
        key = COLUMNS.get(text(name))
        if key and key not in columns:
            columns[key] = column
    for key in REQUIRED:
        if key not in columns:
            name = next(k for k, v in COLUMNS.items() if v == key)
            problems.append(at(header + 1, 1, "missing_column", name=name))
    if problems:
        return RosterSheet([], problems)
    households: list[RosterHousehold] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[header + 1 :], start=header + 2):
        if not any(text(v) for v in row):
            continue
        cells = {
            key: (column, text(row[column - 1]) if column <= len(row) else "")
            for key, column in columns.items()
        }
        household = _read_row(n, cells, problems)
        if household.number in seen:
            problems.append(
                at(
                    n,
                    columns["number"],
                    "duplicate_number_in_sheet",
                    number=household.number,
                    first_row=seen[household.number],
                )
            )
        seen.setdefault(household.number, n)
        households.append(household)
    if not households and not problems:
        problems.append(at(header + 2, 1, "no_households"))
    return RosterSheet(households, problems, columns["number"])


async def _named(table: type[Grid] | type[MoralGroup], village_id: int) -> dict[str, int]:
    rows = await table.select(table.id, table.name).where(table.village == village_id).run()
    return {r["name"]: r["id"] for r in rows}


async def import_roster(
    actor: Actor, village_id: int, data: bytes, *, dry_run: bool = False
) -> RosterResult:
    """Add every household of a roster sheet (xlsx, or CSV in UTF-8 or GBK) to the village, with
    its members, grid, moral group and 关怀户 mark — all of them, or none and a
    :class:`BadSheet` naming every bad cell."""
    sheet = read_roster(await run_heavy(sheet_rows, data, MAX_ROWS + 20))
    households, problems = sheet.households, list(sheet.problems)
    async with write_transaction():
        taken = {
            r["number"]
            for r in await Household.select(Household.number)
            .where(
                (Household.village == village_id)
                & Household.number.is_in([h.number for h in households] or [""])
            )
            .run()
        }
        problems += [
            at(h.row, sheet.number_column, "household_number_taken", number=h.number)
            for h in households
            if h.number in taken
        ]
        if problems:
            raise BadSheet(problems)
        grids, groups = await _named(Grid, village_id), await _named(MoralGroup, village_id)
        new_grids = tuple(
            dict.fromkeys(h.grid for h in households if h.grid and h.grid not in grids)
        )
        new_groups = tuple(
            dict.fromkeys(
                h.moral_group for h in households if h.moral_group and h.moral_group not in groups
            )
        )
        result = RosterResult(dry_run, tuple(h.number for h in households), new_grids, new_groups)
        if dry_run:
            return result
        for name in new_grids:
            grids[name] = (await services.create_grid(actor, village_id, name)).id
        for name in new_groups:
            groups[name] = (await services.create_moral_group(actor, village_id, name)).id
        for h in households:
            await services.create_household(
                actor,
                village_id,
                {
                    "number": h.number,
                    "head_name": h.head_name,
                    "address": h.address,
                    "phone": h.phone,
                    "grid_id": grids.get(h.grid),
                    "hardship": h.hardship,
                    "hardship_reason": ROSTER_HARDSHIP if h.hardship else "",
                    "moral_group_id": groups.get(h.moral_group),
                },
                [{"name": name, "relation": relation} for name, relation in h.members],
            )
        await record(
            actor,
            "household.import",
            "village",
            village_id,
            village_id=village_id,
            after={
                "households": list(result.numbers),
                "grids": list(new_grids),
                "moral_groups": list(new_groups),
            },
        )
    return result
