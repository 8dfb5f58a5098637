"""The ledger over HTTP: statements, the two numbers, adjustments with Idempotency-Key, exports."""

from __future__ import annotations

import io
import uuid

from httpx import AsyncClient
from openpyxl import load_workbook

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.ledger import services as ledger
from tests.factories import World


def url(world: World, household: int, rest: str) -> str:
    return f"/api/v1/villages/{world.a.village_id}/households/{household}/{rest}"


async def test_villager_reads_own_statement_in_words_but_not_the_neighbours(
    client: AsyncClient, world: World
) -> None:
    own, other = world.a.households[0].id, world.a.households[1].id
    await ledger.award(
        CLI_ACTOR,
        world.a.village_id,
        own,
        5,
        key=f"t{uuid.uuid4()}",
        reason="环境卫生达标 +5",
        period_id=9,
    )
    headers = world.a.headers(Role.villager)
    response = await client.get(url(world, own, "statement?page_size=1"), headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["household_id"] == own and body["total"] >= 1 and len(body["items"]) == 1
    line = body["items"][0]
    assert line["description"] == "奖励：环境卫生达标 +5（第 9 期）" and line["amount"] == 5
    assert body["balance"] == line["balance"]

    assert (await client.get(url(world, other, "statement"), headers=headers)).status_code == 404
    assert (await client.get(url(world, other, "points"), headers=headers)).status_code == 404
    officer = world.a.headers(Role.grid_officer)
    staff = await client.get(url(world, other, "points"), headers=officer)
    assert staff.status_code == 200 and set(staff.json()) >= {"balance", "earned"}


async def test_a_statement_filtered_by_period_shows_only_that_periods_lines(
    client: AsyncClient, world: World
) -> None:
    own = world.a.households[0].id
    v = world.a.village_id
    for points, reason, period in ((5, "庭院整洁", 31), (3, "邻里互助", 32)):
        await ledger.award(
            CLI_ACTOR, v, own, points, key=f"t{uuid.uuid4()}", reason=reason, period_id=period
        )
    await ledger.redeem(CLI_ACTOR, v, own, 1, 2, key=f"t{uuid.uuid4()}", reason="兑换：盐")
    headers = world.a.headers(Role.villager)
    response = await client.get(url(world, own, "statement?period_id=31"), headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period_id"] == 31 and body["total"] == 1
    assert [(line["reason"], line["amount"]) for line in body["items"]] == [("庭院整洁", 5)]
    everything = (await client.get(url(world, own, "statement"), headers=headers)).json()
    assert everything["period_id"] is None and everything["total"] >= 3
    refused = await client.get(url(world, own, "statement?period_id=0"), headers=headers)
    assert refused.status_code == 400


async def test_points_show_balance_and_earned_apart(client: AsyncClient, world: World) -> None:
    household = world.a.households[1].id
    v = world.a.village_id
    before = (
        await client.get(
            url(world, household, "points?period_id=77"), headers=world.a.headers(Role.committee)
        )
    ).json()
    await ledger.award(
        CLI_ACTOR, v, household, 9, key=f"t{uuid.uuid4()}", reason="义务植树", period_id=77
    )
    await ledger.redeem(CLI_ACTOR, v, household, 1, 4, key=f"t{uuid.uuid4()}", reason="兑换：盐")
    after = (
        await client.get(
            url(world, household, "points?period_id=77"), headers=world.a.headers(Role.committee)
        )
    ).json()
    assert after["balance"] - before["balance"] == 5
    assert after["earned"] - before["earned"] == 9
    assert after["earned_in_period"] == 9


async def test_adjustment_needs_a_key_replays_and_refuses_a_reused_one(
    client: AsyncClient, world: World
) -> None:
    household = world.a.households[1].id
    headers = world.a.headers(Role.committee)
    target = url(world, household, "adjustments")
    body = {"amount": 3, "reason": "补录：上月志愿服务"}

    missing = await client.post(target, json=body, headers=headers)
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_missing"

    keyed = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    first = await client.post(target, json=body, headers=keyed)
    assert first.status_code == 201, first.text
    again = await client.post(target, json=body, headers=keyed)
    assert again.json() == {**first.json(), "replayed": True}
    reused = await client.post(target, json={**body, "amount": 4}, headers=keyed)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"

    audit = (
        await client.get(f"/api/v1/villages/{world.a.village_id}/audit", headers=headers)
    ).json()
    adjusted = [
        e
        for e in audit["items"]
        if e["action"] == "ledger.adjust" and e["entity_id"] == str(first.json()["id"])
    ]
    assert len(adjusted) == 1 and adjusted[0]["after"]["reason"] == "补录：上月志愿服务"

    empty = await client.post(
        target,
        json={"amount": 3, "reason": ""},
        headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert empty.status_code == 400


async def test_overdrawn_redemption_answers_insufficient_points(
    client: AsyncClient, world: World
) -> None:
    household = world.a.households[1].id
    balance = await ledger.balance(world.a.village_id, household)
    response = await client.post(
        url(world, household, "adjustments"),
        json={"amount": -(balance + 1), "reason": "更正"},
        headers={**world.a.headers(Role.committee), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_points"
    assert response.json()["balance"] == balance


async def test_export_csv_has_a_bom_and_xlsx_opens(client: AsyncClient, world: World) -> None:
    await ledger.award(
        CLI_ACTOR,
        world.a.village_id,
        world.a.households[0].id,
        2,
        key=f"t{uuid.uuid4()}",
        reason="参加村民议事会",
    )
    base = f"/api/v1/villages/{world.a.village_id}/ledger/export"
    headers = world.a.headers(Role.town_admin)
    csv_response = await client.get(base, headers=headers)
    assert csv_response.status_code == 200
    assert csv_response.content.startswith("\ufeff".encode())
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("流水号,序号,时间,类型,户号,户主,积分")
    assert "参加村民议事会" in text

    xlsx = await client.get(base + "?format=xlsx", headers=world.a.headers(Role.committee))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row >= 2
    bad = await client.get(base + "?start=2026-02-01&end=2026-01-01", headers=headers)
    assert bad.status_code == 400
    refused = await client.get(base, headers=world.a.headers(Role.villager))
    assert refused.status_code == 403
