"""End-to-end: the real server process (the entry point ``scripts/serve`` uses) on the test
database, driven by Debian's Chromium through Playwright.

Without Chromium the tests skip — except in CI (``CI=true``), where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from backend.settings import get_settings, is_ci

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def require_browser() -> None:
    if not Path(CHROMIUM).exists():
        message = "Chromium is not installed (apt-get install chromium)"
        if is_ci():
            pytest.fail(message)
        pytest.skip(message)


def screenshots() -> Path:
    """Where the e2e tests leave what they saw (``var/`` of the test run; the README's pictures
    are copied from there)."""
    folder = get_settings().var_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """``python -m backend serve`` on a free port, sharing the tests' database and Redis."""
    require_browser()
    settings = get_settings()
    port = free_port()
    env = {**os.environ, "JIFEN_PORT": str(port), "JIFEN_HOST": "127.0.0.1",
           "JIFEN_DATABASE_URL": settings.database_url, "JIFEN_REDIS_URL": settings.redis_url,
           "JIFEN_SECRET_KEY": settings.secret_key, "JIFEN_VAR_DIR": str(settings.var_dir)}
    log = open(settings.var_dir / "e2e-server.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen([sys.executable, "-m", "backend", "serve"], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise RuntimeError((settings.var_dir / "e2e-server.log").read_text())
            time.sleep(0.2)
        else:
            raise RuntimeError("the server did not become healthy")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


Launch = Callable[..., Awaitable[Browser]]


@pytest.fixture(scope="session")
async def launch_browser() -> AsyncIterator[Launch]:
    """Start Chromium with extra flags (a fake camera, say); all are closed at the end."""
    require_browser()
    async with async_playwright() as playwright:
        launched: list[Browser] = []

        async def launch(*extra: str) -> Browser:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                       args=[*ARGS, *extra])
            launched.append(browser)
            return browser

        yield launch
        for browser in launched:
            await browser.close()
