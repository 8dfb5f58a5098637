"""Every page opens its session the same way (kiosk/js/api.js ``openSession``): a refused login is
shown where the page shows refusals, a good one opens the page, and logging out brings the form
back."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import pin_changes
from backend.registry import services as registry
from tests.e2e.conftest import Launch
from tests.factories import PASSWORD, Place, make_place, make_town

WRONG_PASSWORD = "用户名或密码不正确。"


async def log_in_as(page: Page, place: Place, role: Role, password: str) -> None:
    await page.fill("#login input[name=username]", place.usernames[role])
    await page.fill("#login input[name=password]", password)
    await page.click("#login button[type=submit]")


@pytest.mark.parametrize(
    ("address", "role", "error", "opened"),
    [
        ("shop.html", Role.shopkeeper, "#login-error", "#till"),
        ("checkin.html", Role.grid_officer, "#login-error", "#desk"),
        ("console.html", Role.committee, "#error", "#app"),
    ],
)
async def test_staff_pages_refuse_log_in_and_log_out_alike(
    server_url: str,
    launch_browser: Launch,
    address: str,
    role: Role,
    error: str,
    opened: str,
) -> None:
    place = await make_place((await make_town()).id)
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    await page.goto(f"{server_url}/{address}")
    await log_in_as(page, place, role, "not-the-password")
    await expect(page.locator(error)).to_have_text(WRONG_PASSWORD)
    await expect(page.locator(opened)).to_be_hidden()
    await log_in_as(page, place, role, PASSWORD)
    await expect(page.locator(opened)).to_be_visible()
    await expect(page.locator("#login")).to_be_hidden()
    await page.click("#logout")
    await expect(page.locator("#login")).to_be_visible()
    await expect(page.locator(opened)).to_be_hidden()
    await page.close()


async def test_the_villager_page_says_what_a_pin_looks_like_then_logs_in_and_out(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id, with_users=False)
    household = place.households[0]
    await pin_changes.set_pin(CLI_ACTOR, place.village_id, household.id, "2580")
    code = (await registry.village(place.village_id)).code
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 360, "height": 640}, locale="zh-CN")
    await page.goto(f"{server_url}/me.html")
    await page.fill("input[name=village]", code)
    await page.fill("input[name=number]", household.number)
    for pin, refusal in (("12a", "PIN 必须是 4 到 6 位数字。"), ("0000", "户号或 PIN 不正确。")):
        await page.fill("input[name=pin]", pin)
        await page.click("#login button[type=submit]")
        await expect(page.locator("#login-error")).to_have_text(refusal)
    await page.fill("input[name=pin]", "2580")
    await page.click("#login button[type=submit]")
    await expect(page.locator("#app")).to_be_visible()
    await expect(page.locator("#login-error")).to_have_text("")
    await page.click("#logout")
    await expect(page.locator("#login")).to_be_visible()
    await page.close()
