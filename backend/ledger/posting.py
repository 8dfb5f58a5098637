"""Appending one transfer: the chain lock, the key check, two guarded balance updates, the row.

Invariants kept here, for every writer in :mod:`backend.ledger.services`:

- exactly one transfer per (village, key): the village's chain head is locked before the key is
  looked up, so a concurrent retry waits and then finds the first transfer; the unique
  constraint backs this up;
- the debit never goes below its floor: the floor is in the ``UPDATE … WHERE`` itself (and in a
  CHECK on the account), never a read-then-write in Python;
- each village's transfers form a gapless hash chain (``seq`` 1, 2, 3 …), appended under the lock
  on that village's head only, so villages never wait for one another.

On PostgreSQL a transfer whose accounts are open is appended by one call of the database
function ``ledger_append`` (one round trip; see its migration), which keeps the same invariants
with the same statements; everything else — SQLite, a first transfer, a refusal to explain, a
reversal, a batch — takes the Python path below.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from backend import clock, db
from backend.audit.services import Actor
from backend.db import is_postgres, write_transaction
from backend.errors import IdempotencyKeyReused, InvalidInput, NotFound
from backend.ledger.chain import canonical_json, fingerprint, genesis, link, new_public_id
from backend.ledger.errors import InsufficientPoints
from backend.ledger.verify import current_village_key

MAX_AMOUNT = 10_000_000
MAX_KEY = 200
MAX_REASON = 500
Floor = Literal["none", "zero", "village"]


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a transfer: an account named by kind and owner (None for issuance)."""

    kind: Literal["issuance", "household", "shop"]
    owner: int | None = None

    @property
    def floor(self) -> Floor:
        """How low a debit may take it: households follow the village, shops stop at zero."""
        return {"issuance": "none", "household": "village", "shop": "zero"}[self.kind]  # type: ignore[return-value]


ISSUANCE = Side("issuance")


@dataclass(frozen=True, slots=True)
class Posting:
    """What to write: built under the chain lock, after the key check."""

    kind: str
    debit: Side
    credit: Side
    amount: int
    reason: str
    reference: dict[str, Any]
    period_id: int | None = None
    reverses: int | None = None
    floor: Floor | None = None


@dataclass(frozen=True, slots=True)
class Posted:
    """A transfer as its caller sees it (frozen: ledger records are values).

    - ``id``, ``seq``: the row and its place in the village's chain.
    - ``kind``, ``amount``: why and how much (always positive; the kind gives the direction).
    - ``household_id``, ``balance``: the household on one side and its balance right after.
    - ``hash``: the chain link, for receipts and posters.
    - ``created_at``: when it was appended.
    - ``replayed``: True when the key had been used by the same request: this is that first
      transfer again, and nothing new was written.
    """

    id: int
    seq: int
    kind: str
    amount: int
    household_id: int
    balance: int
    hash: str
    created_at: datetime
    replayed: bool


@dataclass(frozen=True, slots=True)
class Head:
    """A village's chain head as locked: the last ``seq``, its ``hash`` and the village's frozen
    identity (``village_key``) that every link names."""

    seq: int
    hash: str
    village_key: str


@dataclass(frozen=True, slots=True)
class Moved:
    """An account just moved: its ``id``, its ``balance`` after the move and its frozen name in
    the chain (``identity``)."""

    id: int
    balance: int
    identity: str


@dataclass(frozen=True, slots=True)
class Names:
    """The stable names a link hashes instead of serial ids (None when there is none)."""

    period_name: str | None
    actor_username: str | None
    reverses_public_id: str | None


NO_NAMES = Names(None, None, None)


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored transfer with its two accounts' kinds and owners: what a reversal turns round."""

    id: int
    kind: str
    amount: int
    period_id: int | None
    debit_kind: Literal["issuance", "household", "shop"]
    debit_owner: int | None
    credit_kind: Literal["issuance", "household", "shop"]
    credit_owner: int | None


