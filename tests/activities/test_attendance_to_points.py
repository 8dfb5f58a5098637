"""From attendance to points: an offline queue recorded once, a second pair of eyes, and the
normal road through notice (公示) to the ledger."""

from __future__ import annotations

import uuid
from datetime import timedelta

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.ledger import services as ledger
from backend.scoring import evaluations, period_close, periods
from tests.activities.conftest import NOW, Event


async def queue(event: Event) -> list[dict[str, object]]:
    """Two scans an offline phone kept, with their original times and keys."""
    return [
        {
            "code": await event.card(0),
            "idempotency_key": uuid.uuid4().hex,
            "scanned_at": (NOW - timedelta(minutes=20)).isoformat(),
            "member_id": event.place.households[0].members[0].id,
        },
        {
            "code": await event.card(1),
            "idempotency_key": uuid.uuid4().hex,
            "scanned_at": (NOW - timedelta(minutes=10)).isoformat(),
        },
    ]


async def test_an_offline_batch_replayed_twice_posts_each_attendance_once(
    client: AsyncClient, event: Event
) -> None:
    scans = await queue(event)
    headers = event.headers(Role.grid_officer)
    first = await client.post(
        event.url("/attendances/batch"), json={"scans": scans}, headers=headers
    )
    again = await client.post(
        event.url("/attendances/batch"), json={"scans": scans}, headers=headers
    )
    assert first.status_code == again.status_code == 200, first.text
    assert [r["ok"] for r in first.json()] == [True, True]
    assert first.json() == again.json()
    listed = (await client.get(event.url("/attendances"), headers=headers)).json()
    assert len(listed) == 2
    assert listed[0]["checked_in_at"].startswith(str(scans[0]["scanned_at"])[:16])

    await finish_and_confirm(client, event)
    await periods.start_notice(CLI_ACTOR, event.place.village_id, event.period_id)
    await period_close.close_and_post(
        CLI_ACTOR, event.place.village_id, event.period_id, now=NOW + timedelta(days=30)
    )
    for household in event.place.households:
        assert await ledger.earned(event.place.village_id, household.id) == 3


async def test_a_refused_scan_in_a_batch_does_not_lose_the_others(
    client: AsyncClient, event: Event
) -> None:
    scans = await queue(event)
    scans[0]["scanned_at"] = (NOW - timedelta(hours=5)).isoformat()
    results = (
        await client.post(
            event.url("/attendances/batch"),
            json={"scans": scans},
            headers=event.headers(Role.grid_officer),
        )
    ).json()
    assert [(r["ok"], r["code"]) for r in results] == [(False, "outside_window"), (True, "")]


async def finish_and_confirm(client: AsyncClient, event: Event) -> None:
    finished = await client.post(event.url("/finish"), headers=event.headers(Role.grid_officer))
    assert finished.status_code == 200 and finished.json()["status"] == "finished", finished.text
    confirmed = await client.post(event.url("/confirm"), json={}, headers=event.second_committee)
    assert confirmed.status_code == 200, confirmed.text


async def test_the_organiser_cannot_confirm_their_own_list(
    client: AsyncClient, event: Event
) -> None:
    organiser = event.place.user_ids[Role.committee]
    created = await client.post(
        f"/api/v1/villages/{event.place.village_id}/activities",
        json={
            "title": "敬老院慰问",
            "rule_id": event.rule_id,
            "starts_at": (NOW - timedelta(hours=1)).isoformat(),
            "ends_at": (NOW + timedelta(hours=1)).isoformat(),
        },
        headers=event.headers(Role.committee),
    )
    assert created.json()["organiser_id"] == organiser
    url = f"/api/v1/villages/{event.place.village_id}/activities/{created.json()['id']}"
    headers = event.headers(Role.committee)
    assert (await client.post(f"{url}/start", headers=headers)).status_code == 200
    assert (await client.post(f"{url}/finish", headers=headers)).status_code == 200
    own = await client.post(f"{url}/confirm", json={}, headers=headers)
    assert own.status_code == 403 and own.json()["code"] == "own_list"
    assert "另一位村委成员" in own.json()["detail"]
    other = await client.post(f"{url}/confirm", json={}, headers=event.second_committee)
    assert other.status_code == 200 and other.json()["status"] == "confirmed"


async def test_confirmed_attendance_goes_through_notice_to_the_ledger_named(
    client: AsyncClient, event: Event
) -> None:
    results = (
        await client.post(
            event.url("/attendances/batch"),
            json={"scans": await queue(event)},
            headers=event.headers(Role.grid_officer),
        )
    ).json()
    struck_id = results[1]["attendance"]["id"]
    finished = await client.post(event.url("/finish"), headers=event.headers(Role.grid_officer))
    assert finished.status_code == 200
    proposed = await evaluations.evaluations(event.place.village_id, event.period_id)
    assert [e.state for e in proposed] == ["proposed", "proposed"]
    assert all("村道清扫" in e.note for e in proposed)

    confirmed = await client.post(
        event.url("/confirm"),
        json={
            "strikes": [{"attendance_id": struck_id, "reason": "未实际参加"}],
        },
        headers=event.second_committee,
    )
    assert confirmed.status_code == 200 and confirmed.json()["checked_in"] == 1
    states = {
        e.household_id: e.state
        for e in await evaluations.evaluations(event.place.village_id, event.period_id)
    }
    first, second = (h.id for h in event.place.households)
    assert states == {first: "verified", second: "rejected"}

    await periods.start_notice(CLI_ACTOR, event.place.village_id, event.period_id)
    on_notice = await evaluations.evaluations(
        event.place.village_id, event.period_id, states=["notice"]
    )
    assert [e.household_id for e in on_notice] == [first]
    assert await ledger.earned(event.place.village_id, first) == 0

    await period_close.close_and_post(
        CLI_ACTOR, event.place.village_id, event.period_id, now=NOW + timedelta(days=30)
    )
    assert await ledger.earned(event.place.village_id, first) == 3
    assert await ledger.earned(event.place.village_id, second) == 0
    statement, _total = await ledger.statement(event.place.village_id, first)
    assert any(
        "村道清扫" in line["reason"] and "参加环境整治" in line["reason"] for line in statement
    )


async def test_attendance_over_the_cap_is_reported_not_failed(
    client: AsyncClient, event: Event
) -> None:
    for _ in range(4):
        await evaluations.propose(
            evaluations.Scorer(None, "张委员", frozenset({"committee"})),
            event.place.village_id,
            event.period_id,
            event.place.households[0].id,
            event.rule_id,
        )
    await client.post(
        event.url("/attendances/batch"),
        json={"scans": await queue(event)},
        headers=event.headers(Role.grid_officer),
    )
    finished = await client.post(event.url("/finish"), headers=event.headers(Role.grid_officer))
    assert finished.status_code == 200
    listed = (
        await client.get(event.url("/attendances"), headers=event.headers(Role.grid_officer))
    ).json()
    over, fine = listed
    assert over["evaluation_id"] is None and "最多 4 次" in over["problem"]
    assert fine["evaluation_id"] is not None and fine["problem"] == ""
