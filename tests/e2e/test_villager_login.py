"""The villager page's login on a 360×740 phone forgives what people type (issue 18): the
village by name or code in any case, the 户号 with or without the village prefix, spaces
trimmed; anything wrong gets the one refusal 户号或 PIN 不正确. Opened from a PIN letter's QR the
village is fixed (read-only, with a way to change it); a PIN someone else chose is replaced
first; and every member's phone shows the same household with its head named."""

from __future__ import annotations

from playwright.async_api import Page, ViewportSize, expect

from backend.audit.services import CLI_ACTOR
from backend.cards import pin_changes, pins
from backend.registry import services as registry
from tests.e2e.conftest import Launch, screenshots
from tests.e2e.test_villager_live import SMALL_TEXTS
from tests.factories import make_town, unique

PHONE: ViewportSize = {"width": 360, "height": 740}


async def village_with_household() -> tuple[str, str, int, int]:
    """A village (its name and code) whose household <CODE>-001, head 王建国, has PIN 4321."""
    code = unique("L")
    name = "西" + unique("黄")[-5:] + "村"
    village = await registry.create_village(CLI_ACTOR, (await make_town()).id, name=name, code=code)
    household = await registry.create_household(
        CLI_ACTOR,
        village.id,
        {"number": f"{code}-001", "head_name": "王建国"},
        [{"name": "王建国", "relation": "户主"}, {"name": "王小明", "relation": "子女"}],
    )
    await pin_changes.set_pin(CLI_ACTOR, village.id, household.id, "4321")
    return name, code, village.id, household.id


async def log_in(page: Page, village: str | None, number: str, pin: str) -> None:
    """Type what a villager types into the visible form and press 登录."""
    if village is not None:
        await page.get_by_label("村名或村代码").fill(village)
    await page.get_by_label("户号", exact=True).fill(number)
    await page.get_by_label("PIN", exact=True).fill(pin)
    await page.get_by_role("button", name="登录", exact=True).click()


async def test_login_forgives_what_people_type_and_refuses_the_rest_alike(
    server_url: str, launch_browser: Launch
) -> None:
    name, code, _, _ = await village_with_household()
    browser = await launch_browser()
    page = await browser.new_page(viewport=PHONE, locale="zh-CN")
    await page.goto(f"{server_url}/me.html")
    village = page.get_by_label("村名或村代码")
    await expect(village).to_have_value("")  # no demo village filled in
    await expect(village).to_be_editable()

    refusal = page.locator("#login-error")
    for wrong in [("NOWHERE", "001", "4321"), (code, "002", "4321"), (name, "001", "1234")]:
        await log_in(page, *wrong)
        await expect(refusal).to_have_text("户号或 PIN 不正确。")
        await expect(page.locator("#app")).to_be_hidden()
    await page.screenshot(path=screenshots() / "villager-login-refused.png")

    for typed in [
        (name, "001"),
        (code.lower(), f"{code.lower()}-001"),
        (f" {code} ", f" {code}-001 "),
        (name.removesuffix("村"), f"{code}-001"),
    ]:
        await page.goto(f"{server_url}/me.html")
        await log_in(page, typed[0], typed[1], "4321")
        await expect(page.locator("#app")).to_be_visible()
        await expect(page.locator("#head")).to_have_text("王建国")
        await expect(page.locator("#number")).to_have_text(f"{code}-001")
        await page.get_by_role("button", name="退出").click()
        await expect(page.locator("#login")).to_be_visible()
    await browser.close()


async def test_from_the_letters_qr_the_village_is_fixed_and_a_new_pin_comes_first(
    server_url: str, launch_browser: Launch
) -> None:
    _, code, village_id, household_id = await village_with_household()
    await pin_changes.set_pin(CLI_ACTOR, village_id, household_id, "135790", must_change=True)
    browser = await launch_browser()
    page = await browser.new_page(viewport=PHONE, locale="zh-CN")
    await page.goto(f"{server_url}/me.html?village={code}")
    village = page.get_by_label("村名或村代码")
    await expect(village).to_have_value(code)
    await expect(village).not_to_be_editable()
    await expect(page.get_by_role("link", name="换一个村")).to_be_visible()
    await page.screenshot(path=screenshots() / "villager-login-from-qr.png")
    await page.get_by_role("button", name="大字").click()  # the login form in elder mode too
    await expect(page.locator("body")).to_have_class("elder")
    assert await page.evaluate(SMALL_TEXTS) == []
    await page.screenshot(path=screenshots() / "villager-login-elder.png")

    await page.get_by_role("link", name="换一个村").click()
    await expect(village).to_be_editable()
    await expect(village).to_have_value("")
    await page.goto(f"{server_url}/me.html?village={code}")
    await log_in(page, None, "001", "135790")
    first = page.locator("#pin-first")
    await expect(first).to_be_visible()
    await expect(page.locator("#app")).to_be_hidden()
    await first.get_by_label("现在的 PIN").fill("135790")
    await first.get_by_label("新 PIN（4–6 位数字）").fill("246802")
    await first.get_by_label("再输一次新 PIN").fill("246802")
    await first.get_by_role("button", name="保存新 PIN").click()
    await expect(page.locator("#app")).to_be_visible()
    assert not await pins.pin_must_change(village_id, household_id)
    await browser.close()


async def test_every_member_logs_in_with_the_households_pin_and_sees_its_head(
    server_url: str, launch_browser: Launch
) -> None:
    name, code, _, _ = await village_with_household()
    browser = await launch_browser()
    phones = []
    for typed in [(code, f"{code}-001"), (name, "001")]:  # the head's phone, the son's phone
        context = await browser.new_context(viewport=PHONE, locale="zh-CN")
        phone = await context.new_page()
        await phone.goto(f"{server_url}/me.html")
        await log_in(phone, typed[0], typed[1], "4321")
        await expect(phone.locator("#summary .who")).to_have_text(f"户主 王建国 {code}-001")
        phones.append(phone)
    await phones[1].screenshot(path=screenshots() / "villager-member-sees-head.png")
    await browser.close()
