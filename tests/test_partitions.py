"""Partitioning the hot tables by village (backend/partitions.py, ``JIFEN_PARTITIONS``) and the
pooler setting. The suites themselves run on a partitioned database when the run sets
``JIFEN_PARTITIONS`` (the county leg of .ci/run); these check what the setting promises."""

from __future__ import annotations

import pytest

from backend.db import fetch, pooler_config
from backend.partitions import (
    HOT_TABLES,
    PartitioningRefused,
    layout,
    partition_hot_tables,
)
from backend.settings import get_settings, load_settings
from tests.factories import add_sale, make_place, make_town


def test_the_settings_are_read_and_checked() -> None:
    settings = load_settings(
        {
            "JIFEN_PARTITIONS": "8",
            "JIFEN_DATABASE_POOLER": "pgbouncer-transaction",
            "JIFEN_SECRET_KEY": "x" * 32,
        }
    )
    assert (settings.partitions, settings.database_pooler) == (8, "pgbouncer-transaction")
    assert load_settings({"JIFEN_SECRET_KEY": "x" * 32}).partitions == 0
    for bad in ({"JIFEN_PARTITIONS": "-1"}, {"JIFEN_DATABASE_POOLER": "pgpool"}):
        with pytest.raises(SystemExit):
            load_settings({**bad, "JIFEN_SECRET_KEY": "x" * 32})


def test_behind_pgbouncer_in_transaction_mode_no_statement_is_cached() -> None:
    assert pooler_config("pgbouncer-transaction") == {"statement_cache_size": 0}
    assert pooler_config("") == {}


async def test_the_hot_tables_are_partitioned_as_the_setting_says() -> None:
    """On PostgreSQL with ``JIFEN_PARTITIONS=N`` every hot table has N hash partitions and a
    primary key that starts with the village; otherwise (and on SQLite) none has any."""
    wanted = get_settings().partitions if not get_settings().is_sqlite else 0
    assert {t.table: t.partitions for t in await layout()} == dict.fromkeys(HOT_TABLES, wanted)
    if wanted:
        keys = await fetch(
            "SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS key "
            "FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text IN (:tables)",
            tables=HOT_TABLES,
        )
        assert {k["key"] for k in keys} == {"PRIMARY KEY (village, id)"}


async def test_a_database_with_rows_is_not_partitioned_behind_its_back() -> None:
    """Asking again on a database in use changes nothing: already partitioned, nothing to do;
    plain tables holding rows, refused (moving populated tables is the operator's job)."""
    await add_sale(await make_place((await make_town()).id, with_users=False))
    before = await layout()
    if get_settings().is_sqlite or get_settings().partitions:
        assert await partition_hot_tables(4) == []
    else:
        with pytest.raises(PartitioningRefused, match="already holds rows"):
            await partition_hot_tables(4)
    assert await layout() == before
