"""The registry's writers and readers: towns, villages, grids, moral groups, households.

Invariants: a household's grid and moral group belong to its own village; every change is in the
audit log with its before and after (moving a household between grids or groups included);
nothing is deleted — a household leaves by becoming ``moved``.
"""

from __future__ import annotations

import base64
import logging
import secrets
from dataclasses import asdict
from typing import Any, TypeVar

from piccolo.columns.combination import Where

from backend import clock
from backend.audit.services import Actor, changed_fields, record
from backend.db import write_transaction
from backend.errors import NotFound, ReasonRequired
from backend.registry.errors import (
    DuplicateCode,
    DuplicateHouseholdNumber,
    DuplicateName,
    UnknownGrid,
    UnknownMoralGroup,
)
from backend.registry.records import (
    HouseholdRecord,
    MemberRecord,
    TownRecord,
    VillageGroup,
    VillageRecord,
)
from backend.registry.tables import Grid, Household, Member, MoralGroup, Town, Village

VILLAGE_FIELDS = (
    Village.id,
    Village.town,
    Village.name,
    Village.code,
    Village.allow_negative_balance,
    Village.notice_days,
    Village.board_size,
    Village.pin_threshold,
    Village.daily_cap,
    Village.void_window_hours,
    Village.red_bonus,
    Village.board_include_idle,
    Village.black_line,
    Village.adjustment_approval_above,
)
NamedGroup = TypeVar("NamedGroup", Grid, MoralGroup)

HOUSEHOLD_FIELDS = (
    Household.id,
    Household.village,
    Household.number,
    Household.public_id,
    Household.head_name,
    Household.address,
    Household.phone,
    Household.grid,
    Household.moral_group,
    Household.hardship,
    Household.hardship_reason,
    Household.status,
    Household.created_at,
)
MEMBER_FIELDS = (Member.id, Member.name, Member.relation, Member.active, Member.status)


def new_public_id() -> str:
    """Ten upper-case base32 characters (50 random bits): QR alphanumeric-mode friendly."""
    return base64.b32encode(secrets.token_bytes(10)).decode()[:10]


def _village_out(row: dict[str, Any]) -> VillageRecord:
    town_id = row.pop("town")
    return VillageRecord(town_id=town_id, **row)


_town_of: dict[int, int] = {}


async def town_of_village(village_id: int) -> int | None:
    """The town a village belongs to. Asked on every request by the access guard; remembered,
    since nothing moves a village to another town."""
    if village_id not in _town_of:
        row = await Village.select(Village.town).where(Village.id == village_id).first().run()
        if row is None:
            return None
        _town_of[village_id] = row["town"]
    return _town_of[village_id]


async def create_town(actor: Actor, name: str, code: str) -> TownRecord:
    async with write_transaction():
        if await Town.exists().where(Town.code == code).run():
            raise DuplicateCode(value=code)
        row = (await Town.insert(Town(name=name, code=code)).returning(Town.id).run())[0]
        await record(
            actor,
            "town.create",
            "town",
            row["id"],
            town_id=row["id"],
            after={"name": name, "code": code},
        )
    return TownRecord(id=row["id"], name=name, code=code)


async def towns(town_ids: set[int]) -> list[TownRecord]:
    rows = (
        await Town.select(Town.id, Town.name, Town.code)
        .where(Town.id.is_in(list(town_ids) or [0]))
        .order_by(Town.id)
        .run()
    )
    return [TownRecord(**r) for r in rows]


async def create_village(actor: Actor, town_id: int, **fields: Any) -> VillageRecord:
    async with write_transaction():
        if await Village.exists().where(Village.code == fields["code"]).run():
            raise DuplicateCode(value=fields["code"])
        row = (await Village.insert(Village(town=town_id, **fields)).returning(Village.id).run())[0]
        await record(
            actor,
            "village.create",
            "village",
            row["id"],
            village_id=row["id"],
            town_id=town_id,
            after=fields,
        )
    return await village(row["id"])


