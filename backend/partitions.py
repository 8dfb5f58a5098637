"""PostgreSQL's declarative partitioning of the hot tables by village (``JIFEN_PARTITIONS``).

The village is the shard key (DESIGN.md "Scaling out"): the tables that grow with every award
and sale — transfers, evaluations, sales and their lines, stock movements, spent phone codes —
can be hash-partitioned on ``village`` so that one village's rows, indexes and vacuum stay
small however many villages a county database holds. The migrations write plain tables (one
schema for both engines and for every deployment); ``jifen migrate`` with ``JIFEN_PARTITIONS=N``
then rebuilds each hot table, while it is still empty, as a partitioned table of N hash
partitions with the same columns, defaults, checks, keys, indexes and foreign keys, read from
PostgreSQL's catalogue — so columns and keys that later migrations add (another helper's
``public_id``) come along without being written here twice.

PostgreSQL's rules shape the result: every primary key and unique key of a partitioned table
includes the partition key (the migrations keep every unique key per village; the primary key
becomes ``(village, id)``), and a foreign key to a partitioned table names its whole key, so a
reference ``x → t (id)`` becomes ``(village, x) → t (village, id)`` — which also says that a
sale's transfer, a line's sale, an objection's evaluation are of the same village. Ids still
come from one sequence per table and stay unique across partitions. SQLite has no partitions:
the setting is ignored there. A database already holding rows is refused rather than rebuilt
(moving a populated table is an operator's job, docs/scaling.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.db import engine, fetch, is_postgres

HOT_TABLES = (
    "transfer",
    "evaluation",
    "redemption",
    "redemption_line",
    "stock_movement",
    "used_phone_code",
)
PARTITION_KEY = "village"
ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE"}


class PartitioningRefused(RuntimeError):
    """The hot tables cannot be partitioned as asked (rows already there, a key without the
    village, a reference from a table that has no village)."""


@dataclass(frozen=True, slots=True)
class PartitionLayout:
    """How one table is laid out.

    Attributes:
        table: the table's name.
        partitions: its hash partitions by village (0: a plain table).
    """

    table: str
    partitions: int


@dataclass(frozen=True, slots=True)
class _ForeignKey:
    """A foreign key as the catalogue holds it: on ``table`` (``columns``) referencing
    ``target`` (``target_columns``)."""

    name: str
    table: str
    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]
    on_delete: str

    def with_village(self) -> _ForeignKey:
        """The same reference by the whole key of a partitioned target."""
        if PARTITION_KEY in self.columns:
            return self
        return _ForeignKey(
            self.name,
            self.table,
            (PARTITION_KEY, *self.columns),
            self.target,
            (PARTITION_KEY, *self.target_columns),
            self.on_delete,
        )

    def add(self) -> str:
        return (
            f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{self.name}" FOREIGN KEY '
            f'({", ".join(self.columns)}) REFERENCES "{self.target}" '
            f"({', '.join(self.target_columns)}) ON DELETE {self.on_delete}"
        )


async def layout() -> list[PartitionLayout]:
    """The hot tables and their partition counts (all 0 on SQLite or plain PostgreSQL)."""
    if not is_postgres():
        return [PartitionLayout(t, 0) for t in HOT_TABLES]
    rows = await fetch(
        "SELECT c.relname AS table, (SELECT count(*) FROM pg_inherits i "
        "WHERE i.inhparent = c.oid) AS partitions FROM pg_class c "
        "WHERE c.relname IN (:tables) AND c.relnamespace = 'public'::regnamespace",
        tables=HOT_TABLES,
    )
    found = {r["table"]: int(r["partitions"]) for r in rows}
    return [PartitionLayout(t, found.get(t, 0)) for t in HOT_TABLES]


async def partition_hot_tables(partitions: int) -> list[str]:
    """Make every hot table hash-partitioned by village into ``partitions`` parts; returns the
    tables rebuilt now (none when they already are, or on SQLite). All or nothing: one
    transaction, and a table holding rows refuses the whole run."""
    if partitions <= 0 or not is_postgres():
        return []
    done = {t.table for t in await layout() if t.partitions}
    todo = [t for t in HOT_TABLES if t not in done]
    if not todo:
        return []
    async with engine().transaction():
        for table in todo:
            if await fetch(f'SELECT 1 FROM "{table}" LIMIT 1'):  # noqa: S608 (our names)
                raise PartitioningRefused(
                    f"{table} already holds rows: JIFEN_PARTITIONS applies to a fresh database"
                )
        for table in todo:
            await _partition(table, partitions)
    return todo


async def _run(statement: str) -> None:
    await fetch(statement)


async def _foreign_keys(where: str, table: str) -> list[_ForeignKey]:
    rows = await fetch(
        f"""SELECT c.conname, c.conrelid::regclass::text AS source,
            c.confrelid::regclass::text AS target, c.confdeltype::text AS confdeltype,
            ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                  ORDER BY k.i)::text[] AS columns,
            ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                  ORDER BY k.i)::text[] AS target_columns
        FROM pg_constraint c WHERE c.contype = 'f' AND c.conparentid = 0
            AND {where} = :table::regclass ORDER BY c.conname""",  # noqa: S608 (our names)
        table=table,
    )
    keys = []
    for r in rows:
        if r["confdeltype"] not in ON_DELETE:
            raise PartitioningRefused(
                f"{r['conname']}: ON DELETE SET NULL/DEFAULT would clear "
                "the village of a composite reference"
            )
        keys.append(
            _ForeignKey(
                r["conname"],
                r["source"],
                tuple(r["columns"]),
                r["target"],
                tuple(r["target_columns"]),
                ON_DELETE[r["confdeltype"]],
            )
        )
    return keys


async def _has_village(table: str) -> bool:
    return bool(
        await fetch(
            "SELECT 1 FROM pg_attribute WHERE attrelid = :table::regclass AND attname = :column "
            "AND NOT attisdropped",
            table=table,
            column=PARTITION_KEY,
        )
    )


async def _partition(table: str, partitions: int) -> None:
    """Rebuild one empty table as its partitioned twin, keeping every name."""
    outgoing = [k for k in await _foreign_keys("c.conrelid", table) if k.target != table]
    incoming = await _foreign_keys("c.confrelid", table)
    for key in incoming:
        if not await _has_village(key.table):
            raise PartitioningRefused(
                f"{key.table}.{key.name} references {table} but {key.table} has no village"
            )
    keys = await fetch(
        """SELECT conname, contype::text AS contype,
            pg_get_constraintdef(oid) AS definition,
            ARRAY(SELECT a.attname FROM unnest(conkey) k(n) JOIN pg_attribute a
                  ON a.attrelid = conrelid AND a.attnum = k.n)::text[] AS columns
        FROM pg_constraint WHERE conrelid = :table::regclass AND contype IN ('p', 'u', 'x')
        ORDER BY contype, conname""",
        table=table,
    )
    indexes = await fetch(
        """SELECT pg_get_indexdef(i.indexrelid) AS definition
        FROM pg_index i WHERE i.indrelid = :table::regclass AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        table=table,
    )
    sequences = await fetch(
        """SELECT s.relname AS sequence, a.attname AS column
        FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.refobjid = :table::regclass AND d.deptype = 'a'""",
        table=table,
    )
    if await fetch(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = :table::regclass AND NOT tgisinternal",
        table=table,
    ):
        raise PartitioningRefused(f"{table} has triggers, which this rebuild does not carry")

    for key in incoming:
        await _run(f'ALTER TABLE "{key.table}" DROP CONSTRAINT "{key.name}"')
    for s in sequences:
        await _run(f'ALTER SEQUENCE "{s["sequence"]}" OWNED BY NONE')
    twin = f"{table}__partitioned"
    await _run(
        f'CREATE TABLE "{twin}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING '
        f"CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) "
        f"PARTITION BY HASH ({PARTITION_KEY})"
    )
    await _run(f'DROP TABLE "{table}"')
    await _run(f'ALTER TABLE "{twin}" RENAME TO "{table}"')
    for remainder in range(partitions):
        await _run(
            f'CREATE TABLE "{table}_p{remainder}" PARTITION OF "{table}" '
            f"FOR VALUES WITH (MODULUS {partitions}, REMAINDER {remainder})"
        )
    for unique in keys:
        await _run(_key_with_village(table, unique))
    for index in indexes:
        await _run(index["definition"])
    for s in sequences:
        await _run(f'ALTER SEQUENCE "{s["sequence"]}" OWNED BY "{table}"."{s["column"]}"')
    for fk in outgoing:
        await _run(fk.add())
    for fk in incoming:
        await _run(fk.with_village().add())


def _key_with_village(table: str, key: dict[str, Any]) -> str:
    """The primary key gains the village in front; any other key must have it already (the
    migrations keep every unique key per village, and a partitioned table needs it)."""
    if PARTITION_KEY not in key["columns"]:
        if key["contype"] != "p":
            raise PartitioningRefused(
                f"{key['conname']} ({key['definition']}) does not include the village"
            )
        return (
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{key["conname"]}" PRIMARY KEY '
            f"({', '.join([PARTITION_KEY, *key['columns']])})"
        )
    return f'ALTER TABLE "{table}" ADD CONSTRAINT "{key["conname"]}" {key["definition"]}'
