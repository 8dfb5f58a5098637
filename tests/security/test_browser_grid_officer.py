"""Issue 15 #12 in Chromium at the committee's PC size: a grid officer account left without a
grid (an earlier database) is told in words that it sees no household; the committee sees the
missing grid on the accounts screen and assigns it; the officer then sees their grid."""

from __future__ import annotations

from playwright.async_api import ViewportSize, expect

from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.auth.tables import RoleGrant
from tests.e2e.conftest import Launch, launch_browser, log_in_at, screenshots  # noqa: F401
from tests.factories import PASSWORD, make_place, make_town, unique


async def test_the_committee_gives_a_gridless_officer_their_grid(
    server_url: str,
    launch_browser: Launch,  # noqa: F811
) -> None:
    place = await make_place((await make_town()).id)
    name = unique("oldgrid").lower()
    user_id = await auth.create_user(
        CLI_ACTOR,
        name,
        PASSWORD,
        [Grant(Role.committee, village_id=place.village_id)],
        display_name="老网格员",
    )
    await (
        RoleGrant.update({RoleGrant.role: Role.grid_officer.value})
        .where(RoleGrant.user == user_id)
        .run()
    )  # as an earlier database left it: no grid
    browser = await launch_browser()
    size: ViewportSize = {"width": 1366, "height": 768}
    officer = await (await browser.new_context(viewport=size, locale="zh-CN")).new_page()
    await log_in_at(officer, server_url, "console.html", name, "#app")
    await expect(officer.locator("#no-grid")).to_be_visible()
    await expect(officer.locator("#no-grid")).to_contain_text("还没有分配网格")
    await officer.click("#tabs button[data-tab=households]")
    await expect(officer.locator("#household-count")).to_have_text("共 0 户")
    await officer.screenshot(path=screenshots() / "security-grid-officer-without-grid.png")

    committee = await (await browser.new_context(viewport=size, locale="zh-CN")).new_page()
    await log_in_at(committee, server_url, "console.html", place.usernames[Role.committee], "#app")
    await committee.click("#tabs button[data-tab=users]")
    row = committee.locator(f"#user-{user_id}")
    await expect(row.locator("td.grid-of")).to_contain_text("未分配网格")
    await committee.screenshot(path=screenshots() / "security-users-grid-missing.png")
    await row.locator("select").select_option(label="一网格")
    await row.get_by_role("button", name="分配网格").click()
    await expect(committee.locator("#users-said")).to_contain_text("老网格员 现在负责 一网格")
    await expect(row.locator("td.grid-of span")).to_have_text("一网格")
    await committee.screenshot(path=screenshots() / "security-users-grid-assigned.png")

    await officer.reload()
    await expect(officer.locator("#app")).to_be_visible()
    await expect(officer.locator("#no-grid")).to_be_hidden()
    await officer.click("#tabs button[data-tab=households]")
    await expect(officer.locator("#household-list tr")).to_have_count(3)  # header, H1, H2
    await browser.close()