async def village(village_id: int) -> VillageRecord:
    row = await Village.select(*VILLAGE_FIELDS).where(Village.id == village_id).first().run()
    if row is None:
        raise NotFound()
    return _village_out(row)


async def villages(village_ids: set[int], town_ids: set[int]) -> list[VillageRecord]:
    """The villages someone may see: their own, and every village of the towns they run."""
    rows = (
        await Village.select(*VILLAGE_FIELDS)
        .where(
            Village.id.is_in(list(village_ids) or [0]) | Village.town.is_in(list(town_ids) or [0])
        )
        .order_by(Village.id)
        .run()
    )
    return [_village_out(r) for r in rows]


async def update_village(actor: Actor, village_id: int, changes: dict[str, Any]) -> VillageRecord:
    async with write_transaction():
        current = await village(village_id)
        before, after = changed_fields(asdict(current), changes)
        if after:
            await Village.update(after).where(Village.id == village_id).run()
            await record(
                actor,
                "village.update",
                "village",
                village_id,
                village_id=village_id,
                before=before,
                after=after,
            )
    return await village(village_id)


async def _create_named(
    table: type[NamedGroup], actor: Actor, village_id: int, name: str
) -> VillageGroup:
    async with write_transaction():
        if await table.exists().where((table.village == village_id) & (table.name == name)).run():
            raise DuplicateName(name=name)
        row = (await table.insert(table(village=village_id, name=name)).returning(table.id).run())[
            0
        ]
        entity = table._meta.tablename
        await record(
            actor,
            f"{entity}.create",
            entity,
            row["id"],
            village_id=village_id,
            after={"name": name},
        )
    return VillageGroup(id=row["id"], village_id=village_id, name=name)


async def _list_named(table: type[NamedGroup], village_id: int) -> list[VillageGroup]:
    rows = (
        await table.select(table.id, table.name)
        .where(table.village == village_id)
        .order_by(table.id)
        .run()
    )
    return [VillageGroup(id=r["id"], village_id=village_id, name=r["name"]) for r in rows]


async def create_grid(actor: Actor, village_id: int, name: str) -> VillageGroup:
    return await _create_named(Grid, actor, village_id, name)


async def grid_in(village_id: int, grid_id: int) -> bool:
    """Whether the grid is one of this village's."""
    where = (Grid.id == grid_id) & (Grid.village == village_id)
    return bool(await Grid.exists().where(where).run())


async def grids(village_id: int) -> list[VillageGroup]:
    return await _list_named(Grid, village_id)


async def create_moral_group(actor: Actor, village_id: int, name: str) -> VillageGroup:
    return await _create_named(MoralGroup, actor, village_id, name)


async def moral_groups(village_id: int) -> list[VillageGroup]:
    return await _list_named(MoralGroup, village_id)


async def _check_places(village_id: int, fields: dict[str, Any]) -> None:
    grid_id = fields.get("grid")
    if (
        grid_id is not None
        and not await Grid.exists().where((Grid.id == grid_id) & (Grid.village == village_id)).run()
    ):
        raise UnknownGrid()
    group_id = fields.get("moral_group")
    if (
        group_id is not None
        and not await MoralGroup.exists()
        .where((MoralGroup.id == group_id) & (MoralGroup.village == village_id))
        .run()
    ):
        raise UnknownMoralGroup()


def _hardship_kept(current: dict[str, Any], columns: dict[str, Any]) -> dict[str, Any]:
    """A 关怀户 mark always carries the committee's reason; taking the mark off drops it, so a
    later mark needs a reason of its own. Returns the columns to write."""
    columns = dict(columns)
    if "hardship_reason" in columns:
        columns["hardship_reason"] = columns["hardship_reason"].strip()
    marked = columns.get("hardship", current.get("hardship", False))
    if not marked:
        if current.get("hardship_reason") or "hardship_reason" in columns:
            columns["hardship_reason"] = ""
        return columns
    if not columns.get("hardship_reason", current.get("hardship_reason", "")):
        raise ReasonRequired(field="hardship_reason")
    return columns


