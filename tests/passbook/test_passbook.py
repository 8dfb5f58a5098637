"""积分存折: one household's printed statement, read back the way a person and a machine would —
rendered to PNG with pdftoppm (and looked at), its Chinese read back with pdftotext, its QR
decoded to the chain-check address — for a household with awards, a deduction, a sale and a
void."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from httpx import AsyncClient

from backend import clock
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing
from backend.ledger import services as ledger
from backend.ledger.verify import heads
from backend.scoring import evaluations, period_close, periods
from backend.scoring.evaluations import Scorer
from backend.settings import get_settings
from backend.shop import redemption_services
from tests.factories import (
    CARING,
    TIDY_YARD,
    Place,
    make_place,
    make_town,
    make_user,
    open_month,
    unique,
)
from tests.passbook.paper import first_page_png, pdf_text, qr_address, require_poppler


async def lived_october(place: Place) -> int:
    """October for the first household: two awards through scoring (verified by a second member,
    noticed, closed, posted: one star, 孝老爱亲), a deduction, a sale with the card and its void.
    Returns October's id."""
    vid, household = place.village_id, place.households[0].id
    scored = await open_month(place, CARING, TIDY_YARD, month=10)
    book, october, proposer = scored.book, scored.period, scored.scorer
    checker_id, _, _ = await make_user(Role.committee, place)
    checker = Scorer(checker_id, "李委员", frozenset({"committee"}))
    for rule in book.rules:
        [evaluation_id] = await evaluations.propose(proposer, vid, october.id, household, rule.id)
        await evaluations.verify(checker, vid, evaluation_id)
    await periods.start_notice(CLI_ACTOR, vid, october.id)
    await period_close.close_and_post(
        CLI_ACTOR, vid, october.id, now=clock.now() + timedelta(days=30)
    )
    await ledger.deduct(
        CLI_ACTOR, vid, household, 3, key=unique("d"), reason="乱倒垃圾", period_id=october.id
    )
    code = await issuing.card_payload(vid, household)
    sale = await redemption_services.redeem(
        CLI_ACTOR,
        vid,
        place.shop_id,
        code,
        [redemption_services.Line(place.product_id, 1)],
        key=unique("s"),
    )
    await redemption_services.void(CLI_ACTOR, vid, place.shop_id, sale.id, "拿错了")
    await redemption_services.redeem(
        CLI_ACTOR,
        vid,
        place.shop_id,
        code,
        [redemption_services.Line(place.product_id, 1)],
        key=unique("s"),
    )
    return int(october.id)


async def test_a_villager_downloads_a_passbook_that_reads_back_in_chinese_and_verifies(
    client: AsyncClient, tmp_path: Path
) -> None:
    require_poppler()
    place = await make_place((await make_town()).id)
    await lived_october(place)
    url = f"/api/v1/villages/{place.village_id}/households/{place.households[0].id}/passbook.pdf"
    response = await client.get(url, headers=place.headers(Role.villager))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"

    text = pdf_text(response.content, tmp_path)
    for words in (
        "测试村",
        "积分存折",
        "户号 H1",
        "户主 王建国",
        "家庭成员：王建国（户主）",
        "五星文明户（2026年10月）",
        "★☆☆☆☆",
        "孝老爱亲",
        "赡养老人",
        "庭院整洁",
        "扣分：乱倒垃圾",
        "积分超市兑换：洗衣粉×1",
        "冲正：撤销兑换",
        "拿错了",
        "期初余额 0",
        "期末余额 2",
        "期内得分 +12",
        "兑换用去 10",
    ):
        assert words in text, f"{words!r} not in the passbook:\n{text}"
    # Every line with the balance after it, oldest first: +10 +5 −3 −10 +10 −10.
    balances = [line.split()[-2:] for line in text.splitlines() if line.startswith("2026-")]
    assert [b for b in balances if len(b) == 2] == [
        ["+10", "10"],
        ["+5", "15"],
        ["-3", "12"],
        ["-10", "2"],
        ["+10", "12"],
        ["-10", "2"],
    ]

    first_page_png(response.content, tmp_path, "passbook-h1")
    address = urlsplit(qr_address(response.content, tmp_path))
    assert (address.scheme, address.netloc, address.path) == ("http", "testserver", "/chain.html")
    [head] = await heads(place.village_id)
    village_code = (
        await client.get(
            f"/api/v1/villages/{place.village_id}", headers=place.headers(Role.committee)
        )
    ).json()["code"]
    assert parse_qs(address.query) == {
        "village": [village_code],
        "seq": [str(head.seq)],
        "hash": [head.hash],
    }
    link = await client.get(f"/api/v1/public/villages/{village_code}/chain/{head.seq}")
    assert link.json()["hash"] == head.hash


