"""``jifen demo`` builds the demo township once, through the services."""

from __future__ import annotations

from httpx import AsyncClient
from rich.console import Console

from backend.activities import services as activities
from backend.auth import services as auth
from backend.demo import load_demo
from backend.demo.notice import OBJECTION
from backend.demo.township import DEMO_PASSWORD, TOWN, VILLAGES
from backend.ledger import approvals
from backend.registry.tables import Household, Town, Village
from backend.scoring import held, objections, periods
from backend.shop.code_status import code_status


async def test_demo_loads_once_with_a_user_per_role(client: AsyncClient) -> None:
    quiet = Console(quiet=True)
    assert await load_demo(quiet) is True
    assert await load_demo(quiet) is False
    assert await load_demo(quiet, if_empty=True) is False
    town = await Town.select(Town.id).where(Town.code == TOWN["code"]).first().run()
    assert town is not None
    villages = await Village.select(Village.id).where(Village.town == town["id"]).run()
    assert len(villages) == len(VILLAGES) == 2
    households = (
        await Household.count().where(Household.village.is_in([v["id"] for v in villages])).run()
    )
    assert households == sum(v.households for v in VILLAGES) == 150

    for username in (
        "town_admin",
        "xhx_committee",
        "xhx_committee2",
        "xhx_grid",
        "xhx_shop",
        "xhx_villager",
        "dhx_committee",
    ):
        token, principal = await auth.login(username, DEMO_PASSWORD, "127.0.0.1")
        assert token and principal.grants, username
        me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200

    xhx = await Village.select(Village.id).where(Village.code == "XHX").first().run()
    assert xhx is not None
    waiting = await approvals.requests(xhx["id"])
    assert [(r.amount, r.proposed_by) for r in waiting] == [(500, "李建华")]
    [refused] = await approvals.requests(xhx["id"], "refused")
    assert refused.decided_by and refused.decision_reason.startswith("检查记录里")
    shown = {a.title: a for a in await activities.activities(xhx["id"])}
    assert {a.status for a in shown.values()} == {"confirmed", "running"}
    assert shown["冬季防火巡查"].status == "running" and shown["冬季防火巡查"].checked_in == 4
    assert shown["村道环境大扫除"].checked_in == 11  # twelve came, one name struck

    # The first household paid once with its phone code, and its passbook prints.
    first = (
        await Household.select(Household.id)
        .where(Household.village == xhx["id"])
        .order_by(Household.id)
        .first()
        .run()
    )
    assert first is not None
    assert (await code_status(xhx["id"], first["id"], None)).state == "paid"
    token, _principal = await auth.login("xhx_committee", DEMO_PASSWORD, "127.0.0.1")
    passbook = await client.get(
        f"/api/v1/villages/{xhx['id']}/households/{first['id']}/passbook.pdf",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert passbook.status_code == 200 and passbook.content.startswith(b"%PDF")

    # 东黄须村 is past its month: November on notice with a villager's objection waiting, and
    # October's held deduction waiting for the committee.
    dhx = await Village.select(Village.id).where(Village.code == "DHX").first().run()
    assert dhx is not None
    by_name = {p.name: p for p in await periods.periods(dhx["id"])}
    assert (by_name["2026年10月"].state, by_name["2026年11月"].state) == ("closed", "notice")
    [objection] = await objections.objections(dhx["id"], by_name["2026年11月"].id)
    assert objection.state == "open" and objection.reason == OBJECTION
    [deduction] = await held.held(dhx["id"], by_name["2026年10月"].id)
    [decided] = await objections.objections(dhx["id"], by_name["2026年10月"].id)
    assert decided.state == "overturned" and decided.decision_reason  # 往期查看 shows it
    assert deduction.points == -20 and not deduction.can_post
    token, _principal = await auth.login("dhx_villager", DEMO_PASSWORD, "127.0.0.1")
    notice = await client.get(
        f"/api/v1/villages/{dhx['id']}/periods/{by_name['2026年11月'].id}/notice",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert notice.status_code == 200, notice.text
    lines = notice.json()["lines"]
    assert len(lines) == 12 and [line["objection"] for line in lines].count("open") == 1
