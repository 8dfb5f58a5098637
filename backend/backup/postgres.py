"""PostgreSQL: ``pg_dump`` of the live database, and proving a dump in a scratch database.

pg_dump reads everything in one snapshot, so a dump taken while sales go on is consistent. The
password goes to pg_dump and pg_restore as ``PGPASSWORD``, never on their command line, where
any user of the machine could read it (``ps``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import asyncpg

from backend.backup.errors import DumpFailed, ScratchRestoreFailed, ToolMissing
from backend.backup.files import discard, stamp
from backend.backup.proof import Proof, prove
from backend.db import postgres_config


def tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``, or a refusal saying how to get it."""
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(tool=name)
    return found


def _libpq_list(value: str | int | list[str] | list[int]) -> str:
    """libpq reads a node list in PGHOST/PGPORT comma-separated, as asyncpg does in the URL."""
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def _libpq_env(config: dict[str, Any]) -> dict[str, str]:
    env = {
        **os.environ,
        "PGHOST": _libpq_list(config["host"]),
        "PGPORT": _libpq_list(config["port"]),
        "PGUSER": config["user"],
        "PGDATABASE": config["database"],
    }
    if "password" in config:
        env["PGPASSWORD"] = config["password"]
    if "target_session_attrs" in config:
        env["PGTARGETSESSIONATTRS"] = config["target_session_attrs"]
    return env


async def _run(command: list[str], config: dict[str, Any]) -> tuple[int, str]:
    """Exit status and the last lines of what the tool said on stderr."""
    child = await asyncio.create_subprocess_exec(
        *command,
        env=_libpq_env(config),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await child.communicate()
    said = err.decode(errors="replace").strip().splitlines()
    return child.returncode or 0, " ".join(said[-3:])


async def dump(database_url: str, target: Path) -> None:
    """``pg_dump --format=custom`` into ``target``; on failure no file is left behind."""
    code, said = await _run(
        [tool("pg_dump"), "--format=custom", f"--file={target}"], postgres_config(database_url)
    )
    if code != 0:
        discard(target)
        raise DumpFailed(detail=said or f"exit status {code}")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@asynccontextmanager
async def scratch_database(database_url: str) -> AsyncIterator[str]:
    """A new empty database on the same server, named after the live one
    (``<name>_verify_<time>``); yields its URL and drops it afterwards, whatever happened."""
    config = postgres_config(database_url)
    name = f"{config['database'][:40]}_verify_{stamp().replace('-', '')}"
    server = await asyncpg.connect(**config)
    try:
        await server.execute(f"CREATE DATABASE {_quoted(name)}")
        try:
            yield urlparse(database_url)._replace(path=f"/{name}").geturl()
        finally:
            await server.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
    finally:
        await server.close()


async def verify_dump(database_url: str, dump_file: Path) -> Proof:
    """Restore the dump into a scratch database and run the ledger checks there."""
    pg_restore = tool("pg_restore")
    async with scratch_database(database_url) as scratch_url:
        config = postgres_config(scratch_url)
        code, said = await _run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={config['database']}",
                str(dump_file),
            ],
            config,
        )
        if code != 0:
            raise ScratchRestoreFailed(
                database=config["database"], detail=said or f"exit status {code}"
            )
        return await prove(scratch_url)


def restore_command(dump_file: Path) -> str:
    """What to run instead of ``jifen restore`` on PostgreSQL (with the app stopped)."""
    return f'pg_restore --clean --if-exists --no-owner --dbname "$JIFEN_DATABASE_URL" {dump_file}'
