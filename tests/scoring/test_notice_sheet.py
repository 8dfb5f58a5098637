"""The printed notice sheet (公示表): every line with full names, the window and how to object,
as many A4 pages as it needs, and a QR code that opens the villagers' page of the village."""

from __future__ import annotations

import zxingcpp
from httpx import AsyncClient

from backend.auth.principal import Role
from backend.scoring import notice
from backend.scoring.notice_sheet import sheet_pages
from tests.e2e.conftest import screenshots
from tests.scoring.conftest import Village, open_period


async def test_the_notice_sheet_prints_every_line_and_its_qr_opens_the_village_page(
    client: AsyncClient, village: Village
) -> None:
    place = village.place
    committee, other = village.headers(Role.committee), village.second_committee
    period_id = await open_period(client, village)
    for household in place.households:
        for code in ("HJ01", "HJ02"):
            made = await client.post(
                village.url(f"/periods/{period_id}/evaluations"),
                headers=committee,
                json={"household_id": household.id, "rule_id": village.rules[code]},
            )
            await client.post(
                village.url(f"/evaluations/{made.json()['id']}/verify"), headers=other, json={}
            )
    await client.post(village.url(f"/periods/{period_id}/notice"), headers=committee)

    listed = await notice.notice(place.village_id, period_id)
    assert len(listed.lines) == 4
    url = "https://jifen.example.cn/me.html?village=XHX"
    pages = sheet_pages("测试村", listed, url)
    assert len(pages) == 1 and pages[0].size == (2480, 3508)
    assert [code.text for code in zxingcpp.read_barcodes(pages[-1])] == [url]
    many = type(listed)(
        period_id=listed.period_id,
        period_name=listed.period_name,
        state=listed.state,
        notice_ends_at=listed.notice_ends_at,
        lines=listed.lines * 20,
    )
    printed = sheet_pages("测试村", many, url)
    assert len(printed) == 5  # 18 lines a page under the header, the foot kept free
    printed[-1].save(screenshots() / "notice-sheet-last-page.png")

    pdf = await client.get(village.url(f"/periods/{period_id}/notice-sheet.pdf"), headers=committee)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    refused = await client.get(
        village.url(f"/periods/{period_id}/notice-sheet.pdf"),
        headers=village.headers(Role.villager),
    )
    assert refused.status_code == 403