def _household_columns(fields: dict[str, Any]) -> dict[str, Any]:
    renamed = {"grid_id": "grid", "moral_group_id": "moral_group"}
    return {renamed.get(k, k): v for k, v in fields.items()}


async def _boards_follow(village_id: int, household_id: int) -> None:
    """After the commit, the leaderboards follow the registry (a Redis failure is logged and
    counted, as every cache failure is; ``jifen boards rebuild`` repairs what it missed). The
    import is late: the boards domain reads the registry, not the other way round."""
    from backend import cache
    from backend.boards.redis_leaderboards import follow_household

    try:
        await follow_household(village_id, household_id)
    except cache.UNAVAILABLE as exc:
        cache.failures["count"] += 1
        logging.getLogger("jifen.boards").warning("boards did not follow the registry: %s", exc)


async def create_household(
    actor: Actor, village_id: int, fields: dict[str, Any], members: list[dict[str, str]]
) -> HouseholdRecord:
    columns = _hardship_kept({}, _household_columns(fields))
    async with write_transaction():
        await _check_places(village_id, columns)
        if (
            await Household.exists()
            .where((Household.village == village_id) & (Household.number == columns["number"]))
            .run()
        ):
            raise DuplicateHouseholdNumber(number=columns["number"])
        row = (
            await Household.insert(
                Household(village=village_id, public_id=new_public_id(), **columns)
            )
            .returning(Household.id)
            .run()
        )[0]
        for member in members:
            await Member.insert(
                Member(
                    household=row["id"],
                    village=village_id,
                    name=member["name"],
                    relation=member["relation"],
                )
            ).run()
        await record(
            actor,
            "household.create",
            "household",
            row["id"],
            village_id=village_id,
            after={
                **fields,
                "hardship_reason": columns.get("hardship_reason", ""),
                "members": members,
            },
        )
    await _boards_follow(village_id, row["id"])
    return await household(village_id, row["id"])


