"""An empty database of the run's engine for ``jifen setup`` (the suite's own one is full of
test villages): a fresh SQLite file, or a scratch PostgreSQL database dropped afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import asyncpg
import pytest

from backend.db import postgres_config
from backend.settings import get_settings
from tests.factories import PASSWORD


@dataclass(frozen=True)
class EmptyDatabase:
    env: dict[str, str]

    def jifen(
        self, *args: str, answers: str = "", language: str = "zh-CN"
    ) -> subprocess.CompletedProcess[str]:
        """The command as an operator runs it, the answers piped to its standard input."""
        return subprocess.run(
            [sys.executable, "-m", "backend", *args],
            input=answers,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
            env={**self.env, "JIFEN_LANGUAGE": language},
        )


@pytest.fixture
async def empty_database(tmp_path: Path) -> AsyncIterator[EmptyDatabase]:
    settings = get_settings()
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env.update(
        JIFEN_VAR_DIR=str(tmp_path),
        JIFEN_REDIS_URL=settings.redis_url,
        JIFEN_SECRET_KEY=settings.secret_key,
    )
    if settings.is_sqlite:
        env["JIFEN_DATABASE_URL"] = f"sqlite:///{tmp_path / 'township.sqlite'}"
        yield EmptyDatabase(env)
        return
    name = f"{postgres_config(settings.database_url)['database'][:30]}_setup_{uuid.uuid4().hex[:6]}"
    server = await asyncpg.connect(**postgres_config(settings.database_url))
    await server.execute(f'CREATE DATABASE "{name}"')
    env["JIFEN_DATABASE_URL"] = urlparse(settings.database_url)._replace(path=f"/{name}").geturl()
    try:
        yield EmptyDatabase(env)
    finally:
        await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await server.close()


def township_answers(*, public_url: str = "", roster: str = "") -> str:
    """One town, two villages (one with no moral groups; ``roster`` the file of 西黄须村's
    households, if any), a town admin, committee members and a shopkeeper: every password the
    tests' own."""
    lines = [
        "洪井镇",
        "hjz",
        "XHX",
        "西黄须村",
        "一网格、二网格",
        "第一道德小组，第二道德小组",
        roster,
        "DHX",
        "东黄须村",
        "东一网格",
        "",
        "",
        "",
        "hjz_admin",
        "张镇长",
        PASSWORD,
        "xhx_committee",
        "李村委",
        PASSWORD,
        "xhx_committee2",
        "赵村委",
        PASSWORD,
        "",
        "xhx_shop",
        "王丽",
        PASSWORD,
        "",
        "dhx_committee",
        "陈村委",
        PASSWORD,
        "",
        "",
        public_url,
        "y",
    ]
    return "\n".join(lines) + "\n"
