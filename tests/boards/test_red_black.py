"""The red and black boards of a closed period, publishing, and the printed poster."""

from __future__ import annotations

import io
from collections.abc import Set
from datetime import date, timedelta
from typing import Any

import pytest
import zxingcpp
from httpx import AsyncClient
from piccolo.engine.base import Engine
from piccolo.querystring import QueryString
from PIL import Image

from backend import clock, db
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.boards import services as boards
from backend.boards.poster import poster_image
from backend.boards.services import Listed
from backend.errors import DomainError
from backend.ledger import services as ledger
from backend.printing.fonts import cjk_font
from backend.registry import services as registry
from backend.scoring import periods
from tests.factories import Place, add_board, make_place, make_town, unique


async def closed_period(
    scores: dict[str, int],
    *,
    hardship: Set[str] = frozenset(),
    idle: Set[str] = frozenset(),
    **village: object,
) -> tuple[Place, dict]:
    """A village whose households (named by ``scores``) earned these points in one period."""
    place = await make_place((await make_town()).id)
    await registry.update_village(
        CLI_ACTOR, place.village_id, {"board_size": 2, "allow_negative_balance": True, **village}
    )
    period = await periods.open_period(
        CLI_ACTOR,
        place.village_id,
        name="2026年10月",
        kind="month",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
    )
    ids = {}
    for name, score in {**scores, **dict.fromkeys(idle, 0)}.items():
        household = await registry.create_household(
            CLI_ACTOR,
            place.village_id,
            {
                "number": unique("N"),
                "head_name": name,
                "hardship": name in hardship,
                "hardship_reason": "低保户" if name in hardship else "",
            },
            [],
        )
        ids[name] = household.id
        if name in idle:
            continue
        post = ledger.award if score > 0 else ledger.deduct
        await post(
            CLI_ACTOR,
            place.village_id,
            household.id,
            abs(score) or 1,
            key=unique("s"),
            reason="测试",
            period_id=period.id,
        )
        if score == 0:
            await ledger.deduct(
                CLI_ACTOR,
                place.village_id,
                household.id,
                1,
                key=unique("z"),
                reason="测试",
                period_id=period.id,
            )
    await periods.start_notice(CLI_ACTOR, place.village_id, period.id)
    await periods.close_period(
        CLI_ACTOR, place.village_id, period.id, now=clock.now() + timedelta(days=30)
    )
    return place, {"period_id": period.id, "ids": ids}


def names(entries: list[Listed]) -> list[tuple[int, str]]:
    return [(e.rank, e.head_name) for e in entries]


def names_in(entries: list[dict]) -> list[tuple[int, str]]:
    """``names`` of a board's lines in a JSON reply."""
    return [(e["rank"], e["head_name"]) for e in entries]


async def test_ties_at_both_cut_offs_are_all_listed() -> None:
    place, made = await closed_period(
        {"甲": 30, "乙": 20, "丙": 20, "丁": 10, "戊": -5, "己": -5, "庚": 8}
    )
    board = await boards.compute(place.village_id, made["period_id"])
    assert sorted(names(board.red)) == [(1, "甲"), (2, "丙"), (2, "乙")]
    assert sorted(names(board.black)) == [(1, "己"), (1, "戊")]
    assert "并列" in board.rule_text


async def test_hardship_households_are_never_on_the_black_board_and_idle_ones_are_left_out() -> (
    None
):
    place, made = await closed_period(
        {"甲": 30, "乙": 20, "丙": 10, "丁": -9, "戊": 5}, hardship={"丁"}, idle={"闲"}
    )
    board = await boards.compute(place.village_id, made["period_id"])
    assert board.black == [] and board.hardship_left_off == 1
    await registry.update_village(
        CLI_ACTOR, place.village_id, {"board_include_idle": True, "black_line": 1}
    )
    with_idle = await boards.compute(place.village_id, made["period_id"])
    # 闲 and the place's own idle households, all at 0: tied, all first.
    assert (1, "闲") in names(with_idle.black) and with_idle.hardship_left_off == 1
    assert {rank for rank, _ in names(with_idle.black)} == {1}
    assert "低于 1 分" in with_idle.rule_text


async def test_a_household_that_gained_points_is_never_on_the_black_board() -> None:
    place, made = await closed_period({"甲": 30, "乙": 20, "丙": 1, "丁": -3, "戊": 2})
    board = await boards.compute(place.village_id, made["period_id"])
    assert names(board.black) == [(1, "丁")] and board.size == 2
    assert board.hardship_left_off == 0 and "净扣分" in board.rule_text


async def test_hardship_households_skipped_do_not_pull_up_a_household_with_awards() -> None:
    place, made = await closed_period(
        {"甲": 30, "乙": 20, "丙": 1, "丁": -9, "戊": -9, "己": -2}, hardship={"丁", "戊"}
    )
    board = await boards.compute(place.village_id, made["period_id"])
    assert names(board.black) == [(1, "己")] and board.hardship_left_off == 2


