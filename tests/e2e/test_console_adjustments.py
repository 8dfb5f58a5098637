"""Four eyes on big adjustments through the visible console at 1366×768 (issue 17): one
committee member proposes (the household picked by its head's name), sees their own request
without the buttons and why; a second member approves one (the balance shows the change) and
refuses another — a refusal without a reason is refused next to the field, and the reason is
then shown to both. People appear by their display names."""

from __future__ import annotations

from playwright.async_api import Page, ViewportSize, expect

from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.ledger import services as ledger
from tests.e2e.conftest import Launch, log_in_at, screenshots
from tests.factories import PASSWORD, Place, make_place, make_town, unique

PC: ViewportSize = {"width": 1366, "height": 768}


async def committee_member(place: Place, display_name: str) -> str:
    username = unique("c").lower()
    await auth.create_user(
        CLI_ACTOR,
        username,
        PASSWORD,
        [Grant(Role.committee, village_id=place.village_id)],
        display_name=display_name,
    )
    return username


async def propose(page: Page, who: str, amount: str, reason: str) -> None:
    form = page.locator("#adjust-form")
    await form.locator("input[name=number]").fill(who)
    await form.locator("input[name=amount]").fill(amount)
    await form.locator("input[name=reason]").fill(reason)
    await form.locator("button[type=submit]").click()
    dialog = page.locator("dialog.in-page")
    await expect(dialog).to_contain_text("须由另一位村委批准")
    await dialog.get_by_role("button", name="提交申请").click()
    await expect(dialog).to_have_count(0)
    await expect(page.locator("#adjust-result")).to_contain_text("已提交申请")


async def test_propose_approve_and_refuse_with_a_reason(
    server_url: str, launch_browser: Launch
) -> None:
    place = await make_place((await make_town()).id)
    vid = place.village_id
    h1 = place.households[0]
    first = await committee_member(place, "周国平")
    second = await committee_member(place, "吴桂兰")
    browser = await launch_browser()

    page = await browser.new_page(viewport=PC, locale="zh-CN")
    await log_in_at(page, server_url, "console.html", first, "#app")
    await page.click("#tabs button[data-tab=ledger]")
    await expect(page.locator("#ledger")).to_have_attribute("aria-busy", "false")
    await expect(page.locator("#request-limit")).to_contain_text("超过 100 分")
    await propose(page, h1.head_name, "500", "修缮村祠堂义务出工 20 天")
    await propose(page, h1.number, "-300", "上月垃圾分类检查漏登")
    mine = page.locator("#request-list li")
    await expect(mine).to_have_count(2)
    for n in range(2):
        await expect(mine.nth(n)).to_contain_text("这是您提出的申请，须由另一位村委批准或不批准。")
        await expect(mine.nth(n).get_by_role("button")).to_have_count(0)
    await expect(mine.nth(1)).to_contain_text(f"户号 {h1.number} {h1.head_name}：+500 分")
    await expect(mine.nth(1)).to_contain_text("周国平 提出")
    await page.screenshot(path=screenshots() / "console-adjust-request-own.png")
    assert await ledger.balance(vid, h1.id) == 0

    other = await browser.new_page(viewport=PC, locale="zh-CN")
    await log_in_at(other, server_url, "console.html", second, "#app")
    await other.click("#tabs button[data-tab=ledger]")
    waiting = other.locator("#request-list li")
    await expect(waiting).to_have_count(2)
    dialog = other.locator("dialog.in-page")
    big = waiting.filter(has_text="+500")
    await big.get_by_role("button", name="批准入账").click()
    await expect(dialog).to_contain_text("修缮村祠堂义务出工 20 天（周国平 提出）")
    await dialog.get_by_role("button", name="批准入账").click()
    await expect(other.locator("#adjust-result")).to_have_text(
        f"已批准并入账：户号 {h1.number} +500 分，现有 500 分。"
    )
    assert await ledger.balance(vid, h1.id) == 500

    await waiting.filter(has_text="-300").get_by_role("button", name="不批准").click()
    await dialog.get_by_role("button", name="不批准").click()
    note = dialog.locator("label", has_text="不批准的理由").locator(".field-error")
    await expect(note).to_have_text("请写明理由。")
    await other.screenshot(path=screenshots() / "console-adjust-refuse-needs-reason.png")
    await dialog.get_by_label("不批准的理由").fill("检查记录里这一户是合格的")
    await dialog.get_by_role("button", name="不批准").click()
    await expect(dialog).to_have_count(0)
    await expect(other.locator("#request-empty")).to_be_visible()
    history = other.locator("#request-history tr")
    await expect(history).to_have_count(3)
    refused = history.filter(has_text="-300")
    for words in ("未批准", "周国平", "吴桂兰", "检查记录里这一户是合格的"):
        await expect(refused).to_contain_text(words)
    await expect(history.filter(has_text="+500")).to_contain_text("已批准")
    await other.screenshot(path=screenshots() / "console-adjust-requests.png")
    assert await ledger.balance(vid, h1.id) == 500

    # The proposer reads the reason on their own screen.
    await page.click("#tabs button[data-tab=audit]")
    await page.click("#tabs button[data-tab=ledger]")
    await expect(page.locator("#request-history tr", has_text="-300")).to_contain_text(
        "检查记录里这一户是合格的"
    )
    await browser.close()
