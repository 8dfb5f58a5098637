"""Leaderboards: Redis sorted sets of *earned* points (never balance), rebuilt from the ledger.

Keys carry the village as a Redis Cluster hash tag, ``{v<id>}``, so one village's boards live on
one shard and can be swapped atomically. Members are zero-padded household ids, so ties order
stably. Scopes: the village, each grid (``g<id>``) and each moral group (``m<id>``); each for all
time (``all``) and for every period (``p<id>``).

The ledger is the outbox: every transfer has a per-village ``seq``, and Redis remembers the last
``seq`` it has applied (``{v<id>}:lb:mark``). :func:`catch_up` applies what came after the mark as
absolute totals recomputed from SQL — applying twice never double-counts, and a crash between the
database commit and Redis only delays the update until the next catch-up. A missing mark (Redis
restarted, FLUSHALL) means a full :func:`rebuild`, written into staging keys and swapped in by one
Lua script (:data:`SWAP_SCRIPT`), so readers never see a half-built board. Staging keys expire
(:data:`STAGING_TTL_SECONDS`): a rebuild that dies before its swap leaves nothing behind for long.

Everything a village's boards do together names only ``{v<id>}`` keys, so on a Redis Cluster it
runs in the village's one slot: the swap is an EVAL (a cluster pipeline refuses RENAME), catch-up's
MULTI touches one slot, and the update notice is PUBLISHed after the write, outside any pipeline.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from backend import cache, db
from backend.ledger import services as ledger
from backend.ledger.tables import Account, Transfer
from backend.registry.tables import Household

Scope = tuple[str, int | None]  # ("village", None) | ("grid", id) | ("group", id)
_locks: dict[int, asyncio.Lock] = {}


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an active household sits on the village's boards: its grid and moral group."""

    household_id: int
    grid: int | None
    moral_group: int | None

    @property
    def scopes(self) -> list[Scope]:
        """The boards it is on: the village's, its grid's and its moral group's."""
        scopes: list[Scope] = [("village", None)]
        if self.grid is not None:
            scopes.append(("grid", self.grid))
        if self.moral_group is not None:
            scopes.append(("group", self.moral_group))
        return scopes


def member(household_id: int) -> str:
    return f"{household_id:010d}"


def key(village_id: int, period_id: int | None, scope: Scope = ("village", None)) -> str:
    when = "all" if period_id is None else f"p{period_id}"
    kind, scope_id = scope
    suffix = {"village": "", "grid": f":g{scope_id}", "group": f":m{scope_id}"}[kind]
    return f"{{v{village_id}}}:lb:{when}{suffix}"


def mark_key(village_id: int) -> str:
    return f"{{v{village_id}}}:lb:mark"


def index_key(village_id: int) -> str:
    return f"{{v{village_id}}}:lb:keys"


def updates_channel(village_id: int) -> str:
    return f"{{v{village_id}}}:lb:updates"


async def ledger_seq(village_id: int) -> int:
    """How far the village's ledger has gone: every board read compares it with the mark, so it
    is one hand-written statement, without the query builder's cost."""
    row = await db.first("SELECT seq FROM ledger_head WHERE village = :village", village=village_id)
    return int(row["seq"]) if row else 0


async def active_households(village_id: int) -> list[Placement]:
    """The village's active households, each with the boards it is on."""
    rows = (
        await Household.select(Household.id, Household.grid, Household.moral_group)
        .where((Household.village == village_id) & (Household.status == "active"))
        .run()
    )
    return [Placement(r["id"], r["grid"], r["moral_group"]) for r in rows]


async def expected(village_id: int) -> dict[str, dict[str, float]]:
    """Every board of the village as SQL says it should be: key → {member: earned}.

    One query for the earned points of every period; each household's member and scopes are
    worked out once, and scores stay integers (what Redis is sent, and compares equal)."""
    placed = [
        (h.household_id, member(h.household_id), h.scopes)
        for h in await active_households(village_id)
    ]
    boards: dict[str, dict[str, float]] = {}
    for period_id, totals in (await ledger.earned_by_period(village_id)).items():
        of_scope: dict[Scope, dict[str, float]] = {}
        for household_id, name, scopes in placed:
            score = totals.get(household_id, 0)
            for scope in scopes:
                board = of_scope.get(scope)
                if board is None:
                    board = of_scope[scope] = boards.setdefault(
                        key(village_id, period_id, scope), {}
                    )
                board[name] = score
    return boards


