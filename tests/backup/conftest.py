"""Each backup test gets a township in a database of its own (see township.py for why): a file
under the test's tmp_path on SQLite, a scratch database beside the test database on PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import asyncpg
import pytest

from backend.db import postgres_config
from backend.settings import get_settings

HEAD_ROW = re.compile(r"│\s*(\d+)\s*│\s*(\d+)\s*│\s*([0-9a-f]{12})\s*│")


def printed_heads(output: str) -> dict[int, tuple[int, str]]:
    """The chain heads a backup or restore printed: village → (seq, first 12 hex)."""
    return {int(v): (int(seq), prefix) for v, seq, prefix in HEAD_ROW.findall(output)}


@dataclass
class Township:
    database_url: str
    var_dir: Path
    place: dict[str, Any]

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "JIFEN_DATABASE_URL": self.database_url,
            "JIFEN_VAR_DIR": str(self.var_dir),
            "JIFEN_REDIS_URL": "memory://",
            "COLUMNS": "200",
        }

    @property
    def village(self) -> int:
        return int(self.place["village_id"])

    @property
    def backups(self) -> Path:
        return self.var_dir / "backups"

    def jifen(
        self,
        *args: str,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """The command line, as an operator runs it against this township."""
        return subprocess.run(
            [sys.executable, "-m", "backend", *args],
            capture_output=True,
            text=True,
            env=env or self.env,
            check=False,
            timeout=120,
        )

    def write(self, *args: str) -> str:
        """One of township.py's writers, in its own process; returns what it printed."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.backup.township", *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=True,
            timeout=120,
        )
        return done.stdout

    def writer(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.backup.township", *args], env=self.env, text=True
        )


async def _scratch_postgres() -> tuple[str, str]:
    url = get_settings().database_url
    name = f"{postgres_config(url)['database'][:30]}_src_{uuid.uuid4().hex[:8]}"
    server = await asyncpg.connect(**postgres_config(url))
    try:
        await server.execute(f'CREATE DATABASE "{name}"')
    finally:
        await server.close()
    return urlparse(url)._replace(path=f"/{name}").geturl(), name


async def _drop_postgres(name: str) -> None:
    server = await asyncpg.connect(**postgres_config(get_settings().database_url))
    try:
        await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await server.close()


@pytest.fixture
async def township(tmp_path: Path) -> AsyncIterator[Township]:
    var_dir = tmp_path / "var"
    if get_settings().is_sqlite:
        url, scratch = f"sqlite:///{var_dir / 'jifen.sqlite'}", None
    else:
        url, scratch = await _scratch_postgres()
    town = Township(url, var_dir, {})
    try:
        town.place = json.loads(town.write("build"))
        yield town
    finally:
        if scratch is not None:
            await _drop_postgres(scratch)
