"""Moving one village's whole history from one database into another (county consolidation).

``export_village`` writes every row that belongs to the village — registry, scoring, rule book,
activities, shop, ledger, boards, audit, and the logins those rows name — as typed JSON, with
the schema's migration list and the chain heads. ``import_village`` puts them into a database
that has villages of its own, in one transaction: all or nothing.

Ids are renumbered by an offset per table (``new id = old id + the target's largest id``), so
every id the village brings stays unique, and every row created afterwards gets an id above
all of them: the idempotency keys and references the chain hashed as written
(``evaluation:<id>``, ``redemption:<id>``) can never be reused by a later row of the village.
The chain itself names nothing by id (:mod:`backend.ledger.chain`), so every link and head is
unchanged, and the import checks that before it commits.

Invariants: an import that would clash with the target (:mod:`backend.ledger.moving_clashes`:
a village code, login, household or other key already there, a shop shared with another
village, a file from another schema) is refused before anything is written; a file whose chain
does not verify is refused before commit. Either way the target is unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.columns import JSON, Boolean, Date, Timestamptz
from piccolo.conf.apps import Finder
from piccolo.table import Table

from backend import db
from backend.audit.services import Actor, record
from backend.db import is_postgres, write_transaction
from backend.errors import NotFound
from backend.ledger.moving_clashes import FORMAT, refuse_clashes, schema
from backend.ledger.moving_errors import VillageFileBroken
from backend.ledger.verify import verify_village

# Tables in an order where every row's parents come first; how each one's rows are chosen.
BY_VILLAGE = (
    "grid",
    "moral_group",
    "household",
    "member",
    "card",
    "used_phone_code",
    "rule_book",
    "rule",
    "period",
    "scoring_setting",
    "evaluation",
    "objection",
    "cross_assignment",
    "cross_mark",
    "score_sheet_upload",
    "activity",
    "activity_signup",
    "attendance",
    "shop",
    "shop_village",
    "product",
    "stock_movement",
)
LEDGER = ("account", "ledger_head", "transfer")
LATER_BY_VILLAGE = ("redemption", "adjustment_request", "board", "role_grant", "audit_entry")
BY_REDEMPTION = ("redemption_line",)
ORDER = (
    "town",
    "piccolo_user",
    "village",
    *BY_VILLAGE,
    *LEDGER,
    *LATER_BY_VILLAGE,
    *BY_REDEMPTION,
)

# Integer columns that hold another row's id without a declared foreign key.
USER = "piccolo_user"
ID_REFS: dict[tuple[str, str], str] = {
    ("role_grant", "shop_id"): "shop",
    ("cross_mark", "entered_by"): USER,
    ("evaluation", "proposed_by"): USER,
    ("evaluation", "verified_by"): USER,
    ("objection", "filed_by"): USER,
    ("objection", "decided_by"): USER,
    ("score_sheet_upload", "uploaded_by"): USER,
    ("activity", "organiser"): USER,
    ("activity", "confirmed_by"): USER,
    ("attendance", "recorded_by"): USER,
    ("adjustment_request", "household"): "household",
    ("adjustment_request", "transfer"): "transfer",
    ("transfer", "period_id"): "period",
    ("transfer", "reverses"): "transfer",
    ("redemption", "transfer"): "transfer",
    ("redemption", "void_transfer"): "transfer",
    ("stock_movement", "redemption"): "redemption",
    ("stock_movement", "village"): "village",
    ("redemption_line", "village"): "village",
    ("ledger_head", "village"): "village",
}


@dataclass(frozen=True, slots=True)
class Moved:
    """What an export or import moved: the village (its id where it now is), rows per table,
    its chain head (seq, hash), which is the same on both sides, and the boards rebuilt in
    Redis (import only)."""

    village_id: int
    code: str
    rows: dict[str, int]
    head_seq: int
    head_hash: str
    boards: int = 0


def _tables() -> dict[str, type[Table]]:
    return {t._meta.tablename: t for t in Finder().get_table_classes()}


def _refs(table: type[Table]) -> dict[str, str]:
    """Every column of ``table`` that holds another row's id, and that row's table."""
    name = table._meta.tablename
    refs = {
        c._meta.name: c._foreign_key_meta.resolved_references._meta.tablename
        for c in table._meta.foreign_key_columns
    }
    refs |= {column: target for (t, column), target in ID_REFS.items() if t == name}
    return refs


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


async def _select(table: str, where: str, **params: Any) -> list[dict[str, Any]]:
    return await db.fetch(f"SELECT * FROM {table} WHERE {where} ORDER BY 1", **params)  # noqa: S608


def _ids(rows: list[dict[str, Any]], column: str = "id") -> list[int]:
    return sorted({r[column] for r in rows if r[column] is not None})


def _in(column: str, ids: list[int]) -> str:
    """``column IN (…)`` with the ids written out, not bound: a village's sales can outnumber
    SQLite's 32766 parameters of one statement, and ``int`` leaves nothing to escape; no ids
    match no row."""
    return f"{column} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"


async def export_village(code: str) -> tuple[dict[str, Any], Moved]:
    """Village ``code``'s whole history as one JSON document (what ``jifen ledger
    export-village`` writes to its file); the source database is unchanged."""
    village = await db.first("SELECT * FROM village WHERE code = :code", code=code)
    if village is None:
        raise NotFound()
    v = village["id"]
    rows: dict[str, list[dict[str, Any]]] = {"village": [village]}
    rows["town"] = await _select("town", "id = :town", town=village["town"])
    for name in (*BY_VILLAGE, *LATER_BY_VILLAGE, *LEDGER):
        rows[name] = await _select(name, "village = :village", village=v)
    neighbours = await _shop_ties(v, rows)
    rows["redemption_line"] = await _select(
        "redemption_line", _in("redemption", _ids(rows["redemption"]))
    )
    tables = _tables()
    users = sorted(
        {
            row[column]
            for name, table_rows in rows.items()
            for column, target in _refs(tables[name]).items()
            if target == USER
            for row in table_rows
            if row.get(column) is not None
        }
    )
    rows[USER] = await _select(USER, _in("id", users))
    head: dict[str, Any] = rows["ledger_head"][0] if rows["ledger_head"] else {"seq": 0, "hash": ""}
    document = {
        "format": FORMAT,
        "schema": await schema(),
        "village": code,
        "head": {"seq": head["seq"], "hash": head["hash"]},
        "neighbours": neighbours,
        "tables": {
            name: [{k: _encode(val) for k, val in row.items()} for row in rows[name]]
            for name in ORDER
        },
    }
    counts = {name: len(rows[name]) for name in ORDER}
    return document, Moved(v, code, counts, head["seq"], head["hash"])


async def _shop_ties(village: int, rows: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Widen ``rows``' shops to every shop the village is tied to and every tie of those
    shops, and return the codes of the other villages they name: a shared shop's rows belong
    to several villages, and the file says so, so that the import refuses it by name
    (:func:`backend.ledger.moving_clashes.shared_shops`). A village with shops of its own only
    gets exactly its own rows."""
    shops = sorted({*_ids(rows["shop_village"], "shop"), *_ids(rows["shop"])})
    rows["shop"] = await _select("shop", _in("id", shops))
    rows["shop_village"] = await _select("shop_village", _in("shop", shops))
    others = {*_ids(rows["shop"], "village"), *_ids(rows["shop_village"], "village")} - {village}
    return {str(r["id"]): r["code"] for r in await _select("village", _in("id", sorted(others)))}


