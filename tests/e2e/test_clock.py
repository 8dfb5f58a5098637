"""Browser pages follow the tests' clock: ``Date.now()`` in a page agrees with the server's
deadlines, before and after ``clock.advance``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.clock import TestClock
from tests.e2e.conftest import Launch


async def test_a_page_keeps_the_tests_time_and_moves_with_it(
    server_url: str, launch_browser: Launch, clock: TestClock
) -> None:
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    await page.goto(f"{server_url}/me.html")

    async def page_now() -> datetime:
        return datetime.fromtimestamp(await page.evaluate("Date.now()") / 1000, UTC)

    assert abs(await page_now() - clock.now()) < timedelta(seconds=5)
    first = await page.evaluate("Date.now()")
    # time flows in the page too (polled in the page: the page's CSP forbids wait_for_function's
    # evaluated strings)
    await page.evaluate(
        """(first) => new Promise((done) => {
        const tick = () => (Date.now() > first ? done() : requestAnimationFrame(tick));
        tick();
    })""",
        first,
    )
    await clock.advance(timedelta(days=3))
    assert abs(await page_now() - clock.now()) < timedelta(seconds=5)
    await browser.close()
