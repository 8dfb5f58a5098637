"""Screenshots for the README: a demo township served on the embedded defaults, photographed in
headless Chromium. Run ``scripts/screenshots`` for every picture, or name some
(``scripts/screenshots villager-home console-cross``); they land in ``docs/screenshots/``.

Chromium is given the CJK font the package ships (through a fontconfig file), so the pictures
show Chinese even on a host with no Chinese fonts installed.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.async_api import Browser, async_playwright

from scripts.bench.common import ROOT, start_server

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FONTS = ROOT / "backend" / "assets" / "fonts"
PASSWORD = "jifen-demo"


def demo_env() -> dict[str, str]:
    var = Path(tempfile.mkdtemp(prefix="jifen-shots-"))
    env = {**os.environ, "JIFEN_VAR_DIR": str(var), "JIFEN_REDIS_URL": "memory://"}
    env.pop("JIFEN_DATABASE_URL", None)
    for command in ("migrate", "demo"):
        subprocess.run(
            [sys.executable, "-m", "backend", command],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return env


def font_config(folder: Path) -> Path:
    """A fontconfig file: the host's fonts plus the shipped CJK font."""
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        '<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{FONTS}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n"
    )
    return path


async def kiosk(browser: Browser, url: str, card: str) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(f"{url}/shop.html")
    await page.fill("input[name=username]", "xhx_shop")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("#login button[type=submit]")
    await page.wait_for_selector("#till:not([hidden])")
    await page.locator("#scan").type(card + "\n")
    await page.wait_for_selector("#customer:not([hidden])")
    for product in (await page.query_selector_all(".product"))[2:4]:
        await product.click()
    await page.screenshot(path=OUT / "kiosk.png")


async def notice_board(browser: Browser, url: str, card: str) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(f"{url}/board.html?village=XHX")
    await page.wait_for_selector("#red li")
    await page.screenshot(path=OUT / "notice-board.png")


async def verify(browser: Browser, url: str, card: str) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(f"{url}/board.html?village=XHX")
    board = await page.evaluate("fetch('/api/v1/public/villages/XHX/screen').then(r => r.json())")
    await page.goto(f"{url}/verify.html?board={board['board']['public_id']}")
    await page.wait_for_selector("#red li")
    await page.screenshot(path=OUT / "verify.png", full_page=True)


async def villager_home(browser: Browser, url: str, card: str) -> None:
    """XHX-002 (PIN 1234): a star in October and October's board."""
    page = await browser.new_page(viewport={"width": 360, "height": 640}, locale="zh-CN")
    await page.goto(f"{url}/me.html")
    await page.fill("input[name=number]", "XHX-002")
    await page.fill("input[name=pin]", "1234")
    await page.click("#login button[type=submit]")
    await page.wait_for_selector("#board-red li")
    await page.screenshot(path=OUT / "villager-home.png", full_page=True)


async def console_cross(browser: Browser, url: str, card: str) -> None:
    """The demo's November cross-evaluation: a typed-in sheet and the computed results."""
    page = await browser.new_page(viewport={"width": 1280, "height": 1200}, locale="zh-CN")
    await page.goto(f"{url}/console.html")
    await page.fill("#login input[name=username]", "xhx_committee")
    await page.fill("#login input[name=password]", PASSWORD)
    await page.click("#login button[type=submit]")
    await page.wait_for_selector("#app:not([hidden])")
    await page.click("#tabs button[data-tab=cross]")
    await page.wait_for_selector("#cross-sheet input")
    await page.click("#cross-compute")
    await page.wait_for_selector("#cross-results td")
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=OUT / "console-cross.png")


Shot = Callable[[Browser, str, str], Awaitable[None]]
SHOTS: dict[str, Shot] = {
    "notice-board": notice_board,
    "kiosk": kiosk,
    "verify": verify,
    "villager-home": villager_home,
    "console-cross": console_cross,
}


async def shoot(url: str, card: str, names: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jifen-fonts-") as folder:
        fonts = font_config(Path(folder))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=ARGS,
                env={**os.environ, "FONTCONFIG_FILE": str(fonts)},
            )
            for name in names:
                await SHOTS[name](browser, url, card)
            await browser.close()


def card_of_first_household(env: dict[str, str]) -> str:
    code = (
        "import asyncio\nfrom backend import db\nfrom backend.cards import issuing\n"
        "async def main():\n    await db.start()\n"
        "    print(await issuing.card_payload(1, 2))\nasyncio.run(main())\n"
    )
    return (
        subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def main() -> None:
    names = sys.argv[1:] or list(SHOTS)
    unknown = set(names) - set(SHOTS)
    if unknown:
        sys.exit(f"unknown screenshot(s) {sorted(unknown)}; known: {', '.join(SHOTS)}")
    env = demo_env()
    card = card_of_first_household(env)
    server, url = start_server(env)
    try:
        asyncio.run(shoot(url, card, names))
    finally:
        server.terminate()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
