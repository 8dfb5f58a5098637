"""HTTP for the registry: thin — parse, authorise (declared roles), call a service, shape."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromQuery, JSONBody

from backend.auth.principal import Principal, Role
from backend.errors import NotFound
from backend.http.access import ANY_ROLE, CurrentPrincipal, allow, own_household_unless_staff
from backend.http.callers import CurrentActor
from backend.http.input import Page, PageSize, PathId, Upload, given
from backend.ledger import approvals
from backend.registry import roster, services
from backend.registry import schemas as s
from backend.registry.records import HouseholdRecord

STAFF = (Role.committee, Role.town_admin)
READERS = (Role.committee, Role.grid_officer, Role.town_admin)


def household_out(household: HouseholdRecord) -> s.Household:
    """The household as the committee sees it (why it is 关怀户 included)."""
    return msgspec.convert(household, s.Household, from_attributes=True)


async def household_for(
    principal: Principal, village_id: int, household: HouseholdRecord
) -> s.Household:
    """The household as this reader may see it: why it is 关怀户 is the committee's (and the
    town admin's) to read, never a grid officer's or the villager's own."""
    shown = household_out(household)
    town_id = await services.town_of_village(village_id) or 0
    if not principal.roles_in(village_id, town_id) & set(STAFF):
        return msgspec.structs.replace(shown, hardship_reason=msgspec.UNSET)
    return shown


class TownController(Controller):
    path = "/towns"
    tags = ["registry"]

    @get("/", **allow(Role.town_admin))
    async def list_towns(self, principal: CurrentPrincipal) -> list[s.Town]:
        return msgspec.convert(
            await services.towns(principal.town_ids()), list[s.Town], from_attributes=True
        )

    @post("/{town_id:int}/villages", **allow(Role.town_admin))
    async def create_village(
        self, town_id: PathId, data: JSONBody[s.VillageCreate], actor: CurrentActor
    ) -> s.Village:
        row = await services.create_village(actor, town_id, **msgspec.structs.asdict(data))
        return msgspec.convert(row, s.Village, from_attributes=True)


class VillageController(Controller):
    path = "/villages"
    tags = ["registry"]

    @get("/", **allow(*ANY_ROLE))
    async def list_villages(self, principal: CurrentPrincipal) -> list[s.Village]:
        rows = await services.villages(principal.village_ids(), principal.town_ids())
        return msgspec.convert(rows, list[s.Village], from_attributes=True)

    @get("/{village_id:int}", **allow(*ANY_ROLE))
    async def get_village(self, village_id: PathId) -> s.Village:
        return msgspec.convert(await services.village(village_id), s.Village, from_attributes=True)

    @patch("/{village_id:int}", **allow(*STAFF))
    async def update_village(
        self,
        village_id: PathId,
        data: JSONBody[s.VillageUpdate],
        actor: CurrentActor,
        principal: CurrentPrincipal,
    ) -> s.Village:
        changes = given(data)
        town_id = await services.town_of_village(village_id) or 0
        await approvals.check_limit_change(
            village_id, changes, Role.town_admin in principal.roles_in(village_id, town_id)
        )
        row = await services.update_village(actor, village_id, changes)
        return msgspec.convert(row, s.Village, from_attributes=True)

    @get("/{village_id:int}/grids", **allow(*READERS))
    async def list_grids(self, village_id: PathId) -> list[s.Grid]:
        return msgspec.convert(await services.grids(village_id), list[s.Grid], from_attributes=True)

    @post("/{village_id:int}/grids", **allow(*STAFF))
    async def create_grid(
        self, village_id: PathId, data: JSONBody[s.GroupCreate], actor: CurrentActor
    ) -> s.Grid:
        grid = await services.create_grid(actor, village_id, data.name)
        return msgspec.convert(grid, s.Grid, from_attributes=True)

    @get("/{village_id:int}/moral-groups", **allow(*READERS))
    async def list_moral_groups(self, village_id: PathId) -> list[s.MoralGroup]:
        return msgspec.convert(
            await services.moral_groups(village_id), list[s.MoralGroup], from_attributes=True
        )

    @post("/{village_id:int}/moral-groups", **allow(*STAFF))
    async def create_moral_group(
        self, village_id: PathId, data: JSONBody[s.GroupCreate], actor: CurrentActor
    ) -> s.MoralGroup:
        group = await services.create_moral_group(actor, village_id, data.name)
        return msgspec.convert(group, s.MoralGroup, from_attributes=True)


