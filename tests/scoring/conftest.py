"""Scoring fixtures: a fresh village per test (periods are one-open-at-a-time per village)."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
import pytest
from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.scoring.rules import NewRule
from tests.factories import PASSWORD, Place, make_place, make_town, make_user, unique

RULES = [
    {
        "code": "HJ01",
        "category": "环境卫生",
        "title": "门前三包，庭院整洁",
        "points": 5,
        "cap": 2,
        "evidence_required": False,
        "proposers": ["committee", "grid_officer"],
    },
    {
        "code": "XL01",
        "category": "孝老爱亲",
        "title": "赡养老人，孝敬父母",
        "points": 10,
        "cap": 1,
        "evidence_required": False,
        "proposers": ["committee"],
    },
    {
        "code": "HJ02",
        "category": "环境卫生",
        "title": "乱堆乱放",
        "points": -2,
        "cap": 3,
        "evidence_required": False,
        "proposers": ["committee", "grid_officer"],
    },
    {
        "code": "ZY01",
        "category": "志愿服务",
        "title": "参加志愿服务活动",
        "points": 3,
        "cap": 4,
        "evidence_required": True,
        "proposers": ["committee", "grid_officer"],
    },
]
# The same rules as the services take them, for tests that adopt them without the API.
RULE_TERMS = [msgspec.convert(rule, NewRule) for rule in RULES]


@dataclass
class Village:
    place: Place
    second_committee: dict[str, str]
    rules: dict[str, int]

    def url(self, rest: str) -> str:
        return f"/api/v1/villages/{self.place.village_id}{rest}"

    def headers(self, role: Role) -> dict[str, str]:
        return self.place.headers(role)


@pytest.fixture
async def village(client: AsyncClient) -> Village:
    place = await make_place((await make_town()).id)
    _, token, _name = await make_user(Role.committee, place)
    book = await client.put(
        f"/api/v1/villages/{place.village_id}/rule-book",
        json={"rules": RULES, "note": "村民代表大会通过"},
        headers=place.headers(Role.committee),
    )
    assert book.status_code == 200, book.text
    rules = {r["code"]: r["id"] for r in book.json()["rules"]}
    return Village(place, {"Authorization": f"Bearer {token}"}, rules)


async def open_period(client: AsyncClient, village: Village, name: str = "2026年11月") -> int:
    response = await client.post(
        village.url("/periods"),
        json={"name": name, "kind": "month", "starts_on": "2026-11-01", "ends_on": "2026-11-30"},
        headers=village.headers(Role.committee),
    )
    assert response.status_code == 201, response.text
    period_id: int = response.json()["id"]
    return period_id


async def committee_living_in(place: Place, household_id: int) -> dict[str, str]:
    """A committee member who also holds a villager grant for a household of the village."""
    user_id = await auth.create_user(
        CLI_ACTOR,
        unique("cv").lower(),
        PASSWORD,
        [
            Grant(Role.committee, village_id=place.village_id),
            Grant(Role.villager, village_id=place.village_id, household_id=household_id),
        ],
    )
    return {"Authorization": f"Bearer {await auth.issue_token(user_id, '127.0.0.1')}"}
