"""A township made by ``jifen setup`` (answers on standard input, an empty database), then
used as it comes: the committee in the console, the shopkeeper at the kiosk, a villager on the
phone page — in Chromium, against the real server on that database."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import httpx
import pytest
import zxingcpp
from PIL import Image
from playwright.async_api import expect

from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import PASSWORD
from tests.server import ServerProcess
from tests.setup.township import EmptyDatabase, empty_database, township_answers

__all__ = ["empty_database"]  # the fixture, shared with tests/setup/

HEAD = "周大山"


@pytest.fixture
def township_server(empty_database: EmptyDatabase) -> Iterator[str]:
    built = empty_database.jifen("setup", answers=township_answers())
    assert built.returncode == 0, built.stdout + built.stderr
    server = ServerProcess("setup-township-server")
    server.env.update(
        JIFEN_DATABASE_URL=empty_database.env["JIFEN_DATABASE_URL"],
        JIFEN_VAR_DIR=empty_database.env["JIFEN_VAR_DIR"],
    )
    server.start()
    yield server.url
    server.stop()


@contextlib.contextmanager
def staff(url: str, username: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url) as client:
        answer = client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert answer.status_code in (200, 201), answer.text
        client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        yield client


def add_household(url: str) -> tuple[int, str]:
    """What a committee does first (or the roster import does for many): one household in the
    first grid, with a PIN. Returns the village id and the card's QR payload."""
    with staff(url, "xhx_committee") as committee:
        me = committee.get("/api/v1/auth/me").json()
        assert me["display_name"] == "李村委"
        villages = committee.get("/api/v1/villages").json()
        village = next(v for v in villages if v["code"] == "XHX")
        grids = committee.get(f"/api/v1/villages/{village['id']}/grids").json()
        assert [g["name"] for g in grids] == ["一网格", "二网格"]
        groups = committee.get(f"/api/v1/villages/{village['id']}/moral-groups").json()
        household = committee.post(
            f"/api/v1/villages/{village['id']}/households",
            json={
                "number": "XHX-001",
                "head_name": HEAD,
                "grid_id": grids[0]["id"],
                "moral_group_id": groups[0]["id"],
            },
        ).json()
        base = f"/api/v1/villages/{village['id']}/households/{household['id']}"
        assert committee.put(f"{base}/card/pin", json={"pin": "2468"}).status_code == 200
        picture = committee.get(f"{base}/card.png")
        assert picture.status_code == 200
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.content)))
    return village["id"], code.text


async def test_a_set_up_township_works_in_the_console_the_kiosk_and_the_villager_page(
    township_server: str, launch_browser: Launch
) -> None:
    village_id, card = add_household(township_server)
    browser = await launch_browser()

    console = await browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    await log_in_at(console, township_server, "console.html", "xhx_committee", "#app")
    await console.click("#tabs button[data-tab=households]")
    await expect(console.locator("#household-list").get_by_text(HEAD)).to_be_visible()
    await console.screenshot(path=screenshots() / "setup-console.png")

    kiosk = await browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    await log_in_at(kiosk, township_server, "shop.html", "xhx_shop", "#till")
    await kiosk.locator("#scan").type(card + "\n", delay=5)
    await expect(kiosk.locator("#c-head")).to_have_text(HEAD)
    await expect(kiosk.locator("#c-balance")).to_have_text("0")
    await kiosk.screenshot(path=screenshots() / "setup-kiosk.png")

    phone = await browser.new_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    await phone.goto(f"{township_server}/me.html")
    await phone.fill("input[name=village]", "XHX")
    await phone.fill("input[name=number]", "XHX-001")
    await phone.fill("input[name=pin]", "2468")
    await phone.click("#login button[type=submit]")
    first = phone.locator("#pin-first")  # the committee chose that PIN: a new one comes first
    await first.locator("input[name=current]").fill("2468")
    await first.locator("input[name=new_pin]").fill("9753")
    await first.locator("input[name=repeat]").fill("9753")
    await first.locator("button[type=submit]").click()
    await expect(phone.locator("#head")).to_have_text(HEAD)
    await phone.screenshot(path=screenshots() / "setup-villager.png")
    await browser.close()
    assert village_id > 0
