"""Activities fixtures: a fresh village per test with a volunteer rule, an open period and a
running clean-up whose check-in window is open now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from httpx import AsyncClient

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing
from backend.registry import services as registry
from tests.factories import CLEAN_UP, Place, make_place, make_town, make_user, open_month

NOW = clock.now()


@dataclass
class Event:
    place: Place
    activity_id: int
    period_id: int
    rule_id: int
    second_committee: dict[str, str]

    def url(self, rest: str = "") -> str:
        return f"/api/v1/villages/{self.place.village_id}/activities/{self.activity_id}{rest}"

    def headers(self, role: Role) -> dict[str, str]:
        return self.place.headers(role)

    async def card(self, index: int) -> str:
        return await issuing.card_payload(self.place.village_id, self.place.households[index].id)

    async def third_household_card(self) -> str:
        household = await registry.create_household(
            CLI_ACTOR,
            self.place.village_id,
            {
                "number": "H3",
                "head_name": "赵大山",
                "grid_id": self.place.grid_id,
                "moral_group_id": self.place.moral_group_id,
            },
            [{"name": "赵大山", "relation": "户主"}],
        )
        return await issuing.card_payload(self.place.village_id, household.id)


@pytest.fixture
async def event(client: AsyncClient) -> Event:
    place = await make_place((await make_town()).id)
    _, token, _name = await make_user(Role.committee, place)
    month = await open_month(place, CLEAN_UP)
    rule_id = month.book.rules[0].id
    created = await client.post(
        f"/api/v1/villages/{place.village_id}/activities",
        json={
            "title": "村道清扫",
            "rule_id": rule_id,
            "place": "村委会门口",
            "starts_at": (NOW - timedelta(hours=1)).isoformat(),
            "ends_at": (NOW + timedelta(hours=2)).isoformat(),
            "capacity": 2,
        },
        headers=place.headers(Role.grid_officer),
    )
    assert created.status_code == 201, created.text
    event = Event(
        place, created.json()["id"], month.period.id, rule_id, {"Authorization": f"Bearer {token}"}
    )
    started = await client.post(event.url("/start"), headers=place.headers(Role.grid_officer))
    assert started.status_code == 200 and started.json()["status"] == "running", started.text
    return event
