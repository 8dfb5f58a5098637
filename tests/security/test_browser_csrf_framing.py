"""Finding 6 in a real browser: a page on another port of the village server (the same site,
so SameSite=Strict cookies go along) can neither post a form to the API nor frame the console;
and the pages run under their strict CSP without a violation (issue 15)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from piccolo.apps.user.tables import BaseUser
from playwright.async_api import Browser, expect

from backend.auth.principal import Role
from tests.e2e.conftest import Launch, committee_page, launch_browser, screenshots  # noqa: F401
from tests.factories import World, unique

PAGES: dict[str, str] = {}


class OtherPort(BaseHTTPRequestHandler):
    """Another site's page, served from another port of the same machine."""

    def do_GET(self) -> None:
        body = PAGES.get(self.path, "").encode()
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def other_port() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), OtherPort)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
async def browser(launch_browser: Launch) -> Browser:  # noqa: F811
    return await launch_browser()


async def test_a_form_on_another_port_cannot_create_a_committee_account(
    browser: Browser, server_url: str, other_port: str, world: World
) -> None:
    page = await committee_page(browser, server_url, world.a.usernames[Role.committee])
    username = unique("forged").lower()
    field = '{"username":"' + username + '","password":"forged-password-1","role":"committee","x":"'
    PAGES["/form.html"] = f"""<!doctype html><meta charset=utf-8><title>抽奖</title>
<form method=post enctype=text/plain
      action="{server_url}/api/v1/villages/{world.a.village_id}/users/">
<input type=hidden name='{field}' value='"}}'><button>领取奖品</button></form>"""
    await page.goto(f"{other_port}/form.html")
    await page.click("button")
    await expect(page.locator("body")).to_contain_text("cross_origin_refused")
    await page.screenshot(path=screenshots() / "security-csrf-refused.png")
    assert not await BaseUser.exists().where(BaseUser.username == username).run()


async def test_another_port_cannot_frame_the_console(
    browser: Browser, server_url: str, other_port: str, world: World
) -> None:
    PAGES["/frame.html"] = f"""<!doctype html><meta charset=utf-8><title>framing</title>
<iframe src="{server_url}/console.html" width=800 height=500
        onload="document.title='loaded'"></iframe>"""
    page = await browser.new_page(viewport={"width": 1366, "height": 768})
    await page.goto(f"{other_port}/frame.html")
    await expect(page).to_have_title("loaded")
    await page.screenshot(path=screenshots() / "security-framing-refused.png")
    framed = page.frames[1]
    assert await framed.locator("#login").count() == 0


async def test_the_pages_run_under_their_csp(browser: Browser, server_url: str) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    for address, shown in (
        ("index.html", "body"),
        ("console.html", "#login"),
        ("me.html", "#login"),
        ("shop.html", "#login"),
        ("checkin.html", "#login"),
        ("board.html?village=NOPE", "body"),
        ("verify.html?board=nope", "body"),
        ("lan.html", "body"),
        ("chain.html?village=NOPE&seq=1&hash=00", "body"),
    ):
        await page.goto(f"{server_url}/{address}")
        await expect(page.locator(shown).first).to_be_visible()
    assert violations == []
