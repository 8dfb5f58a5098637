"""A village's whole history moves into another database that has villages of its own, with
every chain head unchanged; a clash, a broken file or another schema changes nothing.

The source is this test run's database; the target is a fresh one of the same engine (a file
beside the test on SQLite; ``<test database>_to`` on PostgreSQL), or any database named by
``JIFEN_MOVE_TARGET_URL`` (an engine of the other kind makes it a cross-engine test)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from backend import clock, db
from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.cards import issuing
from backend.ledger import services as ledger
from backend.ledger.moving import export_village, import_village
from backend.ledger.moving_errors import (
    SchemaMismatch,
    UsernameTaken,
    VillageCodeTaken,
)
from backend.ledger.verify import verify_village
from backend.scoring import evaluations, objections, period_close, periods, rules
from backend.scoring.evaluations import Scorer
from backend.scoring.rules import NewRule
from backend.settings import get_settings
from backend.shop import redemption_services
from tests.factories import Place, make_place, make_town

# The target's own township: a village 1 of its own, with a transfer, before the import.
OWN_VILLAGES = """
import asyncio
from backend import cache, db
from backend.audit.services import CLI_ACTOR
from backend.ledger import services as ledger
from backend.migrations import migrate
from backend.registry import services as registry

async def main():
    if db.is_postgres():
        await db.engine().run_ddl("DROP SCHEMA public CASCADE")
        await db.engine().run_ddl("CREATE SCHEMA public")
    await migrate()
    await db.start()
    town = await registry.create_town(CLI_ACTOR, "别的镇", "OTHER")
    for code in ("ONE", "TWO"):
        v = await registry.create_village(CLI_ACTOR, town.id, name=code, code=code)
        h = await registry.create_household(CLI_ACTOR, v.id, {"number": "1",
            "head_name": "赵一"}, [{"name": "赵一", "relation": "户主"}])
        await ledger.award(CLI_ACTOR, v.id, h.id, 5, key="own", reason="自己的")
    await db.stop()
    await cache.close()

