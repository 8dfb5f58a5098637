"""What ``import_village`` refuses before it writes anything, each by name.

The import renumbers every serial id, so ids never collide; what can collide is what it keeps
as written: the village code, login names and e-mail addresses, household public ids, a
board's public id, and on SQLite (which keeps the old global keys, docs/scaling.md) receipt
numbers and spent phone codes. Each is looked up in the target first, so a clash is a refusal
naming the values instead of a unique violation half-way through. A village tied to another by
a shared shop is refused from the file alone: its shop's rows belong to several villages.
"""

from __future__ import annotations

from typing import Any

from backend import db
from backend.ledger.moving_errors import (
    EmailTaken,
    HouseholdTaken,
    RowTaken,
    SchemaMismatch,
    ShopShared,
    UsernameTaken,
    VillageCodeTaken,
    VillageFileBroken,
)

FORMAT = "jifen-village/1"
# Values per lookup: well under SQLite's limit of bound parameters.
CHUNK = 500
# Named in a refusal; the rest are counted.
SHOWN = 10
# (table, column) kept as written by the import and unique across villages in the target.
GLOBAL_KEYS = (("board", "public_id"),)
SQLITE_GLOBAL_KEYS = (("redemption", "receipt_no"), ("used_phone_code", "digest"))


async def schema() -> list[str]:
    """This database's applied migrations, as a file carries them."""
    rows = await db.fetch("SELECT app_name, name FROM migration ORDER BY app_name, name")
    return [f"{r['app_name']}:{r['name']}" for r in rows]


async def refuse_clashes(document: dict[str, Any]) -> None:
    """Raise the first refusal that applies to importing ``document`` here; read-only."""
    if document.get("format") != FORMAT:
        raise VillageFileBroken(problem=f"not a {FORMAT} file")
    ours, theirs = set(await schema()), set(document["schema"])
    if ours != theirs:
        raise SchemaMismatch(migrations=", ".join(sorted(ours ^ theirs)))
    tables = document["tables"]
    shared = shared_shops(document)
    if shared:
        raise ShopShared(code=document["village"], shops=_listed(shared))
    if await db.first("SELECT id FROM village WHERE code = :code", code=document["village"]):
        raise VillageCodeTaken(code=document["village"])
    await _refuse_taken_logins(tables["piccolo_user"])
    await _refuse_taken_households(tables["household"])
    keys = GLOBAL_KEYS + (() if db.is_postgres() else SQLITE_GLOBAL_KEYS)
    for table, column in keys:
        sql = f"SELECT {column} FROM {table} WHERE {column}"  # noqa: S608 (names above)
        taken = await _taken(sql, _values(tables[table], column))
        if taken:
            raise RowTaken(table=table, column=column, values=_listed([r[column] for r in taken]))


async def _refuse_taken_logins(users: list[dict[str, Any]]) -> None:
    sql = "SELECT username FROM piccolo_user WHERE username"
    taken = await _taken(sql, _values(users, "username"))
    if taken:
        raise UsernameTaken(usernames=_listed([r["username"] for r in taken]))
    sql = "SELECT email, username FROM piccolo_user WHERE email"
    taken = await _taken(sql, _values(users, "email"))
    if taken:
        raise EmailTaken(emails=_listed([f"{r['email']} ({r['username']})" for r in taken]))


async def _refuse_taken_households(households: list[dict[str, Any]]) -> None:
    """Named with the village and number they have in the target."""
    sql = (
        "SELECT h.public_id, h.number, v.code FROM household h JOIN village v ON v.id = h.village "
        "WHERE h.public_id"
    )
    taken = await _taken(sql, _values(households, "public_id"))
    if taken:
        raise HouseholdTaken(
            households=_listed([f"{r['public_id']} ({r['code']} {r['number']})" for r in taken])
        )


def shared_shops(document: dict[str, Any]) -> list[str]:
    """Each shop of the file that ties its village to another one — its own shop serving
    another village, or another village's shop serving it — with every village it serves."""
    tables = document["tables"]
    village = tables["village"][0]["id"]
    codes = {village: document["village"]} | {
        int(other): code for other, code in document.get("neighbours", {}).items()
    }
    served: dict[int, set[int]] = {}
    for tie in tables["shop_village"]:
        served.setdefault(tie["shop"], set()).add(tie["village"])
    owners = {shop["id"]: shop["village"] for shop in tables["shop"]}
    names = {shop["id"]: shop["name"] for shop in tables["shop"]}
    return [
        f"{names.get(shop, f'#{shop}')} ({', '.join(codes.get(v, f'#{v}') for v in sorted(ids))})"
        for shop, ids in sorted(served.items())
        if ids != {village} or owners.get(shop) != village
    ]


def _values(rows: list[dict[str, Any]], column: str) -> list[Any]:
    return sorted({row[column] for row in rows if row[column] is not None})


async def _taken(select: str, values: list[Any]) -> list[dict[str, Any]]:
    """The rows of ``select … WHERE <column>`` whose column is one of ``values``."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(values), CHUNK):
        found += await db.fetch(
            f"{select} IN (:values) ORDER BY 1", values=values[start : start + CHUNK]
        )
    return found


def _listed(items: list[str]) -> str:
    shown = ", ".join(str(item) for item in items[:SHOWN])
    return shown if len(items) <= SHOWN else f"{shown} … ({len(items)})"
