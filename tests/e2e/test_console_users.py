"""The console's accounts screen (账号管理) in Chromium at the committee's PC size: a committee
member gives the shopkeeper a new password (their logins end), deactivates a grid officer (who
can no longer log in) and sees that another committee member's account is the town admin's."""

from __future__ import annotations

import httpx
from playwright.async_api import expect

from backend import db
from backend.auth.principal import Role
from backend.auth.services import SET_DISPLAY_NAME_SQL
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import PASSWORD, make_place, make_town, make_user

NEW_PASSWORD = "桂花开了-shop-2026"


async def test_committee_keeps_its_village_s_accounts(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    other_committee, _token, _name = await make_user(Role.committee, place)
    await db.fetch(
        SET_DISPLAY_NAME_SQL, display_name="张会计", user=place.user_ids[Role.shopkeeper]
    )
    browser = await launch_browser()
    page = await browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", place.usernames[Role.committee], "#app")
    await page.click("#tabs button[data-tab=users]")
    shop_row = page.locator(f"#user-{place.user_ids[Role.shopkeeper]}")
    await expect(shop_row).to_contain_text("超市管理员")
    # People by their names; the username they log in with beneath.
    await expect(shop_row.locator("td.person strong")).to_have_text("张会计")
    await expect(shop_row.locator("td.person small")).to_have_text(place.usernames[Role.shopkeeper])
    await expect(page.locator(f"#user-{other_committee}")).to_contain_text("由镇管理员管理")
    await expect(page.locator(f"#user-{place.user_ids[Role.committee]}")).to_contain_text("本人")

    await shop_row.locator("input[type=password]").fill("1234567890")
    await shop_row.get_by_role("button", name="设新密码").click()
    await expect(page.locator("#error")).to_contain_text("太常见")
    await shop_row.locator("input[type=password]").fill(NEW_PASSWORD)
    await shop_row.get_by_role("button", name="设新密码").click()
    await expect(page.locator("#users-said")).to_contain_text("张会计")
    await expect(page.locator("#users-said")).to_contain_text("所有登录已失效")
    await expect(page.locator("#error")).to_be_hidden()
    async with httpx.AsyncClient(base_url=server_url) as client:
        old = await client.get("/api/v1/auth/me", headers=place.headers(Role.shopkeeper))
        assert old.status_code == 401
        relogin = await client.post(
            "/api/v1/auth/login",
            json={"username": place.usernames[Role.shopkeeper], "password": NEW_PASSWORD},
        )
        assert relogin.status_code == 201

    grid_row = page.locator(f"#user-{place.user_ids[Role.grid_officer]}")

    # Asked in the page's own dialog (no browser confirm()); cancelling changes nothing.
    await grid_row.get_by_role("button", name="停用").click()
    asked = page.locator("dialog.in-page")
    await expect(asked).to_contain_text("立即无法登录")
    await asked.get_by_role("button", name="取消").click()
    await expect(asked).to_have_count(0)
    await expect(grid_row.get_by_role("button", name="停用")).to_be_visible()
    await grid_row.get_by_role("button", name="停用").click()
    await page.screenshot(path=screenshots() / "console-users-deactivate.png")
    await asked.get_by_role("button", name="停用").click()
    await expect(grid_row).to_contain_text("已停用")
    await expect(grid_row.get_by_role("button", name="启用")).to_be_visible()
    await page.screenshot(path=screenshots() / "console-users.png")

    grid_page = await browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    await grid_page.goto(f"{server_url}/console.html")
    await grid_page.fill("#login input[name=username]", place.usernames[Role.grid_officer])
    await grid_page.fill("#login input[name=password]", PASSWORD)
    await grid_page.click("#login button[type=submit]")
    await expect(grid_page.locator("#error")).to_contain_text("用户名或密码不正确")
    await browser.close()