async def test_the_committee_prints_a_grid_or_one_household_and_a_villager_only_their_own(
    client: AsyncClient, tmp_path: Path
) -> None:
    require_poppler()
    place = await make_place((await make_town()).id)
    october = await lived_october(place)
    base = f"/api/v1/villages/{place.village_id}"
    grid = await client.get(
        f"{base}/passbooks.pdf",
        params={"grid_id": place.grid_id, "period_id": october, "paper": "A4"},
        headers=place.headers(Role.committee),
    )
    assert grid.status_code == 200, grid.text
    text = pdf_text(grid.content, tmp_path)
    assert "户主 王建国" in text and "户主 李秀英" in text
    assert "期间：2026年10月（2026-10-01 至" in text and "结算）" in text
    assert "赡养老人" in text and "积分超市兑换" in text  # from its first day until its close
    assert "这段时间没有积分流水。" in text  # 李秀英 has none
    assert re.search(r"测试村 H1 王建国 积分存折\s+第\s*1\s*页", text)  # whose each page is
    assert re.search(r"测试村 H2 李秀英 积分存折\s+第\s*1\s*页", text)
    first_page_png(grid.content, tmp_path, "passbook-grid")

    one = await client.get(
        f"{base}/passbooks.pdf",
        params={"household_id": place.households[1].id},
        headers=place.headers(Role.committee),
    )
    assert "户主 李秀英" in pdf_text(one.content, tmp_path)
    neighbour = await client.get(
        f"{base}/households/{place.households[1].id}/passbook.pdf",
        headers=place.headers(Role.villager),
    )
    assert neighbour.status_code == 404
    both = await client.get(
        f"{base}/passbooks.pdf",
        params={"period_id": october, "start": "2026-10-01"},
        headers=place.headers(Role.committee),
    )
    assert (both.status_code, both.json()["code"]) == (400, "invalid_input")
    for dates in (
        {"start": "0001-01-01"},
        {"end": "9999-12-31"},
        {"start": "2026-11-02", "end": "2026-11-01"},
    ):
        refused = await client.get(
            f"{base}/passbooks.pdf", params=dates, headers=place.headers(Role.committee)
        )
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid_input"), dates


async def test_the_passbooks_qr_opens_the_configured_public_address(
    client: AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Printed on the village PC, the chain-check QR opens ``JIFEN_PUBLIC_URL``, not the PC."""
    require_poppler()
    place = await make_place((await make_town()).id)
    await lived_october(place)
    chosen = replace(get_settings(), public_url="https://jifen.example.cn")
    monkeypatch.setattr("backend.http.public_url.get_settings", lambda: chosen)
    response = await client.get(
        f"/api/v1/villages/{place.village_id}/passbooks.pdf?household_id={place.households[0].id}",
        headers=place.headers(Role.committee),
    )
    assert response.status_code == 200, response.text
    address = urlsplit(qr_address(response.content, tmp_path))
    assert (address.scheme, address.netloc, address.path) == (
        "https",
        "jifen.example.cn",
        "/chain.html",
    )