def _decode(table: type[Table], row: dict[str, Any]) -> dict[str, Any]:
    """A row of the file in the types the target engine binds (either engine wrote it)."""
    out = {}
    columns = {c._meta.db_column_name: c for c in table._meta.columns}
    for name, value in row.items():
        column = columns.get(name)
        if isinstance(value, dict) and "$datetime" in value:
            value = datetime.fromisoformat(value["$datetime"])
        elif isinstance(value, dict) and "$date" in value:
            value = date.fromisoformat(value["$date"])
        elif isinstance(column, Timestamptz) and isinstance(value, str):
            value = datetime.fromisoformat(value)
        elif isinstance(column, Date) and isinstance(value, str):
            value = date.fromisoformat(value)
        elif isinstance(column, Boolean) and isinstance(value, int):
            value = bool(value)
        elif isinstance(column, JSON) and not isinstance(value, str | None):
            value = json.dumps(value, ensure_ascii=False)
        out[name] = value
    return out


async def _offsets(names: list[str]) -> dict[str, int]:
    offsets = {}
    for name in names:
        key = "village" if name == "ledger_head" else "id"
        row = await db.first(f"SELECT max({key}) AS top FROM {name}")  # noqa: S608
        offsets[name] = int(row["top"] or 0) if row else 0
    return offsets


