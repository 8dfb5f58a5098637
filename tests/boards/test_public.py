"""Privacy tiers: what anyone can read with no login — walked from the OpenAPI document against
the real server — never carries a household's full name, number, id or deduction categories;
the hall screen's full names need the committee's screen link, which can be revoked; a black
board leaves public view when the next period's board is published."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import httpx
from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.boards import public
from backend.boards import services as boards
from backend.registry import services as registry
from backend.scoring import evaluations, periods, rules
from backend.scoring.evaluations import Scorer
from tests.boards.test_red_black import closed_period
from tests.factories import add_board, make_place, make_town, make_user
from tests.scoring.conftest import RULE_TERMS

PRIVATE_KEYS = {"household_id", "number", "head_name", "categories", "category"}
SKIP = {("post", "/api/v1/auth/login"), ("post", "/api/v1/auth/household-login")}
# The LAN's certificate authority: there (200) once `jifen serve --lan` has made it, else 404.
LAN_CERTIFICATE = {"/lan/ca.crt", "/lan/ca.json"}


def test_names_are_masked_in_the_middle() -> None:
    assert [public.mask(n) for n in ("张三丰", "张三", "欧阳小明", "李")] == [
        "张*丰",
        "张*",
        "欧**明",
        "李",
    ]


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


async def test_no_public_operation_returns_a_black_board_households_name_number_or_category(
    server_url: str,
) -> None:
    place, made = await closed_period({"王大富": 30, "钱多多": 20, "吴六顺": -9, "郑七星": -5})
    board = await boards.publish(CLI_ACTOR, place.village_id, made["period_id"])
    black = board.black
    assert {e.head_name for e in black} == {"吴六顺", "郑七星"}
    numbers = [(await registry.household(place.village_id, e.household_id)).number for e in black]
    # Categories are checked by key: no public reply has a "categories" or "category" field.
    secrets = ["吴六顺", "郑七星", *numbers]
    code = (await registry.village(place.village_id)).code
    values = {"code": code, "public_id": board.public_id, "seq": 1}
    async with httpx.AsyncClient(base_url=server_url, timeout=10) as anonymous:
        document = (await anonymous.get("/api/schema/openapi.json")).json()
        walked = 0
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if operation.get("security") or (method, path) in SKIP:
                    continue
                assert method == "get", f"a public write: {method} {path}"
                url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
                async with anonymous.stream("GET", url) as response:
                    wanted = (200, 404) if path in LAN_CERTIFICATE else (200,)
                    assert response.status_code in wanted, (path, response.status_code)
                    if response.headers["content-type"].startswith("text/event-stream"):
                        body = (await anext(response.aiter_text())).strip()
                    else:
                        body = (await response.aread()).decode()
                for secret in secrets:
                    assert secret not in body, (path, secret)
                if body.startswith("{"):
                    assert not keys(json.loads(body)) & PRIVATE_KEYS, path
                walked += 1
    assert walked >= 3
    assert (
        "吴*顺"
        in (
            await httpx.AsyncClient(base_url=server_url).get(
                f"/api/v1/public/boards/{board.public_id}"
            )
        ).text
    )


async def test_the_screen_link_shows_full_names_until_revoked(client: AsyncClient) -> None:
    place, made = await closed_period({"王大富": 30, "钱多多": 20, "吴六顺": -9})
    await boards.publish(CLI_ACTOR, place.village_id, made["period_id"])
    code = (await registry.village(place.village_id)).code
    screen = f"/api/v1/public/villages/{code}/screen"
    committee = place.headers(Role.committee)
    link = f"/api/v1/villages/{place.village_id}/screen-link"
    assert (await client.post(link, headers=place.headers(Role.villager))).status_code == 403
    made_link = await client.post(link, headers=committee)
    assert made_link.status_code == 201
    token = made_link.json()["token"]
    assert made_link.json()["path"] == f"/board.html?village={code}&token={token}"
    full = (await client.get(screen, params={"token": token})).json()
    assert full["full_names"] and full["board"]["black"][0]["name"] == "吴六顺"
    wrong = token[:-1] + ("y" if token.endswith("x") else "x")  # a token ending in x: 1 in 64
    masked = (await client.get(screen, params={"token": wrong})).json()
    assert not masked["full_names"] and masked["board"]["black"][0]["name"] == "吴*顺"
    renewed = (await client.post(link, headers=committee)).json()["token"]
    assert not (await client.get(screen, params={"token": token})).json()["full_names"]
    assert (await client.get(screen, params={"token": renewed})).json()["full_names"]
    assert (await client.delete(link, headers=committee)).status_code == 204
    assert not (await client.get(screen, params={"token": renewed})).json()["full_names"]


async def test_a_black_board_leaves_public_view_when_the_next_board_is_published(
    client: AsyncClient,
) -> None:
    place, made = await closed_period({"王大富": 30, "钱多多": 20, "吴六顺": -9})
    first = await boards.publish(CLI_ACTOR, place.village_id, made["period_id"])
    url = f"/api/v1/public/boards/{first.public_id}"
    assert (await client.get(url)).json()["black"] == [{"rank": 1, "name": "吴*顺", "earned": -9}]
    await add_board(place)
    later = (await client.get(url)).json()
    assert later["black"] == [] and later["black_withdrawn"]
    assert later["red"][0]["name"] == "王*富"
    inside = await client.get(
        f"/api/v1/villages/{place.village_id}/boards/{first.id}",
        headers=place.headers(Role.villager),
    )
    assert inside.json()["black"][0]["head_name"] == "吴六顺"


async def test_the_hall_screen_shows_the_notice_without_what_a_deduction_was_for(
    client: AsyncClient,
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    book = await rules.adopt_rule_book(CLI_ACTOR, vid, RULE_TERMS)
    rule = {r.code: r.id for r in book.rules}
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    proposer = Scorer(place.user_ids[Role.committee], "张委员", frozenset({"committee"}))
    checker_id, _, _ = await make_user(Role.committee, place)
    checker = Scorer(checker_id, "李委员", frozenset({"committee"}))
    first, second = place.households
    for household, code in ((first, "XL01"), (second, "HJ02")):
        [made] = await evaluations.propose(proposer, vid, period.id, household.id, rule[code])
        await evaluations.verify(checker, vid, made)
    code = (await registry.village(vid)).code
    screen = f"/api/v1/public/villages/{code}/screen"
    assert (await client.get(screen)).json()["notice"] is None
    await periods.start_notice(CLI_ACTOR, vid, period.id)
    shown = (await client.get(screen)).json()["notice"]
    found = sorted((line["name"], line["title"], line["points"]) for line in shown["lines"])
    assert found == sorted(
        [
            (public.mask(first.head_name), "赡养老人，孝敬父母", 10),
            (public.mask(second.head_name), "", -2),
        ]
    )
    token = (
        await client.post(
            f"/api/v1/villages/{vid}/screen-link", headers=place.headers(Role.committee)
        )
    ).json()["token"]
    full = (await client.get(screen, params={"token": token})).json()["notice"]
    assert (second.head_name, "乱堆乱放", -2) in [
        (line["name"], line["title"], line["points"]) for line in full["lines"]
    ]
