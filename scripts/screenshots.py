"""Screenshots for the README: a demo township served on the embedded defaults, photographed in
headless Chromium. Run ``scripts/screenshots``; the pictures land in ``docs/screenshots/``."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from scripts.bench.common import ROOT, start_server

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def demo_env() -> dict[str, str]:
    var = Path(tempfile.mkdtemp(prefix="jifen-shots-"))
    env = {**os.environ, "JIFEN_VAR_DIR": str(var), "JIFEN_REDIS_URL": "memory://"}
    env.pop("JIFEN_DATABASE_URL", None)
    for command in ("migrate", "demo"):
        subprocess.run([sys.executable, "-m", "backend", command], env=env, cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
    return env


async def shoot(url: str, card: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(f"{url}/board.html?village=XHX")
        await page.wait_for_selector("#red li")
        await page.screenshot(path=OUT / "notice-board.png")
        await page.goto(f"{url}/shop.html")
        await page.fill("input[name=username]", "xhx_shop")
        await page.fill("input[name=password]", "jifen-demo")
        await page.click("#login button[type=submit]")
        await page.wait_for_selector("#till:not([hidden])")
        await page.locator("#scan").type(card + "\n")
        await page.wait_for_selector("#customer:not([hidden])")
        for product in (await page.query_selector_all(".product"))[:2]:
            await product.click()
        await page.screenshot(path=OUT / "kiosk.png")
        board = await page.evaluate(
            "fetch('/api/v1/public/villages/XHX/screen').then(r => r.json())")
        await page.goto(f"{url}/verify.html?board={board['board']['id']}")
        await page.wait_for_selector("#red li")
        await page.screenshot(path=OUT / "verify.png", full_page=True)
        await browser.close()


def card_of_first_household(env: dict[str, str]) -> str:
    code = ("import asyncio\nfrom backend import db\nfrom backend.cards import services\n"
            "async def main():\n    await db.start()\n"
            "    print(await services.card_payload(1, 2))\nasyncio.run(main())\n")
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]


def main() -> None:
    env = demo_env()
    card = card_of_first_household(env)
    server, url = start_server(env)
    try:
        asyncio.run(shoot(url, card))
    finally:
        server.terminate()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
