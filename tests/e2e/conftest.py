"""End-to-end: the real server process (``server_url``, in tests/conftest.py) driven by Debian's
Chromium through Playwright.

Without Chromium the tests skip — except in CI (``CI=true``), where a missing browser fails.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    FilePayload,
    Page,
    async_playwright,
    expect,
)

from backend.settings import get_settings, is_ci
from tests.clock import CLOCK

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# An assertion waits for what the user would see as long as an action waits (Playwright's 30 s),
# not Playwright's 5 s: on a loaded machine a login that hashes a PIN and redraws the page took
# longer than 5 s, and three tests failed on a page that was only slow (issue 23).
expect.set_options(timeout=30_000)
# An action or an event (a download) waits 60 s: at load 9 on two cores a passbook PDF, made
# with its embedded Chinese font, took longer than Playwright's 30 s to start downloading.
ACTION_TIMEOUT_MS = 60_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_browser() -> None:
    if not Path(CHROMIUM).exists():
        message = "Chromium is not installed (apt-get install chromium)"
        if is_ci():
            pytest.fail(message)
        pytest.skip(message)


def xlsx_upload(name: str, content: bytes) -> FilePayload:
    """A spreadsheet as ``set_input_files`` takes it: Playwright's typed payload, which a plain
    dict literal is not."""
    return FilePayload(name=name, mimeType=XLSX, buffer=content)


def screenshots() -> Path:
    """Where the e2e tests leave what they saw (``var/`` of the test run; the README's pictures
    are copied from there)."""
    folder = get_settings().var_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


Launch = Callable[..., Awaitable[Browser]]


@pytest.fixture(scope="session")
async def launch_browser() -> AsyncIterator[Launch]:
    """Start Chromium with extra flags (a fake camera, say); all are closed at the end."""
    require_browser()
    async with async_playwright() as playwright:
        launched: list[Browser] = []

        async def launch(*extra: str) -> Browser:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=[*ARGS, *extra]
            )
            launched.append(browser)
            follow_the_clock(browser)
            return browser

        yield launch
        for browser in launched:
            CLOCK.browsers.remove(browser)
            await browser.close()


def follow_the_clock(browser: Browser) -> None:
    """Every page and context ``browser`` opens starts on the tests' clock (Playwright's clock,
    installed before the first navigation), and moves with ``clock.advance``: a page's
    ``Date.now()`` then agrees with the server's. Done here, once, so no test can forget it."""
    new_context, new_page = browser.new_context, browser.new_page

    async def clocked_context(**options: Any) -> BrowserContext:
        context = await new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        await context.clock.install(time=CLOCK.now())
        return context

    async def clocked_page(**options: Any) -> Page:
        page = await new_page(**options)
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        await page.clock.install(time=CLOCK.now())
        return page

    browser.new_context = clocked_context  # type: ignore[method-assign]
    browser.new_page = clocked_page  # type: ignore[method-assign]
    CLOCK.browsers.append(browser)


async def villager_page(
    browser: Browser, server_url: str, village_id: int, number: str, pin: str
) -> Page:
    """A phone-sized me.html logged in with 户号 + PIN."""
    from backend.registry import services as registry

    code = (await registry.village(village_id)).code
    page = await browser.new_page(viewport={"width": 360, "height": 640}, locale="zh-CN")
    await page.goto(f"{server_url}/me.html")
    await page.fill("input[name=village]", code)
    await page.fill("input[name=number]", number)
    await page.fill("input[name=pin]", pin)
    await page.click("#login button[type=submit]")
    return page


async def log_in_at(page: Page, server_url: str, address: str, username: str, opened: str) -> None:
    """The staff page ``address`` logged in as ``username`` (every test user's password), once
    its ``opened`` part shows."""
    from tests.factories import PASSWORD

    await page.goto(f"{server_url}/{address}")
    await page.fill("#login input[name=username]", username)
    await page.fill("#login input[name=password]", PASSWORD)
    await page.click("#login button[type=submit]")
    await expect(page.locator(opened)).to_be_visible()


async def committee_page(browser: Browser, server_url: str, username: str) -> Page:
    """A PC-sized console.html logged in as ``username``."""
    page = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", username, "#app")
    return page
