"""The Redis connection: a real server in production, fakeredis in-process by default.

Redis only ever holds what can be rebuilt (boards, nonces, rate limits, live fan-out), so callers
treat its failures as a missing cache: :func:`guarded` is the one boundary that logs and counts
them and lets the request go on.

A county runs Redis Cluster: ``JIFEN_REDIS_URL=redis+cluster://host:port[,host:port…]`` (seed
nodes; the client learns the rest of the cluster from them) builds redis-py's ``RedisCluster``.
Every key that belongs to a village carries its hash tag ``{v<id>}``, so what one village does
together (a board swap, a catch-up) lands on one slot; see docs/scaling.md.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable
from typing import Any, TypeAlias, TypeVar
from urllib.parse import unquote, urlsplit

from redis.asyncio import Redis, RedisCluster
from redis.asyncio.client import PubSub
from redis.asyncio.cluster import ClusterNode
from redis.exceptions import RedisClusterException, RedisError

from backend.settings import Settings, get_settings

log = logging.getLogger("jifen.cache")
T = TypeVar("T")
Client: TypeAlias = Redis | RedisCluster

# What "Redis failed" means to every caller: redis-py's errors, the socket's, and the cluster
# client's own (a cluster with no reachable node raises RedisClusterException, not a RedisError).
UNAVAILABLE: tuple[type[Exception], ...] = (RedisError, RedisClusterException, OSError)

_clients: dict[str, Client] = {}
failures = {"count": 0}


@functools.cache
def _fake_server() -> Any:
    """The in-process Redis, shared by every client of the process. Imported only when it is
    configured: fakeredis brings a Lua runtime, a few MB in every server worker otherwise."""
    import fakeredis

    return fakeredis.FakeServer()


# The requests' own pool: a request holds a connection for one command or pipeline at a time.
REQUEST_POOL_SIZE = 100


def cluster_from_url(url: str, max_connections: int = REQUEST_POOL_SIZE) -> RedisCluster:
    """``redis+cluster://[user:password@]host:port[,host:port…]`` (``rediss+cluster`` for TLS):
    the seed nodes of a Redis Cluster. ``max_connections`` is per node, as redis-py counts it."""
    parts = urlsplit(url)
    credentials, _, hosts = parts.netloc.rpartition("@")
    username, _, password = credentials.partition(":")
    nodes = []
    for seed in hosts.split(","):
        host, _, port = seed.rpartition(":")
        if not host or not port.isdigit():
            raise SystemExit(f"JIFEN_REDIS_URL: a cluster node is host:port, got {seed!r}")
        nodes.append(ClusterNode(host.strip("[]"), int(port)))
    if parts.path.strip("/") not in ("", "0"):
        raise SystemExit("JIFEN_REDIS_URL: Redis Cluster has database 0 only")
    return RedisCluster(
        startup_nodes=nodes,
        username=unquote(username) or None,
        password=unquote(password) or None,
        ssl=parts.scheme == "rediss+cluster",
        decode_responses=True,
        socket_connect_timeout=0.5,
        socket_timeout=1.0,
        max_connections=max_connections,
    )


def redis_from_settings(settings: Settings, max_connections: int = REQUEST_POOL_SIZE) -> Client:
    if settings.is_memory_redis:
        import fakeredis

        return fakeredis.FakeAsyncRedis(server=_fake_server(), decode_responses=True)
    if settings.is_cluster_redis:
        return cluster_from_url(settings.redis_url, max_connections)
    return Redis.from_url(
        settings.redis_url,
        decode_responses=True,
        socket_connect_timeout=0.5,
        socket_timeout=1.0,
        max_connections=max_connections,
    )


def redis() -> Client:
    """The process's client for the configured URL (clients are cheap; the pool is inside)."""
    url = get_settings().redis_url
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis_from_settings(get_settings())
    return client


def subscriber() -> Client:
    """A client with a pool of its own for pub/sub, which holds a connection for as long as a
    notice-board screen is open. Apart from :func:`redis`, so open screens can never take the
    connections that logins' limits, phone codes and boards need; sized to the cap on streams
    (``JIFEN_EVENT_STREAMS``), which is counted before a stream subscribes."""
    settings = get_settings()
    key = "subscriber:" + settings.redis_url
    client = _clients.get(key)
    if client is None:
        client = _clients[key] = redis_from_settings(settings, settings.event_streams_total + 1)
    return client


async def pubsub() -> PubSub:
    """A pub/sub on the :func:`subscriber` pool. A cluster client learns the slot map on its
    first command, and a subscriber's only commands are (UN)SUBSCRIBE, which redis-py routes by
    that map without loading it: load it first, or the subscribe fails on an empty map."""
    client = subscriber()
    if isinstance(client, RedisCluster):
        await client.initialize()
    return client.pubsub()


async def guarded(operation: Awaitable[T], default: T) -> T:
    """Run a Redis call; on failure log it, count it and answer ``default`` instead."""
    try:
        return await operation
    except UNAVAILABLE as exc:
        failures["count"] += 1
        log.warning("redis unavailable, going on without it: %s", exc)
        return default


async def ping() -> bool:
    """Whether Redis answers; on a cluster, whether every primary does (each holds a share of
    the villages, so one down is a county's boards down)."""
    client = redis()
    if isinstance(client, RedisCluster):
        return bool(await guarded(client.ping(target_nodes=RedisCluster.PRIMARIES), False))
    return await guarded(client.ping(), False)


async def close() -> None:
    for client in list(_clients.values()):
        await client.aclose()
    _clients.clear()