def check_request(amount: int, key: str, reason: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        raise InvalidInput(detail=f"amount must be an integer from 1 to {MAX_AMOUNT}")
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(detail=f"idempotency key must be 1 to {MAX_KEY} characters")
    if not reason.strip() or len(reason) > MAX_REASON:
        raise InvalidInput(detail=f"reason must be 1 to {MAX_REASON} characters")


async def post(
    actor: Actor,
    village_id: int,
    key: str,
    request: dict[str, Any],
    build: Posting | Callable[[], Awaitable[Posting]],
) -> Posted:
    """Append the transfer ``build`` describes (a posting, or how to make one under the lock),
    or replay the one ``key`` already made."""
    request_hash = fingerprint(request)
    if isinstance(build, Posting) and is_postgres():
        posted = await _append_in_postgres(actor, village_id, key, request_hash, build)
        if posted is not None:
            return posted
    return await _post(actor, village_id, key, request_hash, build)


async def _append_in_postgres(
    actor: Actor, village_id: int, key: str, request_hash: str, posting: Posting
) -> Posted | None:
    """The whole append as one call of ``ledger_append`` (its migration says what it does), in
    the open transaction or as a transaction of its own; None when it changed nothing and the
    Python path must finish: a head or account to open, or a floor that refuses."""
    created_at = clock.now()
    done = await db.first(
        APPEND_CALL,
        village=village_id,
        key=key,
        request_hash=request_hash,
        kind=posting.kind,
        debit_kind=posting.debit.kind,
        debit_owner=posting.debit.owner,
        debit_floor=posting.floor or posting.debit.floor,
        credit_kind=posting.credit.kind,
        credit_owner=posting.credit.owner,
        amount=posting.amount,
        reason=posting.reason,
        reference=canonical_json(posting.reference),
        period_id=posting.period_id,
        actor=actor.user_id,
        actor_name=actor.name[:100],
        reverses=posting.reverses,
        created_at=created_at,
        public_id=new_public_id(),
    )
    assert done is not None
    if done["outcome"] == "replay":
        earlier = await db.first(REPLAY_SQL + "WHERE t.id = :id", id=done["transfer_id"])
        assert earlier is not None
        return _replay(earlier, request_hash, key)
    if done["outcome"] != "posted":
        return None
    return _appended(
        posting,
        done["transfer_id"],
        done["seq"],
        done["hash"],
        created_at,
        done["debit_balance"],
        done["credit_balance"],
    )


def _appended(
    posting: Posting,
    transfer_id: int,
    seq: int,
    link_hash: str,
    created_at: datetime,
    debit_balance: int,
    credit_balance: int,
) -> Posted:
    """A transfer just written, as its caller sees it: the household's side and balance. The
    one place a new :class:`Posted` is made, for the database function, the Python path and a
    batch alike."""
    on_credit = posting.credit.kind == "household"
    household = posting.credit if on_credit else posting.debit
    return Posted(
        id=transfer_id,
        seq=seq,
        kind=posting.kind,
        amount=posting.amount,
        household_id=household.owner or 0,
        balance=credit_balance if on_credit else debit_balance,
        hash=link_hash,
        created_at=created_at,
        replayed=False,
    )


async def _post(
    actor: Actor,
    village_id: int,
    key: str,
    request_hash: str,
    build: Posting | Callable[[], Awaitable[Posting]],
) -> Posted:
    async with write_transaction():
        head = await _lock_head(village_id)
        prior = await first(
            "SELECT id FROM transfer WHERE village = :village AND idempotency_key = :key",
            village=village_id,
            key=key,
        )
        if prior is not None:
            earlier = await first(REPLAY_SQL + "WHERE t.id = :id", id=prior["id"])
            assert earlier is not None
            return _replay(earlier, request_hash, key)
        posting = build if isinstance(build, Posting) else await build()
        debit = await _move(
            village_id, posting.debit, -posting.amount, posting.floor or posting.debit.floor
        )
        credit = await _move(village_id, posting.credit, posting.amount, "none")
        row = _row(
            village_id,
            head,
            head.seq + 1,
            head.hash,
            key,
            request_hash,
            posting,
            debit,
            credit,
            await _names(actor, posting),
            actor,
            clock.now(),
        )
        inserted = await _append(row)
    return _appended(
        posting,
        inserted,
        row["seq"],
        row["hash"],
        row["created_at"],
        debit.balance,
        credit.balance,
    )


async def _append(row: dict[str, Any]) -> int:
    """Insert the transfer and move the chain head to it (one statement on PostgreSQL)."""
    columns = {c: row[c] for c in INSERT_COLUMNS}
    if is_postgres():
        inserted = await first(PG_APPEND_SQL, **columns)
    else:
        inserted = await first(INSERT_SQL, **columns)
        await fetch(
            HEAD_UPDATE_SQL,
            village=row["village"],
            seq=row["seq"],
            hash=row["hash"],
            updated_at=row["created_at"],
        )
    assert inserted is not None
    return int(inserted["id"])


async def post_many(
    actor: Actor, village_id: int, items: Sequence[tuple[str, dict[str, Any], Posting]]
) -> list[Posted]:
    """:func:`post` for many (key, request, posting) at once, answered in the same order.

    Same invariants, fewer round trips (a period close posts thousands): one lock of the head,
    one lookup of the keys, one insert per :data:`INSERT_ROWS` rows and one head update for the
    whole batch; each balance still moves in its own guarded statement, in order, so a floor
    refuses exactly what it would refuse one transfer at a time (and the batch with it).
    """
    keys = [key for key, _request, _posting in items]
    if len(set(keys)) != len(keys):
        raise InvalidInput(detail="every transfer of a batch needs its own idempotency key")
    if not items:
        return []
    async with write_transaction():
        head = await _lock_head(village_id)
        earlier = {
            row["idempotency_key"]: row
            for row in await fetch(
                REPLAY_SQL + "WHERE t.village = :village AND t.idempotency_key IN (:keys)",
                village=village_id,
                keys=keys,
            )
        }
        replayed = {
            key: _replay(earlier[key], fingerprint(request), key)
            for key, request, _posting in items
            if key in earlier
        }
        appended = iter(
            await _append_many(
                actor,
                village_id,
                head,
                [
                    (key, fingerprint(request), posting)
                    for key, request, posting in items
                    if key not in earlier
                ],
            )
        )
    return [replayed[key] if key in replayed else next(appended) for key in keys]


def _replay(row: dict[str, Any], request_hash: str, key: str) -> Posted:
    if row["request_hash"] != request_hash:
        raise IdempotencyKeyReused(key=key)
    return _posted(row, replayed=True)


async def _append_many(
    actor: Actor,
    village_id: int,
    head: Head,
    postings: list[tuple[str, str, Posting]],
) -> list[Posted]:
    """Move both balances of each (key, request hash, posting) in order, chain the rows after
    the locked ``head``, insert them and advance the head once."""
    if not postings:
        return []
    seq, prev_hash, now = head.seq, head.hash, clock.now()
    rows: list[dict[str, Any]] = []
    balances: list[tuple[int, int]] = []
    names: dict[tuple[int | None, int | None], Names] = {}
    for key, request_hash, posting in postings:
        debit = await _move(
            village_id, posting.debit, -posting.amount, posting.floor or posting.debit.floor
        )
        credit = await _move(village_id, posting.credit, posting.amount, "none")
        seq += 1
        names_key = (posting.period_id, posting.reverses)
        if names_key not in names:
            names[names_key] = await _names(actor, posting)
        row = _row(
            village_id,
            head,
            seq,
            prev_hash,
            key,
            request_hash,
            posting,
            debit,
            credit,
            names[names_key],
            actor,
            now,
        )
        prev_hash = row["hash"]
        rows.append(row)
        balances.append((debit.balance, credit.balance))
    ids: dict[int, int] = {}
    for start in range(0, len(rows), INSERT_ROWS):
        part = rows[start : start + INSERT_ROWS]
        marks, params = db.values(
            INSERT_COLUMNS, [[row[c] for c in INSERT_COLUMNS] for row in part]
        )
        inserted = await fetch(INSERT_MANY_SQL + marks + " RETURNING id, seq", **params)
        ids |= {r["seq"]: r["id"] for r in inserted}
    await fetch(HEAD_UPDATE_SQL, village=village_id, seq=seq, hash=prev_hash, updated_at=now)
    return [
        _appended(posting, ids[row["seq"]], row["seq"], row["hash"], now, *balance)
        for (_key, _hash, posting), row, balance in zip(postings, rows, balances, strict=True)
    ]


def _row(
    village_id: int,
    head: Head,
    seq: int,
    prev_hash: str,
    key: str,
    request_hash: str,
    posting: Posting,
    debit: Moved,
    credit: Moved,
    names: Names,
    actor: Actor,
    now: datetime,
) -> dict[str, Any]:
    """The transfer's columns (:data:`INSERT_COLUMNS`) beside the stable names the chain hashes
    (:data:`backend.ledger.chain.HASHED_FIELDS`), linked to ``prev_hash``."""
    row: dict[str, Any] = {
        "village": village_id,
        "seq": seq,
        "public_id": new_public_id(),
        "debit": debit.id,
        "credit": credit.id,
        "amount": posting.amount,
        "debit_balance": debit.balance,
        "credit_balance": credit.balance,
        "kind": posting.kind,
        "reason": posting.reason,
        "reference": canonical_json(posting.reference),
        "period_id": posting.period_id,
        "actor": actor.user_id,
        "actor_name": actor.name[:100],
        "idempotency_key": key,
        "request_hash": request_hash,
        "reverses": posting.reverses,
        "prev_hash": prev_hash,
        "created_at": now,
        "village_key": head.village_key,
        "debit_identity": debit.identity,
        "credit_identity": credit.identity,
        "period_name": names.period_name,
        "actor_username": names.actor_username,
        "reverses_public_id": names.reverses_public_id,
    }
    row["hash"] = link(prev_hash, row)
    return row


async def _names(actor: Actor, posting: Posting) -> Names:
    """The stable names of the period, the actor and the reversed transfer, in one round trip
    (each None when there is none, and then no round trip)."""
    if posting.period_id is None and actor.user_id is None and posting.reverses is None:
        return NO_NAMES
    names = await first(
        "SELECT (SELECT name FROM period WHERE id = :period) AS period_name, "
        "(SELECT username FROM piccolo_user WHERE id = :actor) AS actor_username, "
        "(SELECT public_id FROM transfer WHERE id = :reverses) AS reverses_public_id",
        period=posting.period_id,
        actor=actor.user_id,
        reverses=posting.reverses,
    )
    assert names is not None
    return Names(**names)


INSERT_COLUMNS = (
    "village",
    "seq",
    "public_id",
    "debit",
    "credit",
    "amount",
    "debit_balance",
    "credit_balance",
    "kind",
    "reason",
    "reference",
    "period_id",
    "actor",
    "actor_name",
    "idempotency_key",
    "request_hash",
    "reverses",
    "prev_hash",
    "hash",
    "created_at",
)
INSERT_SQL = (
    f"INSERT INTO transfer ({', '.join(INSERT_COLUMNS)}) VALUES "  # noqa: S608 (constants)
    f"({', '.join(f':{column}' for column in INSERT_COLUMNS)}) RETURNING id"
)
PG_APPEND_SQL = (
    f"WITH t AS ({INSERT_SQL}), h AS (UPDATE ledger_head SET seq = :seq, "  # noqa: S608
    "hash = :hash, updated_at = :created_at WHERE village = :village) SELECT id FROM t"
)
HEAD_UPDATE_SQL = (
    "UPDATE ledger_head SET seq = :seq, hash = :hash, updated_at = :updated_at "
    "WHERE village = :village"
)
INSERT_MANY_SQL = f"INSERT INTO transfer ({', '.join(INSERT_COLUMNS)}) VALUES "  # noqa: S608
INSERT_ROWS = 500  # 20 values a row: well under either engine's limit of bound values
APPEND_CALL = (
    "SELECT * FROM ledger_append(:village, :key, :request_hash, :kind, :debit_kind, "
    ":debit_owner, :debit_floor, :credit_kind, :credit_owner, :amount, :reason, :reference, "
    ":period_id, :actor, :actor_name, :reverses, :created_at, :public_id)"
)
REPLAY_SQL = """SELECT t.id, t.idempotency_key, t.seq, t.kind, t.amount, t.hash, t.created_at,
    t.request_hash,
    t.debit_balance, t.credit_balance, t.period_id, t.reverses, d.kind AS debit_kind,
    d.owner AS debit_owner, c.kind AS credit_kind, c.owner AS credit_owner
    FROM transfer t JOIN account d ON d.id = t.debit JOIN account c ON c.id = t.credit """


async def fetch(statement: str, /, **params: Any) -> list[dict[str, Any]]:
    """Rows of one ledger statement, which must run inside the open write transaction: a
    balance or a chain link written outside one would commit on its own."""
    db.require_transaction("ledger statements")
    return await db.fetch(statement, **params)


async def first(statement: str, /, **params: Any) -> dict[str, Any] | None:
    rows = await fetch(statement, **params)
    return rows[0] if rows else None


def _posted(row: dict[str, Any], *, replayed: bool) -> Posted:
    on_debit = row["debit_kind"] == "household"
    return Posted(
        id=row["id"],
        seq=row["seq"],
        kind=row["kind"],
        amount=row["amount"],
        household_id=row["debit_owner"] if on_debit else row["credit_owner"],
        balance=row["debit_balance"] if on_debit else row["credit_balance"],
        hash=row["hash"],
        created_at=row["created_at"],
        replayed=replayed,
    )


async def transfer_row(village_id: int, transfer_id: int) -> Stored:
    """A transfer of this village with its two accounts' kinds and owners (inside the lock)."""
    row = await first(
        REPLAY_SQL + "WHERE t.village = :village AND t.id = :id", village=village_id, id=transfer_id
    )
    if row is None:
        raise NotFound()
    return Stored(**{name: row[name] for name in Stored.__slots__})


async def is_reversed(transfer_id: int) -> bool:
    reversal = await first("SELECT id FROM transfer WHERE reverses = :id", id=transfer_id)
    return reversal is not None


async def _lock_head(village_id: int) -> Head:
    """Lock the village's chain head (created on first use) and return its seq and hash.

    PostgreSQL takes the row lock; SQLite's immediate transaction already holds the only write
    lock there is."""
    lock = (
        "SELECT seq, hash, village_key FROM ledger_head WHERE village = :village"  # noqa: S608
        + (" FOR UPDATE" if is_postgres() else "")
    )
    head = await first(lock, village=village_id)
    if head is None:
        key = await current_village_key(village_id)
        if not key:
            raise NotFound()
        await fetch(
            "INSERT INTO ledger_head (village, seq, hash, village_key) "
            "VALUES (:village, 0, :hash, :village_key) ON CONFLICT DO NOTHING",
            village=village_id,
            hash=genesis(key),
            village_key=key,
        )
        head = await first(lock, village=village_id)
        assert head is not None
    return Head(**head)


ALLOWS_NEGATIVE = "(SELECT allow_negative_balance FROM village WHERE id = :village)"
GUARDS: dict[Floor, str] = {
    "none": "",
    "zero": " AND balance + :delta >= 0",
    "village": f" AND (balance + :delta >= 0 OR {ALLOWS_NEGATIVE})",
}


async def _move(village_id: int, side: Side, delta: int, floor: Floor) -> Moved:
    """Add ``delta`` to the account's balance in one guarded statement; refuse below the floor.

    The statements are assembled from constant fragments only (S608 below); values are bound.

    A deduction also records the village's current setting on the account, so the CHECK
    ``allow_negative OR balance >= 0`` holds whatever the village decides later."""

    owner = "owner IS NULL" if side.owner is None else "owner = :owner"
    flag = f", allow_negative = {ALLOWS_NEGATIVE}" if floor == "village" else ""
    statement = (
        f"UPDATE account SET balance = balance + :delta{flag} WHERE village = :village "  # noqa: S608
        f"AND kind = :kind AND {owner}{GUARDS[floor]} RETURNING id, balance, identity"
    )
    account_of: dict[str, Any] = {"village": village_id, "kind": side.kind}
    if side.owner is not None:
        account_of["owner"] = side.owner
    for _attempt in range(2):
        moved = await first(statement, delta=delta, **account_of)
        if moved is not None:
            return Moved(**moved)
        account = await first(
            f"SELECT balance FROM account WHERE village = :village AND kind = :kind AND {owner}",  # noqa: S608
            **account_of,
        )
        if account is not None:
            raise InsufficientPoints(balance=account["balance"], amount=-delta)
        await _open_account(village_id, side)
    raise AssertionError("an account just opened must accept the statement")


async def _open_account(village_id: int, side: Side) -> None:
    """Open an account on first use; a household must belong to the village."""
    if (
        side.kind == "household"
        and await first(
            "SELECT id FROM household WHERE id = :id AND village = :village",
            id=side.owner,
            village=village_id,
        )
        is None
    ):
        raise NotFound()
    allow = {"issuance": "true", "household": ALLOWS_NEGATIVE, "shop": "false"}[side.kind]
    await fetch(
        f"INSERT INTO account (village, kind, owner, balance, allow_negative, identity) "  # noqa: S608
        f"VALUES (:village, :kind, :owner, 0, {allow}, :identity) ON CONFLICT DO NOTHING",
        village=village_id,
        kind=side.kind,
        owner=side.owner,
        identity=await _identity(side),
    )


async def _identity(side: Side) -> str:
    """The account's name in the hash chain: the household's public id, the shop's village key
    and name; frozen on the account, so renaming a shop later changes no link."""
    if side.kind == "household":
        row = await first("SELECT public_id FROM household WHERE id = :id", id=side.owner)
        assert row is not None
        return f"household:{row['public_id']}"
    if side.kind == "shop":
        row = await first("SELECT s.name, s.village FROM shop s WHERE s.id = :id", id=side.owner)
        if row is None:
            raise NotFound()
        return f"shop:{await current_village_key(row['village'])}/{row['name']}"
    return "issuance"