async def test_publish_once_with_an_idempotent_red_bonus(client: AsyncClient) -> None:
    place, made = await closed_period({"甲": 30, "乙": 20, "丙": 1}, red_bonus=5)
    url = f"/api/v1/villages/{place.village_id}/periods/{made['period_id']}/board"
    preview = await client.get(url + "/preview", headers=place.headers(Role.committee))
    assert preview.status_code == 200 and names_in(preview.json()["red"]) == [(1, "甲"), (2, "乙")]
    published = await client.post(url, headers=place.headers(Role.committee))
    assert published.status_code == 201, published.text
    board = published.json()
    assert board["chain_seq"] > 0 and len(board["chain_head"]) == 64
    assert await ledger.balance(place.village_id, made["ids"]["甲"]) == 35
    again = await client.post(url, headers=place.headers(Role.committee))
    assert again.status_code == 409 and again.json()["code"] == "board_already_published"
    assert await ledger.balance(place.village_id, made["ids"]["甲"]) == 35
    public = await client.get(f"/api/v1/public/boards/{board['public_id']}")
    assert public.status_code == 200
    assert public.json()["red"] == [
        {"rank": 1, "name": "甲", "earned": 30},
        {"rank": 2, "name": "乙", "earned": 20},
    ]
    assert (await client.get(f"/api/v1/public/boards/{board['id']}")).status_code == 404


async def test_a_villager_reads_the_latest_board_or_an_empty_list(client: AsyncClient) -> None:
    place, made = await closed_period({"甲": 30, "乙": 20, "丙": 1})
    url = f"/api/v1/villages/{place.village_id}/boards"
    villager = place.headers(Role.villager)
    assert (await client.get(url, params={"limit": 1}, headers=villager)).json() == []
    await boards.publish(CLI_ACTOR, place.village_id, made["period_id"])
    latest = await client.get(url, params={"limit": 1}, headers=villager)
    assert latest.status_code == 200
    assert [(b["period_name"], names_in(b["red"])) for b in latest.json()] == [
        ("2026年10月", [(1, "甲"), (2, "乙")])
    ]
    refused = await client.get(url, params={"limit": 0}, headers=villager)
    assert refused.status_code == 400


async def test_every_board_is_listed_newest_first_in_one_query_however_many(
    client: AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    place = await make_place((await make_town()).id)
    statements: list[object] = []
    engine = type(db.engine())  # PostgresEngine has slots: count on the class
    run = engine.run_querystring

    async def counted(
        self: Engine[Any], querystring: QueryString, *args: bool, **kw: bool
    ) -> object:
        statements.append(querystring)
        return await run(self, querystring, *args, **kw)

    async def queries_to_list() -> int:
        statements.clear()
        with monkeypatch.context() as patch:
            patch.setattr(engine, "run_querystring", counted)
            await boards.boards(place.village_id)
        return len(statements)

    published = [await add_board(place)]
    assert await queries_to_list() == 1
    published += [await add_board(place) for _ in range(5)]
    assert await queries_to_list() == 1
    url = f"/api/v1/villages/{place.village_id}/boards"
    listed = await client.get(url, headers=place.headers(Role.villager))
    assert listed.status_code == 200
    one_by_one = [
        (await client.get(f"{url}/{board_id}", headers=place.headers(Role.villager))).json()
        for board_id in reversed(published)
    ]
    assert listed.json() == one_by_one
    first_two = await client.get(url, params={"limit": 2}, headers=place.headers(Role.villager))
    assert first_two.json() == one_by_one[:2]


async def test_a_period_still_open_cannot_be_published() -> None:
    place = await make_place((await make_town()).id, with_users=False)
    period = await periods.open_period(
        CLI_ACTOR,
        place.village_id,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    try:
        await boards.publish(CLI_ACTOR, place.village_id, period.id)
    except DomainError as error:
        assert error.code == "period_not_closed"
    else:
        raise AssertionError("an open period's board was published")


def test_chinese_glyphs_render_unlike_the_missing_glyph_box() -> None:
    font = cjk_font(64)
    missing = font.getmask("\ue000").getbbox(), bytes(font.getmask("\ue000"))
    for character in "红黑榜王李":
        mask = font.getmask(character)
        assert (mask.getbbox(), bytes(mask)) != missing, character


async def test_the_poster_prints_the_board_and_its_qr_opens_the_verification_page() -> None:
    place, made = await closed_period({"王建国": 30, "李秀英": 20, "赵福生": 1})
    board = await boards.publish(CLI_ACTOR, place.village_id, made["period_id"])
    url = f"http://jifen.lan/verify.html?board={board.public_id}"
    image = poster_image(board, url)
    assert image.size == (3508, 4961)
    found = zxingcpp.read_barcodes(image)
    assert [code.text for code in found] == [url]
    pdf = io.BytesIO()
    image.save(pdf, "PDF", resolution=300.0)
    assert pdf.getvalue().startswith(b"%PDF")
    title_area = image.crop((0, 0, image.width, 600)).convert("L")
    darkest, _lightest = title_area.getextrema()
    assert isinstance(darkest, int) and darkest < 128
    assert Image.Image.getbbox(title_area.point(lambda v: 255 - v)) is not None