async def household(village_id: int, household_id: int) -> HouseholdRecord:
    """One household of this village with its members; another village's id is not found."""
    row = (
        await Household.select(*HOUSEHOLD_FIELDS)
        .where((Household.id == household_id) & (Household.village == village_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    members = (
        await Member.select(*MEMBER_FIELDS)
        .where(Member.household == household_id)
        .order_by(Member.id)
        .run()
    )
    return _household_out(row, tuple(MemberRecord(**m) for m in members))


async def household_by_public_id(village_id: int, public_id: str) -> HouseholdRecord | None:
    """The household a scanned QR code names (no members: this is the kiosk's hot path)."""
    row = (
        await Household.select(*HOUSEHOLD_FIELDS)
        .where((Household.public_id == public_id) & (Household.village == village_id))
        .first()
        .run()
    )
    return _household_out(row) if row else None


def _household_out(row: dict[str, Any], members: tuple[MemberRecord, ...] = ()) -> HouseholdRecord:
    out = dict(row)
    village_id, grid_id, group_id = out.pop("village"), out.pop("grid"), out.pop("moral_group")
    return HouseholdRecord(
        village_id=village_id, grid_id=grid_id, moral_group_id=group_id, members=members, **out
    )


async def households(
    village_id: int,
    *,
    query: str = "",
    grid_id: int | None = None,
    moral_group_id: int | None = None,
    status: str | None = None,
    page: int = 1,
    page_size: int = 50,
    grid_scope: set[int] | None = None,
) -> tuple[list[HouseholdRecord], int]:
    """Search by head's name, number or address; filter by grid, group and status. With a
    ``grid_scope`` (a grid officer's grids) nothing outside those grids is listed."""
    where: Where | Any = Household.village == village_id
    if grid_scope is not None:
        where &= Household.grid.is_in(sorted(grid_scope) or [0])
    if query:
        pattern = f"%{query}%"
        where &= (
            Household.head_name.like(pattern)
            | Household.number.like(pattern)
            | Household.address.like(pattern)
        )
    if grid_id is not None:
        where &= Household.grid == grid_id
    if moral_group_id is not None:
        where &= Household.moral_group == moral_group_id
    if status is not None:
        where &= Household.status == status
    rows = (
        await Household.select(*HOUSEHOLD_FIELDS)
        .where(where)
        .order_by(Household.number)
        .limit(page_size)
        .offset((page - 1) * page_size)
        .run()
    )
    total = await Household.count().where(where).run()
    return [_household_out(r) for r in rows], total


async def active_households(village_id: int, grid_id: int | None = None) -> list[HouseholdRecord]:
    """Every active household of the village (or of one grid), in household-number order: what
    a sheet printed for the whole village lists (cards, PIN letters, sign-in sheets)."""
    found: list[HouseholdRecord] = []
    page = 1
    while True:
        rows, total = await households(
            village_id, grid_id=grid_id, status="active", page=page, page_size=500
        )
        found += rows
        if not rows or len(found) >= total:
            return found
        page += 1


async def update_household(
    actor: Actor, village_id: int, household_id: int, changes: dict[str, Any]
) -> HouseholdRecord:
    """Change a household; a move between grids or groups is audited like any other change,
    and a 关怀户 mark never stands without its reason (the audit entry keeps it)."""
    async with write_transaction():
        current = (
            await Household.select(*HOUSEHOLD_FIELDS)
            .where((Household.id == household_id) & (Household.village == village_id))
            .first()
            .run()
        )
        if current is None:
            raise NotFound()
        columns = _hardship_kept(current, _household_columns(changes))
        await _check_places(village_id, columns)
        before, after = changed_fields(current, columns)
        if after:
            await (
                Household.update({**after, Household.updated_at: clock.now()})
                .where(Household.id == household_id)
                .run()
            )
            action = (
                "household.move" if {"grid", "moral_group"} & after.keys() else ("household.update")
            )
            await record(
                actor,
                action,
                "household",
                household_id,
                village_id=village_id,
                before=before,
                after=after,
            )
    if {"grid", "moral_group", "status"} & after.keys():
        await _boards_follow(village_id, household_id)
    return await household(village_id, household_id)


async def add_member(
    actor: Actor, village_id: int, household_id: int, name: str, relation: str
) -> HouseholdRecord:
    async with write_transaction():
        await household(village_id, household_id)
        row = (
            await Member.insert(
                Member(household=household_id, village=village_id, name=name, relation=relation)
            )
            .returning(Member.id)
            .run()
        )[0]
        await record(
            actor,
            "member.create",
            "member",
            row["id"],
            village_id=village_id,
            after={"household": household_id, "name": name, "relation": relation},
        )
    return await household(village_id, household_id)


def _member_columns(changes: dict[str, Any]) -> dict[str, Any]:
    """``status`` (active, moved, deceased) and ``active`` say the same thing: either may be
    given and both are written, so a member is never active and deceased at once."""
    columns = dict(changes)
    if "status" in columns:
        columns["active"] = columns["status"] == "active"
    elif "active" in columns:
        columns["status"] = "active" if columns["active"] else "moved"
    return columns


async def update_member(
    actor: Actor, village_id: int, household_id: int, member_id: int, changes: dict[str, Any]
) -> HouseholdRecord:
    async with write_transaction():
        current = (
            await Member.select(Member.name, Member.relation, Member.active, Member.status)
            .where(
                (Member.id == member_id)
                & (Member.household == household_id)
                & (Member.village == village_id)
            )
            .first()
            .run()
        )
        if current is None:
            raise NotFound()
        before, after = changed_fields(current, _member_columns(changes))
        if after:
            await Member.update(after).where(Member.id == member_id).run()
            await record(
                actor,
                "member.update",
                "member",
                member_id,
                village_id=village_id,
                before=before,
                after=after,
            )
    return await household(village_id, household_id)