async def rebuild(village_id: int) -> int:
    """Recompute every board of the village from the ledger and swap them in atomically."""
    async with _lock(village_id):
        return await _rebuild_locked(village_id)


async def _rebuild_locked(village_id: int) -> int:
    """The rebuild, for a caller that holds the village's lock."""
    mark = await ledger_seq(village_id)
    boards = await expected(village_id)
    client = cache.redis()
    old = set(await client.smembers(index_key(village_id)))
    token = await stage(village_id, boards)
    staged = [name for name, scores in boards.items() if scores]
    keys = [
        index_key(village_id),
        mark_key(village_id),
        *(k for name in staged for k in (staging_key(name, token), name)),
        *(old - set(boards)),
        *(set(boards) - set(staged)),
    ]
    await client.eval(SWAP_SCRIPT, len(keys), *keys, mark, len(staged), *boards)
    await publish_update(village_id, mark)
    return len(boards)


# A staging key lives this long unless the swap makes it a board first: long enough for the
# slowest rebuild's staging to finish, short enough that a dead rebuild's keys do not linger.
STAGING_TTL_SECONDS = 3600


def staging_key(name: str, token: str) -> str:
    """Where a rebuild writes a board before the swap; same hash tag, so same slot."""
    return f"{name}:tmp{token}"


async def stage(village_id: int, boards: dict[str, dict[str, float]]) -> str:
    """Write every non-empty board into a staging key that expires; returns the token the
    staging keys carry. Nothing a reader sees changes until the swap."""
    token = uuid.uuid4().hex[:8]
    staging = cache.redis().pipeline(transaction=False)
    for name, scores in boards.items():
        if scores:
            staged = staging_key(name, token)
            staging.delete(staged)
            staging.zadd(staged, scores)
            staging.expire(staged, STAGING_TTL_SECONDS)
    await staging.execute()
    return token


# The swap, atomic in the village's slot. KEYS: the index, the mark, then (staging, board)
# pairs, then boards to delete (stale, or now empty). ARGV: the mark, how many pairs, and every
# board's name for the index. A staging key that is gone (expired) fails the whole swap before
# anything changes; RENAME carries the staging TTL over, so PERSIST takes it off the board.
# The index is filled a thousand names at a time (Lua's unpack has a stack limit).
SWAP_SCRIPT = """
local pairs = tonumber(ARGV[2])
for i = 1, pairs do
    if redis.call('EXISTS', KEYS[1 + 2 * i]) == 0 then
        return redis.error_reply('staging key expired before the swap: ' .. KEYS[1 + 2 * i])
    end
end
for i = 1, pairs do
    redis.call('RENAME', KEYS[1 + 2 * i], KEYS[2 + 2 * i])
    redis.call('PERSIST', KEYS[2 + 2 * i])
end
for i = 3 + 2 * pairs, #KEYS do
    redis.call('DEL', KEYS[i])
end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, 1000 do
    redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('SET', KEYS[2], ARGV[1])
return pairs
"""


async def publish_update(village_id: int, news: int | str) -> None:
    """Tell the village's open notice-board screens that its boards changed. Outside any
    pipeline: a cluster pipeline refuses PUBLISH, and a screen only needs the notice after the
    write it announces."""
    await cache.redis().publish(updates_channel(village_id), news)


def _lock(village_id: int) -> asyncio.Lock:
    lock = _locks.get(village_id)
    if lock is None:
        lock = _locks[village_id] = asyncio.Lock()
    return lock


