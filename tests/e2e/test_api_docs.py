"""``/api/docs`` on a village PC without internet: Swagger UI comes from the app itself."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Route, expect

from tests.e2e.conftest import Launch, screenshots


async def test_api_docs_render_with_every_outside_request_blocked(
    server_url: str, launch_browser: Launch
) -> None:
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 1366, "height": 768})
    ours = urlsplit(server_url).netloc
    blocked: list[str] = []

    async def offline(route: Route) -> None:
        if urlsplit(route.request.url).netloc == ours:
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort("internetdisconnected")

    await page.route("**/*", offline)
    await page.goto(f"{server_url}/api/docs")
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text("Jifen")
    await expect(page.locator(".opblock").first).to_be_visible()
    await page.screenshot(path=screenshots() / "api-docs-offline.png")
    assert blocked == []
    await browser.close()