async def grid_scope(principal: Principal, village_id: int) -> set[int] | None:
    """The grids a grid officer is bound to here (None: every household of the village)."""
    return principal.grid_scope(village_id, await services.town_of_village(village_id) or 0)


class HouseholdController(Controller):
    path = "/villages/{village_id:int}/households"
    tags = ["registry"]

    @get("/", **allow(*READERS))
    async def list_households(
        self,
        village_id: PathId,
        q: FromQuery[str] = "",
        grid_id: FromQuery[int | None] = None,
        moral_group_id: FromQuery[int | None] = None,
        status: FromQuery[s.HouseholdStatus | None] = None,
        page: Page = 1,
        page_size: PageSize = 50,
        *,
        principal: CurrentPrincipal,
    ) -> s.HouseholdPage:
        rows, total = await services.households(
            village_id,
            query=q[:50],
            grid_id=grid_id,
            moral_group_id=moral_group_id,
            status=status,
            page=page,
            page_size=page_size,
            grid_scope=await grid_scope(principal, village_id),
        )
        return s.HouseholdPage(
            items=[await household_for(principal, village_id, r) for r in rows],
            total=total,
            page=page,
            page_size=page_size,
        )

    @post("/", **allow(*STAFF))
    async def create_household(
        self, village_id: PathId, data: JSONBody[s.HouseholdCreate], actor: CurrentActor
    ) -> s.Household:
        fields = msgspec.structs.asdict(data)
        members = [msgspec.structs.asdict(m) for m in fields.pop("members")]
        return household_out(await services.create_household(actor, village_id, fields, members))

    @post("/roster", status_code=200, **allow(*STAFF))
    async def import_roster(
        self,
        village_id: PathId,
        data: Upload,
        actor: CurrentActor,
        dry_run: FromQuery[bool] = False,
    ) -> s.RosterResult:
        """The village's household roster (花名册, xlsx or CSV): every household added, or none
        and every bad cell named; ``dry_run`` says what would be added."""
        result = await roster.import_roster(actor, village_id, await data.read(), dry_run=dry_run)
        return msgspec.convert(result, s.RosterResult, from_attributes=True)

    @get("/{household_id:int}", **allow(*READERS, Role.villager))
    async def get_household(
        self, village_id: PathId, household_id: PathId, principal: CurrentPrincipal
    ) -> s.Household:
        await own_household_unless_staff(principal, village_id, household_id)
        row = await services.household(village_id, household_id)
        scope = await grid_scope(principal, village_id)
        if scope is not None and row.grid_id not in scope:
            raise NotFound()  # another grid's household: not theirs to read
        return await household_for(principal, village_id, row)

    @patch("/{household_id:int}", **allow(*STAFF))
    async def update_household(
        self,
        village_id: PathId,
        household_id: PathId,
        data: JSONBody[s.HouseholdUpdate],
        actor: CurrentActor,
    ) -> s.Household:
        return household_out(
            await services.update_household(actor, village_id, household_id, given(data))
        )

    @post("/{household_id:int}/members", **allow(*STAFF))
    async def add_member(
        self,
        village_id: PathId,
        household_id: PathId,
        data: JSONBody[s.MemberCreate],
        actor: CurrentActor,
    ) -> s.Household:
        return household_out(
            await services.add_member(actor, village_id, household_id, data.name, data.relation)
        )

    @patch("/{household_id:int}/members/{member_id:int}", **allow(*STAFF))
    async def update_member(
        self,
        village_id: PathId,
        household_id: PathId,
        member_id: PathId,
        data: JSONBody[s.MemberUpdate],
        actor: CurrentActor,
    ) -> s.Household:
        return household_out(
            await services.update_member(actor, village_id, household_id, member_id, given(data))
        )