async def catch_up(village_id: int) -> None:
    """Apply the transfers after Redis's mark (or rebuild if Redis lost the boards)."""
    client = cache.redis()
    raw_mark = await client.get(mark_key(village_id))
    if raw_mark is None:
        await rebuild(village_id)
        return
    head = await ledger_seq(village_id)
    if head <= int(raw_mark):
        return
    async with _lock(village_id):
        mark = int(await client.get(mark_key(village_id)) or 0)
        changed = (
            await Transfer.select(Transfer.debit, Transfer.credit, Transfer.period_id)
            .where(
                (Transfer.village == village_id) & (Transfer.seq > mark) & (Transfer.seq <= head)
            )
            .run()
        )
        accounts = {c for row in changed for c in (row["debit"], row["credit"])}
        kinds = (
            await Account.select(Account.id, Account.owner, Account.kind)
            .where(Account.id.is_in(list(accounts) or [0]))
            .run()
        )
        by_account = {r["id"]: r["owner"] for r in kinds if r["kind"] == "household"}
        issuance = {r["id"] for r in kinds if r["kind"] == "issuance"}
        touched: set[tuple[int, int | None]] = set()
        for row in changed:
            # Earned points move between the issuance account and a household only: a sale
            # (household → shop) changes no board, so it costs no recount.
            pair = {row["debit"], row["credit"]}
            if not pair & issuance:
                continue
            for account in pair & by_account.keys():
                touched |= {
                    (by_account[account], None),
                    (by_account[account], row["period_id"]),
                }
        households = {h.household_id: h for h in await active_households(village_id)}
        known = set(await client.smembers(index_key(village_id)))
        if any(key(village_id, period_id) not in known for _, period_id in touched):
            # A period's first posting: its boards must hold every active household (idle ones
            # at 0), which only a rebuild writes.
            await _rebuild_locked(village_id)
            return
        write = client.pipeline(transaction=True)
        for household_id, period_id in touched:
            if household_id not in households:
                continue
            score = await ledger.earned(village_id, household_id, period_id)
            for scope in households[household_id].scopes:
                name = key(village_id, period_id, scope)
                write.zadd(name, {member(household_id): score})
                write.sadd(index_key(village_id), name)
        write.set(mark_key(village_id), head)
        await write.execute()
        await publish_update(village_id, head)


async def village_differences(village_id: int) -> list[str]:
    """Every board of the village where Redis and the ledger disagree, one line per board
    (``{v1}:lb:p3: 1 missing, 0 wrong, 0 extra``); empty when they match."""
    client = cache.redis()
    found = []
    for name, scores in (await expected(village_id)).items():
        rows: Any = await client.zrange(name, 0, -1, withscores=True)
        actual = {who.decode() if isinstance(who, bytes) else who: score for who, score in rows}
        if actual != scores:
            missing = set(scores) - set(actual)
            wrong = {m for m in scores if m in actual and actual[m] != scores[m]}
            extra = set(actual) - set(scores)
            found.append(f"{name}: {len(missing)} missing, {len(wrong)} wrong, {len(extra)} extra")
    return found


async def follow_household(village_id: int, household_id: int) -> None:
    """Put one household where the registry now says it belongs, on every board of the village:
    off every board, then — if active — on its village, grid and group boards, all time and
    every period, at its earned points (0 where it earned nothing). Exact whatever the change
    (registered, moved, deactivated, reinstated); without a mark the next read rebuilds anyway."""
    client = cache.redis()
    async with _lock(village_id):
        if await client.get(mark_key(village_id)) is None:
            return
        row = (
            await Household.select(
                Household.id, Household.grid, Household.moral_group, Household.status
            )
            .where((Household.id == household_id) & (Household.village == village_id))
            .first()
            .run()
        )
        names = set(await client.smembers(index_key(village_id)))
        write = client.pipeline(transaction=True)
        for name in names:
            write.zrem(name, member(household_id))
        if row is not None and row["status"] == "active":
            placement = Placement(household_id, row["grid"], row["moral_group"])
            for period_id, totals in (await ledger.earned_by_period(village_id)).items():
                for scope in placement.scopes:
                    name = key(village_id, period_id, scope)
                    write.zadd(name, {member(household_id): totals.get(household_id, 0)})
                    write.sadd(index_key(village_id), name)
        await write.execute()
        await publish_update(village_id, "registry")