asyncio.run(main())
"""


async def moved_village() -> tuple[Place, str]:
    """A village with a closed period (one objection upheld, one open then decided), a sale,
    a voided sale and a reversal: the kinds of rows a move must carry."""
    place = await make_place((await make_town()).id)
    v = place.village_id
    book = await rules.adopt_rule_book(
        CLI_ACTOR,
        v,
        [
            NewRule(
                code="XL01",
                category="孝老爱亲",
                title="照顾老人",
                points=10,
                cap=2,
                evidence_required=False,
                proposers=("committee",),
            ),
        ],
    )
    care = book.rules[0].id
    period = await periods.open_period(
        CLI_ACTOR,
        v,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    first = Scorer(place.user_ids[Role.committee], "张委员", frozenset({"committee"}))
    second = Scorer(None, "李委员", frozenset({"committee"}))
    a, b = (h.id for h in place.households)
    ids = [
        *await evaluations.propose(first, v, period.id, a, care),
        *await evaluations.propose(first, v, period.id, b, care),
    ]
    for evaluation_id in ids:
        await evaluations.verify(second, v, evaluation_id)
    await periods.start_notice(CLI_ACTOR, v, period.id)
    held = await objections.file_objection(first, v, ids[1], "不属实")
    later = clock.now() + timedelta(days=30)
    await period_close.close_and_post(CLI_ACTOR, v, period.id, now=later)
    await objections.decide_objection(first, v, held.id, uphold=False, reason="核实属实")
    await period_close.close_and_post(CLI_ACTOR, v, period.id, now=later)
    await ledger.award(CLI_ACTOR, v, a, 30, key="bonus", reason="志愿服务")
    code = await issuing.card_payload(v, a)
    sold = await redemption_services.redeem(
        CLI_ACTOR,
        v,
        place.shop_id,
        code,
        [redemption_services.Line(place.product_id, 1)],
        key="sale-1",
    )
    voided = await redemption_services.redeem(
        CLI_ACTOR,
        v,
        place.shop_id,
        code,
        [redemption_services.Line(place.product_id, 1)],
        key="sale-2",
    )
    await redemption_services.void(CLI_ACTOR, v, place.shop_id, voided.id, "顾客拿错了")
    award = await ledger.award(CLI_ACTOR, v, b, 3, key="mistake", reason="录错了")
    await ledger.reverse(CLI_ACTOR, v, award.id, key="undo", reason="冲正")
    assert sold.receipt_no and await verify_village(v) == []
    row = await db.first("SELECT code FROM village WHERE id = :id", id=v)
    assert row is not None
    return place, row["code"]


def target_url(tmp_path: Path) -> str:
    if os.environ.get("JIFEN_MOVE_TARGET_URL"):
        return os.environ["JIFEN_MOVE_TARGET_URL"]
    source = get_settings().database_url
    if source.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'target.sqlite'}"
    return f"{source}_to"


def jifen(url: str, *args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "backend", *args]
    # The target's boards live in its own in-process Redis: the test run's Redis is the source's.
    env = {
        **os.environ,
        "JIFEN_DATABASE_URL": url,
        "JIFEN_REDIS_URL": "memory://",
        "COLUMNS": "200",
    }
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def ensure_database(url: str) -> None:
    if url.startswith("postgres"):
        server, name = url.rsplit("/", 1)
        subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import asyncio, asyncpg\n"
                    "async def main():\n"
                    f"    c = await asyncpg.connect('{server}/postgres')\n"
                    f"    q = \"SELECT 1 FROM pg_database WHERE datname = '{name}'\"\n"
                    "    if not await c.fetchval(q):\n"
                    f"        await c.execute('CREATE DATABASE {name}')\n"
                    "    await c.close()\n"
                    "asyncio.run(main())\n"
                ),
            ],
            check=True,
        )


async def head_of(village_id: int) -> dict[str, Any]:
    row = await db.first(
        "SELECT seq, hash FROM ledger_head WHERE village = :village", village=village_id
    )
    assert row is not None
    return row


async def test_a_village_moves_with_every_chain_head_unchanged(tmp_path: Path) -> None:
    place, code = await moved_village()
    before = await head_of(place.village_id)
    document, exported = await export_village(code)
    assert exported.head_hash == before["hash"]
    assert {
        "household",
        "evaluation",
        "objection",
        "period",
        "rule_book",
        "redemption",
        "redemption_line",
        "stock_movement",
        "transfer",
        "audit_entry",
    } <= {name for name, n in exported.rows.items() if n}
    file = tmp_path / "village.json"
    file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    url = target_url(tmp_path)
    ensure_database(url)
    own = jifen(url, code=OWN_VILLAGES)
    assert own.returncode == 0, own.stderr
    put = jifen(url, "ledger", "import-village", str(file))
    assert put.returncode == 0, put.stdout + put.stderr
    assert f"seq {before['seq']} {before['hash']}" in put.stdout
    verify = jifen(url, "ledger", "verify")
    assert verify.returncode == 0, verify.stdout
    assert "3 个村" in verify.stdout and before["hash"] in verify.stdout

    again = jifen(url, "ledger", "import-village", str(file))
    assert again.returncode == 1 and "village_code_taken" in again.stdout

    # A fresh target again, and the same file with one amount changed: refused, nothing kept.
    if url.startswith("sqlite"):
        os.unlink(url.removeprefix("sqlite:///"))
    assert jifen(url, code=OWN_VILLAGES).returncode == 0
    broken = json.loads(file.read_text(encoding="utf-8"))
    broken["tables"]["transfer"][1]["amount"] += 1
    (tmp_path / "broken.json").write_text(json.dumps(broken, ensure_ascii=False))
    refused = jifen(url, "ledger", "import-village", str(tmp_path / "broken.json"))
    assert refused.returncode == 1 and "village_file_broken" in refused.stdout, refused.stdout
    after = jifen(url, "ledger", "head")
    assert before["hash"] not in after.stdout and after.stdout.count("\n│") == 2

    # The source is untouched.
    assert await head_of(place.village_id) == before
    assert await verify_village(place.village_id) == []


async def test_clashes_and_another_schema_are_refused_before_anything_is_written() -> None:
    _place, code = await moved_village()
    document, _ = await export_village(code)
    with pytest.raises(VillageCodeTaken):
        await import_village(CLI_ACTOR, document)
    with pytest.raises(UsernameTaken):
        await import_village(CLI_ACTOR, {**document, "village": "ELSEWHERE"})
    with pytest.raises(SchemaMismatch):
        await import_village(CLI_ACTOR, {**document, "schema": document["schema"][1:]})
    assert await db.first("SELECT id FROM village WHERE code = 'ELSEWHERE'") is None
