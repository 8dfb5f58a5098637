"""Reprinting one household's card from the households screen at 1366×768: the same card (its
QR decodes to the current version), not a reissue — nothing is revoked."""

from __future__ import annotations

import asyncio
from pathlib import Path

import zxingcpp
from playwright.async_api import expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing
from tests.cards.test_pin_letters import pdf_pages
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import make_place, make_town


async def test_one_card_reprinted_keeps_its_version(
    server_url: str, launch_browser: Launch, tmp_path: Path
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    household = place.households[0]
    await issuing.issue_card(CLI_ACTOR, vid, household.id)
    await issuing.reissue_card(CLI_ACTOR, vid, household.id)  # version 2 is the live card
    live = await issuing.card_payload(vid, household.id)
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", place.usernames[Role.committee], "#app")
    await page.click("#tabs button[data-tab=households]")
    row = page.locator("#household-list tr", has_text=household.head_name)
    await expect(row.get_by_role("link", name="补印此卡")).to_be_visible()
    await page.screenshot(path=screenshots() / "console-reprint.png")
    async with page.expect_download() as download:
        await row.get_by_role("link", name="补印此卡").click()
    path = await (await download.value).path()
    [sheet] = await asyncio.to_thread(pdf_pages, path.read_bytes(), tmp_path)
    assert [found.text for found in zxingcpp.read_barcodes(sheet)] == [live]
    assert (await issuing.card(vid, household.id)).version == 2
    assert await page.evaluate("document.documentElement.scrollWidth") <= 1366
    await browser.close()
