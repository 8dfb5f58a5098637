"""The primary database dies mid-sale (SIGKILL of its postmaster) and no acknowledged sale is lost.

Runs in its own CI leg on scripts/ha's shape — etcd, two PostgreSQL 15 nodes under Patroni in
synchronous mode — with ``JIFEN_DATABASE_URL`` naming both nodes (``target_session_attrs=
read-write``). Kiosks sell and void and committees award at full speed through a real server
(tests/reliability/bank.py); the primary's postmaster is killed; Patroni promotes the sync
standby; the server's pool finds it by itself; clients retry with their saved keys through the
503s. Then every acknowledged sale is there once, the books balance, stock equals its log and
``jifen ledger verify`` passes. The second test also waits for the killed node to come back as a
standby and proves it never accepted a write (no split brain).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from backend.db import postgres_config
from backend.settings import PROJECT_ROOT, get_settings
from backend.shop.tables import Redemption
from tests.factories import Place
from tests.reliability.bank import Ledgerbook, bank_places, check_bank, worker
from tests.server import ServerProcess

pytestmark = [pytest.mark.ha, pytest.mark.postgres_only]

PATRONI_PORTS = os.environ.get("JIFEN_HA_API_PORTS", "8108 8109").split()
CLIENTS = 32
SALES_BEFORE_KILL = 30
LOAD_SECONDS = 30.0
RECOVERY_GOAL_SECONDS = 30.0
Member = dict[str, Any]


def members() -> list[Member]:
    """The cluster as Patroni's REST API says, from whichever node answers."""
    for port in PATRONI_PORTS:
        try:
            return list(httpx.get(f"http://127.0.0.1:{port}/cluster", timeout=2).json()["members"])
        except (httpx.HTTPError, ValueError, KeyError):
            continue
    return []


def in_role(found: list[Member], *roles: str) -> list[Member]:
    return [m for m in found if m["role"] in roles and m["state"] in ("running", "streaming")]