async def import_village(actor: Actor, document: dict[str, Any]) -> Moved:
    """Put the village of an exported ``document`` into this database with every chain head
    unchanged, or nothing at all (one transaction); then rebuild its boards."""
    tables = _tables()
    counts: dict[str, int] = {}
    async with write_transaction():
        await refuse_clashes(document)
        offsets = await _offsets([n for n in ORDER if n != "town"])
        towns: dict[int, int] = {}
        for town in document["tables"]["town"]:
            same = await db.first("SELECT id FROM town WHERE code = :code", code=town["code"])
            towns[town["id"]] = same["id"] if same else await _insert_town(tables, town)

        def new_id(target: str, old: int | None) -> int | None:
            if old is None:
                return None
            if target == "town":
                return towns[old]
            return old + offsets[target]

        for name in ORDER:
            if name == "town":
                continue
            table = tables[name]
            refs = _refs(table)
            file_rows = document["tables"][name]
            for row in file_rows:
                values = _decode(table, row)
                if "id" in values and name != "ledger_head":
                    values["id"] = values["id"] + offsets[name]
                for column, target in refs.items():
                    if column in values:
                        values[column] = new_id(target, values[column])
                if name == "account" and values["owner"] is not None:
                    values["owner"] += offsets[
                        "household" if values["kind"] == "household" else "shop"
                    ]
                await _insert(name, values)
            counts[name] = len(file_rows)
        await _realign_sequences([n for n in ORDER if n not in ("town", "ledger_head")])
        village_id = document["tables"]["village"][0]["id"] + offsets["village"]
        failures = await verify_village(village_id)
        head = await db.first(
            "SELECT seq, hash FROM ledger_head WHERE village = :village", village=village_id
        )
        seq, hash_ = (head["seq"], head["hash"]) if head else (0, "")
        if failures:
            raise VillageFileBroken(problem=failures[0].message)
        if (seq, hash_) != (document["head"]["seq"], document["head"]["hash"]):
            raise VillageFileBroken(problem="the chain head differs from the file's")
        await record(
            actor,
            "village.imported",
            "village",
            village_id,
            village_id=village_id,
            after={"code": document["village"], "head_seq": seq, "head_hash": hash_},
        )
    from backend.boards.redis_leaderboards import rebuild

    boards = await rebuild(village_id)
    return Moved(village_id, document["village"], counts, seq, hash_, boards)


async def _insert_town(tables: dict[str, type[Table]], town: dict[str, Any]) -> int:
    values = _decode(tables["town"], town)
    values.pop("id")
    row = await db.first(
        f"INSERT INTO town ({_quoted(values)}) VALUES ({_named(values)}) RETURNING id",  # noqa: S608
        **values,
    )
    assert row is not None
    return int(row["id"])


def _quoted(values: dict[str, Any]) -> str:
    return ", ".join('"' + column + '"' for column in values)


def _named(values: dict[str, Any]) -> str:
    """A parameter per column, named as the column."""
    return ", ".join(f":{column}" for column in values)


async def _insert(name: str, values: dict[str, Any]) -> None:
    """One row as it is (``user`` is a reserved word on PostgreSQL: every name is quoted)."""
    await db.fetch(
        f"INSERT INTO {name} ({_quoted(values)}) VALUES ({_named(values)})",  # noqa: S608
        **values,
    )


async def _realign_sequences(names: list[str]) -> None:
    """PostgreSQL: rows inserted with explicit ids leave the serial behind; move it past them
    (SQLite's INTEGER PRIMARY KEY takes the largest id + 1 by itself)."""
    if not is_postgres():
        return
    for name in names:
        await db.fetch(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
            f"(SELECT coalesce(max(id), 1) FROM {name}))"
        )
