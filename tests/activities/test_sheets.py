"""Volunteer hours over a year, the attendance xlsx and the paper sign-in sheet."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

from httpx import AsyncClient
from openpyxl import load_workbook

from backend.auth.principal import Role
from tests.activities.conftest import NOW, Event


async def test_hours_count_finished_attendance_per_household_and_member(
    client: AsyncClient, event: Event
) -> None:
    member = event.place.households[0].members[0]
    scans = [
        {
            "code": await event.card(0),
            "idempotency_key": uuid.uuid4().hex,
            "scanned_at": (NOW - timedelta(minutes=5)).isoformat(),
            "member_id": member.id,
        },
        {
            "code": await event.card(1),
            "idempotency_key": uuid.uuid4().hex,
            "scanned_at": (NOW - timedelta(minutes=4)).isoformat(),
        },
    ]
    headers = event.headers(Role.grid_officer)
    await client.post(event.url("/attendances/batch"), json={"scans": scans}, headers=headers)
    hours_url = f"/api/v1/villages/{event.place.village_id}/volunteer-hours?year={NOW.year}"
    assert (await client.get(hours_url, headers=headers)).json() == []  # still running

    await client.post(event.url("/finish"), headers=headers)
    hours = (await client.get(hours_url, headers=headers)).json()
    first, second = (h.id for h in event.place.households)
    by_key = {(h["household_id"], h["member_id"]): h for h in hours}
    assert by_key[(first, None)]["minutes"] == 180  # the activity runs three hours
    assert by_key[(first, member.id)]["member_name"] == member.name
    assert by_key[(second, None)]["activities"] == 1
    assert (second, None) in by_key and len(hours) == 3

    sheet = await client.get(event.url("/attendances/xlsx"), headers=headers)
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0] == ("村道清扫",) or rows[0][0] == "村道清扫"
    assert [r[2] for r in rows[3:]] == ["王建国", "李秀英"]
    assert rows[3][3] == member.name


async def test_the_paper_sign_in_sheet_is_a_pdf(client: AsyncClient, event: Event) -> None:
    response = await client.get(event.url("/sign-in-sheet"), headers=event.headers(Role.committee))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.content.startswith(b"%PDF")