async def until(what: str, seconds: float, check: Any) -> Any:
    """Poll ``check()`` (a value or None) until it gives a value; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = await asyncio.to_thread(check)
        if found:
            return found
        await asyncio.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {seconds:.0f} s: {members()}")


def leader_and_sync_standby() -> tuple[Member, Member] | None:
    found = members()
    leaders, standbys = in_role(found, "leader"), in_role(found, "sync_standby")
    if len(leaders) == 1 and len(standbys) == 1:
        return leaders[0], standbys[0]
    return None


def direct(member: Member) -> dict[str, Any]:
    """Connection arguments for one node itself, not "whichever is the primary"."""
    config = postgres_config(get_settings().database_url)
    config.pop("target_session_attrs", None)
    return {**config, "host": member["host"], "port": member["port"]}


async def kill_postmaster(member: Member) -> None:
    """SIGKILL the node's postmaster (first line of postmaster.pid): no shutdown at all."""
    connection = await asyncpg.connect(**direct(member))
    try:
        data_directory = await connection.fetchval("SHOW data_directory")
    finally:
        await connection.close()
    pid = int((Path(data_directory) / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)


async def bank_through_failover(
    name: str, leader: Member, killed: asyncio.Event
) -> tuple[list[Place], Ledgerbook]:
    """The bank load through a real server; the leader's postmaster killed once the first
    sales are in; the load goes on until ``LOAD_SECONDS``."""
    places, codes = await bank_places()
    server = ServerProcess(name)
    await asyncio.to_thread(server.start)
    book = Ledgerbook()
    deadline = time.monotonic() + LOAD_SECONDS
    killed_at: list[float] = []

    async def killer() -> None:
        # The workers know nothing of this test: poll their book rather than signal from it.
        while len(book.sales) < SALES_BEFORE_KILL and time.monotonic() < deadline - 20:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        killed_at.append(time.monotonic())
        await kill_postmaster(leader)
        killed.set()

    try:
        limits = httpx.Limits(max_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=30) as client:
            await asyncio.gather(
                killer(),
                *(worker(n, client, places, codes, book, deadline) for n in range(CLIENTS)),
            )
    finally:
        server.stop()

    # A sale sent before the kill and answered after it was in flight: not a recovery.
    before = [done for sent, done in book.sold_at if sent <= killed_at[0]]
    after = [done for sent, done in book.sold_at if sent > killed_at[0]]
    assert before, "no sale before the kill"
    assert after, "no sale succeeded after the kill: the server did not follow the failover"
    recovery = min(after) - killed_at[0]
    print(
        f"\nRESULT failover: first successful sale {recovery:.1f} s after SIGKILL of the "
        f"primary's postmaster (goal < {RECOVERY_GOAL_SECONDS:.0f} s); "
        f"{len(before)} sales before, {len(after)} after, {book.retried} retries, "
        f"refusals {book.refusals}"
    )
    return places, book


def verify_with_the_cli() -> None:
    """``jifen ledger verify`` itself, through the same node list."""
    settings = get_settings()
    env = {
        **os.environ,
        "JIFEN_DATABASE_URL": settings.database_url,
        "JIFEN_REDIS_URL": settings.redis_url,
        "JIFEN_VAR_DIR": str(settings.var_dir),
        "JIFEN_SECRET_KEY": settings.secret_key,
    }
    done = subprocess.run(
        [sys.executable, "-m", "backend", "ledger", "verify"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


async def test_an_acknowledged_sale_survives_the_primary_dying() -> None:
    leader, standby = await until("a leader and a sync standby", 120, leader_and_sync_standby)
    places, book = await bank_through_failover("failover-server", leader, asyncio.Event())
    promoted = await until("the standby's promotion", 60, lambda: in_role(members(), "leader"))
    assert promoted[0]["name"] == standby["name"], "only the sync standby may be promoted"
    await check_bank(places, book)
    await asyncio.to_thread(verify_with_the_cli)


async def test_the_old_primary_comes_back_as_a_standby_and_never_takes_a_write() -> None:
    leader, _ = await until("a leader and a sync standby", 180, leader_and_sync_standby)
    killed = asyncio.Event()
    back = asyncio.Event()
    writes_taken: list[str] = []

    async def split_brain_probe() -> None:
        """From the kill until the node is back as a standby, keep trying to write on it."""
        await killed.wait()
        while not back.is_set():
            try:
                connection = await asyncpg.connect(**direct(leader), timeout=2)
            except (OSError, asyncpg.PostgresError, TimeoutError):
                await asyncio.sleep(0.2)
                continue
            try:
                await connection.execute("CREATE TABLE split_brain_probe ()")
                writes_taken.append("CREATE TABLE on the old primary succeeded")
                await connection.execute("DROP TABLE split_brain_probe")
            except asyncpg.exceptions.ReadOnlySQLTransactionError:
                pass
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                pass
            finally:
                await connection.close()
            await asyncio.sleep(0.2)

    probe = asyncio.create_task(split_brain_probe())
    try:
        places, book = await bank_through_failover("failover-rejoin-server", leader, killed)

        def rejoined() -> Member | None:
            found = members()
            new_leader = in_role(found, "leader")
            for member in in_role(found, "sync_standby", "replica"):
                if (
                    member["name"] == leader["name"]
                    and new_leader
                    and member.get("timeline") == new_leader[0].get("timeline")
                ):
                    return member
            return None

        await until("the old primary's return as a standby", 180, rejoined)
        connection = await asyncpg.connect(**direct(leader))
        try:
            assert await connection.fetchval("SELECT pg_is_in_recovery()")
            with pytest.raises(asyncpg.exceptions.ReadOnlySQLTransactionError):
                await connection.execute("CREATE TABLE split_brain_probe ()")
            primary_count = await Redemption.count().run()

            async def standby_count() -> int:
                return int(await connection.fetchval("SELECT count(*) FROM redemption"))

            for _ in range(150):  # replay catches up within seconds
                if await standby_count() >= primary_count:
                    break
                await asyncio.sleep(0.2)
            assert await standby_count() == primary_count
        finally:
            await connection.close()
    finally:
        back.set()
        await probe
    assert writes_taken == []
    await check_bank(places, book)
    await asyncio.to_thread(verify_with_the_cli)
