"""``/health`` reports each dependency and answers 503 when one is down."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from redis.asyncio import Redis

from backend import cache, db


async def test_healthy(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok"}


async def test_redis_down_is_503(client: AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    monkeypatch.setattr(cache, "redis", lambda: dead)
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "down"}


async def test_database_down_is_503(client: AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from piccolo.engine.postgres import PostgresEngine

    unreachable = PostgresEngine(
        config={"host": "127.0.0.1", "port": 1, "database": "x", "user": "x", "timeout": 0.5},
        extensions=(),
    )
    monkeypatch.setattr(db, "engine", lambda: unreachable)
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


async def test_openapi_and_docs_are_served(client: AsyncClient) -> None:
    document = await client.get("/api/schema/openapi.json")
    assert document.status_code == 200
    assert "/api/v1/villages/{village_id}/households" in document.json()["paths"]
    docs = await client.get("/api/docs", follow_redirects=True)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


async def test_unknown_route_is_a_problem_not_a_traceback(client: AsyncClient) -> None:
    response = await client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
