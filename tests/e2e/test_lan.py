"""The kiosk over ``jifen serve --lan`` in a Chromium that trusts the generated authority the
way a tablet does after installing it: an NSS database in the browser's own HOME (made with
``certutil``), no ``--ignore-certificate-errors``. Over HTTPS the page is a secure context, so
the camera starts (fake device) and reads the card."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from backend.auth.principal import Role
from backend.cards import issuing
from backend.cards.pictures import card_qr_png
from tests.e2e.camera import qr_video
from tests.e2e.conftest import ARGS, CHROMIUM, log_in_at, require_browser, screenshots
from tests.factories import stocked_place
from tests.lan.server import LanServer, lan_server

__all__ = ["lan_server"]  # the fixture, shared with tests/lan/


def home_trusting(ca_file: Path, home: Path) -> Path:
    """A HOME whose NSS database (what Chromium on Linux trusts) holds the authority."""
    certutil = shutil.which("certutil")
    if certutil is None:
        pytest.fail("certutil is missing (apt-get install libnss3-tools; .ci/run installs it)")
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run([certutil, "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True)
    subprocess.run(
        [certutil, "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "jifen-lan", "-i", str(ca_file)],
        check=True,
    )
    return home


async def test_the_kiosk_over_lan_https_is_a_secure_context_and_its_camera_reads_a_card(
    lan_server: LanServer, tmp_path: Path
) -> None:
    require_browser()
    place = await stocked_place(40)
    household = place.households[0]
    code = await issuing.card_payload(place.village_id, household.id)
    video = qr_video(card_qr_png(code), tmp_path / "card.y4m")
    home = home_trusting(lan_server.ca_file, tmp_path / "home")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            env={**os.environ, "HOME": str(home)},
            args=[
                *ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
            await log_in_at(
                page, lan_server.https, "shop.html", place.usernames[Role.shopkeeper], "#till"
            )
            assert page.url.startswith("https://")
            assert await page.evaluate("window.isSecureContext") is True
            await page.click("#camera")
            await expect(page.locator("#c-head")).to_have_text(household.head_name)
            await expect(page.locator("#c-balance")).to_have_text("40")
            await page.screenshot(path=screenshots() / "lan-kiosk-https.png")

            # The same kiosk address typed with http:// lands on HTTPS.
            await page.goto(f"{lan_server.http}/shop.html")
            assert page.url == f"{lan_server.https}/shop.html"
        finally:
            await browser.close()


async def test_the_certificate_page_on_a_phone_over_plain_http(lan_server: LanServer) -> None:
    """What a tablet that trusts nothing yet sees at the address the terminal printed."""
    require_browser()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page(
                viewport={"width": 360, "height": 740}, locale="zh-CN", accept_downloads=True
            )
            await page.goto(f"{lan_server.http}/lan.html")
            fingerprint = page.locator("#fingerprint")
            await expect(fingerprint).to_have_text((await _facts(lan_server))["fingerprint"])
            await expect(page.locator("#kiosk")).to_have_text(f"{lan_server.https}/shop.html")
            await page.screenshot(path=screenshots() / "lan-certificate-page.png", full_page=True)
            async with page.expect_download() as download:
                await page.get_by_role("link", name="下载证书").click()
            saved = await (await download.value).path()
            assert same_bytes(Path(saved), lan_server.ca_file)
            assert (await download.value).suggested_filename == "jifen-ca.crt"

            await page.get_by_role("button", name="English").click()
            await expect(page.locator("h1")).to_have_text("Install this PC's certificate")
        finally:
            await browser.close()


def same_bytes(one: Path, other: Path) -> bool:
    return one.read_bytes() == other.read_bytes()


async def _facts(lan_server: LanServer) -> dict:
    import httpx

    async with httpx.AsyncClient() as client:
        return (await client.get(f"{lan_server.http}/lan/ca.json")).json()
