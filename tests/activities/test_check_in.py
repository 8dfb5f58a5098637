"""Check-in at the event: each household once, inside the window, with a good card."""

from __future__ import annotations

import uuid
from datetime import timedelta

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing, phone_codes
from tests.activities.conftest import NOW, Event
from tests.factories import make_user


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def scan(client: AsyncClient, event: Event, code: str, **body: object) -> tuple[int, dict]:
    response = await client.post(
        event.url("/attendances"),
        json={"code": code, **body},
        headers={**event.headers(Role.grid_officer), **key()},
    )
    return response.status_code, response.json()


async def test_a_household_checks_in_once_and_twice_is_refused(
    client: AsyncClient, event: Event
) -> None:
    member = event.place.households[0].members[0]
    status, first = await scan(client, event, await event.card(0), member_id=member.id)
    assert status == 201, first
    assert first["head_name"] == "王建国" and first["member_name"] == member.name
    assert first["source"] == "card"

    status, again = await scan(client, event, await event.card(0))
    assert status == 409 and again["code"] == "already_checked_in"
    assert "已经签到过了" in again["detail"]
    listed = (await client.get(event.url(), headers=event.headers(Role.committee))).json()
    assert listed["checked_in"] == 1


async def test_the_same_key_answers_with_the_first_attendance(
    client: AsyncClient, event: Event
) -> None:
    headers = {**event.headers(Role.grid_officer), **key()}
    body = {"code": await event.card(0)}
    first = await client.post(event.url("/attendances"), json=body, headers=headers)
    retry = await client.post(event.url("/attendances"), json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert first.json()["id"] == retry.json()["id"]


async def test_a_scan_outside_the_window_is_refused(client: AsyncClient, event: Event) -> None:
    status, body = await scan(
        client, event, await event.card(0), scanned_at=(NOW - timedelta(hours=3)).isoformat()
    )
    assert status == 409 and body["code"] == "outside_window"
    assert "不在签到时间内" in body["detail"]
    status, body = await scan(
        client, event, await event.card(0), scanned_at=(NOW + timedelta(hours=1)).isoformat()
    )
    assert status == 409 and body["code"] == "outside_window"


async def test_a_revoked_card_is_refused(client: AsyncClient, event: Event) -> None:
    old = await event.card(0)
    await issuing.reissue_card(CLI_ACTOR, event.place.village_id, event.place.households[0].id)
    status, body = await scan(client, event, old)
    assert status == 409
    assert body["code"] == "card_revoked"
    status, body = await scan(client, event, await event.card(0))
    assert status == 201


async def test_a_full_activity_is_refused(client: AsyncClient, event: Event) -> None:
    for index in (0, 1):
        status, _ = await scan(client, event, await event.card(index))
        assert status == 201
    status, body = await scan(client, event, await event.third_household_card())
    assert status == 409 and body["code"] == "activity_full"
    assert "名额已满" in body["detail"]


async def test_a_phone_code_is_spent_by_check_in(client: AsyncClient, event: Event) -> None:
    code, _expires = await phone_codes.phone_code(
        event.place.village_id, event.place.households[1].id
    )
    status, body = await scan(client, event, code)
    assert status == 201 and body["source"] == "phone"
    status, body = await scan(client, event, code)
    assert body["code"] in {"code_used", "already_checked_in"}


async def test_only_organisers_and_committee_check_in(client: AsyncClient, event: Event) -> None:
    response = await client.post(
        event.url("/attendances"),
        json={"code": await event.card(0)},
        headers={**event.headers(Role.villager), **key()},
    )
    assert response.status_code == 403


async def test_the_organiser_picks_which_member_came(client: AsyncClient, event: Event) -> None:
    status, attendance = await scan(client, event, await event.card(0))
    assert status == 201 and attendance["member_id"] is None
    member = attendance["members"][0]
    url = event.url(f"/attendances/{attendance['id']}/member")
    picked = await client.put(
        url, json={"member_id": member["id"]}, headers=event.headers(Role.grid_officer)
    )
    assert picked.status_code == 200 and picked.json()["member_name"] == member["name"]
    other = event.place.households[1].members[0].id
    wrong = await client.put(
        url, json={"member_id": other}, headers=event.headers(Role.grid_officer)
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "unknown_member"


async def test_another_grid_officer_cannot_run_the_activity(
    client: AsyncClient, event: Event
) -> None:
    _, token, _name = await make_user(Role.grid_officer, event.place)
    response = await client.post(
        event.url("/attendances"),
        json={"code": await event.card(0)},
        headers={"Authorization": f"Bearer {token}", **key()},
    )
    assert response.status_code == 403 and response.json()["code"] == "not_organiser"
    committee = await client.post(
        event.url("/attendances"),
        json={"code": await event.card(0)},
        headers={**event.headers(Role.committee), **key()},
    )
    assert committee.status_code == 201


async def test_villagers_sign_up_once_where_the_activity_takes_it(
    client: AsyncClient, event: Event
) -> None:
    villager = event.headers(Role.villager)
    closed = await client.post(event.url("/signups"), headers=villager)
    assert closed.status_code == 409 and closed.json()["code"] == "signup_closed"

    created = await client.post(
        f"/api/v1/villages/{event.place.village_id}/activities",
        json={
            "title": "植树",
            "rule_id": event.rule_id,
            "signup": True,
            "capacity": 1,
            "starts_at": (NOW + timedelta(days=2)).isoformat(),
            "ends_at": (NOW + timedelta(days=2, hours=2)).isoformat(),
        },
        headers=event.headers(Role.committee),
    )
    url = f"/api/v1/villages/{event.place.village_id}/activities/{created.json()['id']}/signups"
    signed = await client.post(url, headers=villager)
    assert signed.status_code == 201
    assert [s["head_name"] for s in signed.json()] == ["王建国"]
    again = await client.post(url, headers=villager)
    assert again.status_code == 409 and again.json()["code"] == "already_signed_up"
    listed = await client.get(url, headers=event.headers(Role.grid_officer))
    assert len(listed.json()) == 1


async def test_a_scan_time_without_a_time_zone_is_invalid_input(
    client: AsyncClient, event: Event
) -> None:
    status, body = await scan(client, event, await event.card(0), scanned_at="2026-11-23T10:00:00")
    assert status == 400 and body["code"] == "invalid_input"
