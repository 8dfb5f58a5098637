"""The township dashboard: a town's villages side by side, for its town admins only."""

from __future__ import annotations

from datetime import date

from httpx import AsyncClient

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.scoring import evaluations, objections, periods, rules
from backend.scoring.evaluations import Scorer
from tests.factories import TIDY_YARD, Place, World, add_scoring, make_place, make_town


async def objected_place(town_id: int) -> Place:
    """A village whose period is on notice with one score, objected to by its household."""
    place = await make_place(town_id)
    vid, household = place.village_id, place.households[0].id
    book = await rules.adopt_rule_book(
        CLI_ACTOR,
        vid,
        [
            TIDY_YARD,
        ],
    )
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    [evaluation_id] = await evaluations.propose(
        Scorer(user_id=1, name="甲", roles=frozenset({"committee"})),
        vid,
        period.id,
        household,
        book.rules[0].id,
    )
    await evaluations.verify(
        Scorer(user_id=2, name="乙", roles=frozenset({"committee"})), vid, evaluation_id
    )
    await periods.start_notice(CLI_ACTOR, vid, period.id)
    villager = Scorer(
        user_id=place.user_ids[Role.villager],
        name="村民",
        roles=frozenset({"villager"}),
        household_id=household,
    )
    await objections.file_objection(villager, vid, evaluation_id, "没有打扫")
    return place


async def test_town_admin_sees_each_village_side_by_side(client: AsyncClient) -> None:
    town = await make_town()
    busy = await make_place(town.id)
    await add_scoring(busy)
    objected = await objected_place(town.id)
    response = await client.get(
        f"/api/v1/towns/{town.id}/dashboard", headers=busy.headers(Role.town_admin)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["town_id"] == town.id
    first, second = body["villages"]
    assert first["village_id"] == busy.village_id
    # H1: the board's 5 and the sale's 50 points, one sale of 10; H2: a proposed score.
    assert (first["households"], first["participating"]) == (2, 2)
    assert (first["issued"], first["redeemed"]) == (55, 10)
    assert first["stock_value"] == 19 * 10
    assert first["open_objections"] == 0
    assert first["chart_svg"].startswith("<svg") and ">55<" in first["chart_svg"]
    assert second["village_id"] == objected.village_id
    assert (second["participating"], second["issued"], second["redeemed"]) == (1, 0, 0)
    assert second["open_objections"] == 1
    assert second["stock_value"] == 20 * 10


async def test_other_roles_and_other_towns_are_refused(client: AsyncClient, world: World) -> None:
    url = f"/api/v1/towns/{world.a.town_id}/dashboard"
    refused = await client.get(url, headers=world.a.headers(Role.committee))
    assert refused.status_code == 403
    elsewhere = await client.get(url, headers=world.elsewhere.headers(Role.town_admin))
    assert elsewhere.status_code == 404
    assert elsewhere.json()["detail"]


async def test_the_flows_count_the_chosen_month_only(client: AsyncClient) -> None:
    """Points issued and redeemed and participation are a month's; stock stays today's."""
    town = await make_town()
    busy = await make_place(town.id)
    await add_scoring(busy)
    url = f"/api/v1/towns/{town.id}/dashboard"
    admin = busy.headers(Role.town_admin)
    today = clock.local_now()
    this = (
        await client.get(url, headers=admin, params={"year": today.year, "month": today.month})
    ).json()
    assert (this["year"], this["month"]) == (today.year, today.month)
    [now] = this["villages"]
    assert (now["participating"], now["issued"], now["redeemed"]) == (2, 55, 10)
    before = (await client.get(url, headers=admin, params={"year": 2021, "month": 1})).json()
    [then] = before["villages"]
    assert (then["participating"], then["issued"], then["redeemed"]) == (0, 0, 0)
    assert then["stock_value"] == now["stock_value"] == 19 * 10
    wrong = await client.get(url, headers=admin, params={"year": 2021, "month": 13})
    assert wrong.status_code == 400
