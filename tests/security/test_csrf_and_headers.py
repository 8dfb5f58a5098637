"""Findings 6 and 12: cross-site writes refused, security headers on every answer, HSTS and
Secure cookies under HTTPS, and paths that give no 500 and forge no log line (issue 15)."""

from __future__ import annotations

import json
import logging

import httpx
from httpx import AsyncClient

from backend.app import create_app
from backend.auth.principal import Role
from backend.settings import get_settings
from tests.asgi import plain_asgi
from tests.factories import PASSWORD, World, unique
from tests.security.conftest import ClientAt, new_address

LOGIN = "/api/v1/auth/login"


async def logged_in(client: AsyncClient, world: World) -> str:
    """Log the client in as a committee member (by cookie); returns the users URL."""
    answer = await client.post(
        LOGIN, json={"username": world.a.usernames[Role.committee], "password": PASSWORD}
    )
    assert answer.status_code == 201, answer.text
    return f"/api/v1/villages/{world.a.village_id}/users/"


def new_user() -> dict[str, str]:
    return {
        "username": unique("csrf").lower(),
        "password": "long-enough-pass",
        "role": "shopkeeper",
    }


async def test_a_cookie_write_from_another_origin_is_refused(
    client_at: ClientAt, world: World
) -> None:
    async with client_at(new_address()) as browser:
        users = await logged_in(browser, world)
        other_port = {"Origin": "http://testserver:8081", "Content-Type": "text/plain"}
        refused = [
            await browser.post(users, content=json.dumps(new_user()), headers=other_port),
            await browser.post(users, json=new_user(), headers={"Sec-Fetch-Site": "same-site"}),
            await browser.post(users, json=new_user(), headers={"Sec-Fetch-Site": "cross-site"}),
            await browser.post(
                users, json=new_user(), headers={"Origin": "http://testserver:8081"}
            ),
        ]
        as_form = await browser.post(
            users, content=json.dumps(new_user()), headers={"Content-Type": "text/plain"}
        )
        own_page = await browser.post(
            users,
            json=new_user(),
            headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        )
    assert [(r.status_code, r.json()["code"]) for r in refused] == [
        (403, "cross_origin_refused")
    ] * 4
    assert refused[0].json()["detail"].startswith("请求来自其他网页")
    assert (as_form.status_code, as_form.json()["code"]) == (415, "unsupported_media_type")
    assert own_page.status_code == 201, own_page.text


async def test_every_answer_carries_the_security_headers(client: AsyncClient) -> None:
    for path in (
        "/",
        "/console.html",
        "/me.html",
        "/shop.html",
        "/receipt.html",
        "/js/api.js",
        "/api/v1/auth/me",
        "/health",
        "/no-such-page",
    ):
        answer = await client.get(path)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp, path
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in answer.headers
    docs = await client.get("/api/schema/swagger")
    assert docs.headers["content-security-policy"] == "frame-ancestors 'none'"


async def test_under_https_cookies_are_secure_and_hsts_is_sent(world: World) -> None:
    transport = httpx.ASGITransport(
        app=plain_asgi(create_app(background_jobs=False)), client=(new_address(), 50000)
    )
    async with AsyncClient(transport=transport, base_url="https://testserver") as browser:
        answer = await browser.post(
            LOGIN, json={"username": world.a.usernames[Role.committee], "password": PASSWORD}
        )
    assert answer.headers["strict-transport-security"].startswith("max-age=")
    cookies = answer.headers.get_list("set-cookie")
    assert len(cookies) == 2 and all("Secure" in c for c in cookies)


async def test_a_nul_byte_in_a_path_and_deep_json_are_the_callers_mistake(
    client: AsyncClient,
) -> None:
    for path in ("/%00", "/js/%00.js", "/api/v1/auth/me%00"):
        assert (await client.get(path)).status_code == 404, path
    deep = await client.post(
        LOGIN, content="[" * 100_000 + "]" * 100_000, headers={"Content-Type": "application/json"}
    )
    assert (deep.status_code, deep.json()["code"]) == (400, "invalid_input")


async def test_a_newline_in_a_path_cannot_forge_a_log_line(server_url: str) -> None:
    forged = 'INFO:     127.0.0.1:1 - "POST /api/v1/auth/login HTTP/1.1" 201 Created'
    async with AsyncClient() as client:
        answer = await client.get(f"{server_url}/x%0a{forged.replace(' ', '%20')}")
    assert answer.status_code == 404
    log = (get_settings().var_dir / "e2e-server.log").read_text()
    assert not any(line.startswith(forged) for line in log.splitlines())


def test_the_apps_own_log_lines_escape_control_characters() -> None:
    create_app(background_jobs=False)
    logger = logging.getLogger("jifen.http")
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        logger.warning("unexpected error on %s %s", "GET", "/x\nINFO forged\r")
    finally:
        logger.removeHandler(handler)
    assert seen == ["unexpected error on GET /x\\x0aINFO forged\\x0d"]
