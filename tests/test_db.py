"""Hand-written statements with named parameters (backend/db.py ``fetch``/``first``), the
row-lock helper and the transaction guard: the translation to each engine's placeholders
first, then the same statements on the database the run uses."""

from __future__ import annotations

from datetime import date

import pytest

from backend.db import (
    Array,
    bind,
    fetch,
    first,
    is_postgres,
    locked,
    parse,
    require_transaction,
    values,
    write_transaction,
)
from backend.registry.tables import Village
from tests.factories import World


def test_each_name_is_numbered_by_first_use_and_bound_once() -> None:
    statement = "SELECT 1 FROM t WHERE a = :village AND b = :household OR c = :village"
    assert bind(statement, {"household": 7, "village": 3}, "$") == (
        "SELECT 1 FROM t WHERE a = $1 AND b = $2 OR c = $1",
        [3, 7],
    )
    assert bind(statement, {"household": 7, "village": 3}, "?")[0] == (
        "SELECT 1 FROM t WHERE a = ?1 AND b = ?2 OR c = ?1"
    )


def test_a_cast_a_string_a_quoted_name_and_a_comment_hold_no_parameter() -> None:
    statement = (
        "SELECT :day::date, x::text, 'at 9:30 :not', \"odd:name\", 'it''s :not' "
        "FROM t -- :not either\nWHERE 'public'::regnamespace = :space"
    )
    text, values = bind(statement, {"day": "2026-12-01", "space": 5}, "$")
    assert text == (
        "SELECT $1::date, x::text, 'at 9:30 :not', \"odd:name\", 'it''s :not' "
        "FROM t -- :not either\nWHERE 'public'::regnamespace = $2"
    )
    assert values == ["2026-12-01", 5]


def test_a_list_is_one_parameter_per_item() -> None:
    text, values = bind(
        "SELECT id FROM t WHERE v = :v AND id IN (:ids) AND k IN (:kinds)",
        {"v": 1, "ids": [4, 5, 6], "kinds": ("a",)},
        "$",
    )
    assert text == "SELECT id FROM t WHERE v = $1 AND id IN ($2, $3, $4) AND k IN ($5)"
    assert values == [1, 4, 5, 6, "a"]
    with pytest.raises(ValueError, match="ids is an empty list"):
        bind("SELECT id FROM t WHERE id IN (:ids)", {"ids": []}, "?")


def test_a_missing_or_unused_name_is_refused_by_name() -> None:
    statement = "UPDATE t SET a = :a WHERE id = :id"
    with pytest.raises(TypeError, match=r":id not given \(it names :a, :id\)"):
        bind(statement, {"a": 1}, "$")
    with pytest.raises(TypeError, match="ids= not used"):
        bind(statement, {"a": 1, "id": 2, "ids": 3}, "$")


def test_a_statement_is_parsed_once() -> None:
    statement = "SELECT id FROM t WHERE id = :id"
    assert parse(statement) is parse(statement)
    assert parse(statement).order == ("id",)


async def test_named_parameters_run_on_the_database(world: World) -> None:
    ids = sorted([world.a.village_id, world.b.village_id])
    rows = await fetch(
        "SELECT id FROM village WHERE id IN (:ids) AND (id = :first OR id <> :first) ORDER BY id",
        ids=ids,
        first=ids[0],
    )
    assert [r["id"] for r in rows] == ids
    assert await first("SELECT id FROM village WHERE id = :id", id=0) is None


@pytest.mark.postgres_only
async def test_a_cast_after_a_parameter_reaches_postgresql() -> None:
    row = await first("SELECT :day::date + 1 AS next", day=date(2026, 12, 1))
    assert row == {"next": date(2026, 12, 2)}


def test_an_array_is_one_parameter_on_postgresql_and_refused_on_sqlite() -> None:
    statement = "SELECT id FROM t WHERE id = ANY(CAST(:ids AS INTEGER[])) AND k IN (:kinds)"
    assert bind(statement, {"ids": Array([4, 5, 6]), "kinds": ["a", "b"]}, "$") == (
        "SELECT id FROM t WHERE id = ANY(CAST($1 AS INTEGER[])) AND k IN ($2, $3)",
        [[4, 5, 6], "a", "b"],
    )
    assert bind("SELECT unnest(CAST(:ids AS INTEGER[]))", {"ids": Array(())}, "$") == (
        "SELECT unnest(CAST($1 AS INTEGER[]))",
        [[]],
    )
    with pytest.raises(TypeError, match="Array parameter is PostgreSQL's"):
        bind(statement, {"ids": Array([4]), "kinds": ["a"]}, "?")


@pytest.mark.postgres_only
async def test_an_array_reaches_postgresql_as_one_array(world: World) -> None:
    ids = sorted([world.a.village_id, world.b.village_id])
    rows = await fetch(
        "SELECT id FROM village WHERE id = ANY(CAST(:ids AS INTEGER[])) ORDER BY id",
        ids=Array(ids),
    )
    assert [r["id"] for r in rows] == ids
    unnested = await fetch("SELECT unnest(CAST(:ids AS INTEGER[])) AS id", ids=Array(ids))
    assert [r["id"] for r in unnested] == ids


def test_many_rows_name_each_value_by_column_and_row() -> None:
    marks, params = values(("seq", "hash"), [(1, "a"), (2, "b")])
    assert marks == "(:seq_0, :hash_0), (:seq_1, :hash_1)"
    assert params == {"seq_0": 1, "hash_0": "a", "seq_1": 2, "hash_1": "b"}
    text, bound = bind(f"INSERT INTO t (seq, hash) VALUES {marks}", params, "?")
    assert text == "INSERT INTO t (seq, hash) VALUES (?1, ?2), (?3, ?4)"
    assert bound == [1, "a", 2, "b"]


async def test_parameters_are_given_by_name_only() -> None:
    with pytest.raises(TypeError):
        await fetch("SELECT id FROM village WHERE id = $1", 1)  # type: ignore[call-arg]


def test_rows_are_locked_on_postgresql_only() -> None:
    query = Village.select(Village.id)
    if is_postgres():
        assert str(locked(query, "SHARE", of=(Village,))).endswith('FOR SHARE OF "village"')
    else:
        assert locked(query) is query


async def test_a_guarded_write_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="the ledger must run inside write_transaction"):
        require_transaction("the ledger")
    async with write_transaction():
        require_transaction("the ledger")
