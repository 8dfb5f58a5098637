"""An objection is filed only while the notice window lasts: at its end (``notice_ends_at``,
the server's clock) and after it the objection is refused and nothing is filed; the close is
refused until that end (backend/scoring/notice_window.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from backend import clock as backend_clock
from backend.auth.principal import Role
from backend.scoring import notice_window
from backend.scoring.errors import NoticeNotOver, PeriodNotInNotice
from backend.scoring.tables import Objection
from tests.clock import TestClock
from tests.scoring.conftest import Village, open_period


async def test_an_objection_after_the_notice_window_is_refused_and_files_nothing(
    client: AsyncClient, village: Village, clock: TestClock
) -> None:
    committee = village.headers(Role.committee)
    period_id = await open_period(client, village)
    made = await client.post(
        village.url(f"/periods/{period_id}/evaluations"),
        headers=committee,
        json={"household_id": village.place.households[1].id, "rule_id": village.rules["XL01"]},
    )
    evaluation_id = made.json()["id"]
    await client.post(
        village.url(f"/evaluations/{evaluation_id}/verify"),
        headers=village.second_committee,
        json={},
    )
    notice = await client.post(village.url(f"/periods/{period_id}/notice"), headers=committee)
    ends_at = datetime.fromisoformat(notice.json()["notice_ends_at"])
    objecting = village.url(f"/evaluations/{evaluation_id}/objections")
    villager = village.headers(Role.villager)

    await clock.advance(ends_at - backend_clock.now())  # the window's last moment has passed
    late = await client.post(objecting, headers=villager, json={"reason": "公示期过了才看到"})
    assert late.status_code == 409, late.text
    assert late.json()["code"] == "period_not_in_notice"
    await clock.advance(timedelta(days=1))
    later = await client.post(objecting, headers=villager, json={"reason": "再试一次"})
    assert later.status_code == 409 and later.json()["code"] == "period_not_in_notice"
    assert await Objection.count().where(Objection.evaluation == evaluation_id).run() == 0


def test_the_window_ends_notice_days_after_it_starts_and_its_end_belongs_to_the_close() -> None:
    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    ends = notice_window.notice_ends_at(start, 7)
    assert ends == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    just_before = ends - timedelta(microseconds=1)

    notice_window.refuse_objection_outside_window("notice", ends, just_before)
    for state, now in (("notice", ends), ("notice", ends + timedelta(days=1)), ("closed", start)):
        with pytest.raises(PeriodNotInNotice):
            notice_window.refuse_objection_outside_window(state, ends, now)

    with pytest.raises(NoticeNotOver):
        notice_window.refuse_close_within_window(ends, just_before)
    notice_window.refuse_close_within_window(ends, ends)
