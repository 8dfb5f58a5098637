"""The Redis URL picks the client: in-process, one server, or a Redis Cluster."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis, RedisCluster

from backend import cache
from backend.cache import cluster_from_url, redis_from_settings
from backend.settings import load_settings


def test_a_cluster_url_names_its_seed_nodes() -> None:
    client = cluster_from_url("redis+cluster://jifen:s%40cret@10.0.0.1:7001,10.0.0.2:7002/0")
    assert [(n.host, n.port) for n in client.nodes_manager.startup_nodes.values()] == [
        ("10.0.0.1", 7001),
        ("10.0.0.2", 7002),
    ]
    assert client.connection_kwargs["password"] == "s@cret"
    assert client.connection_kwargs["username"] == "jifen"


@pytest.mark.parametrize("url", ["redis+cluster://10.0.0.1:7001/3", "redis+cluster://10.0.0.1"])
def test_a_cluster_url_without_ports_or_with_a_database_is_refused(url: str) -> None:
    with pytest.raises(SystemExit):
        cluster_from_url(url)


def test_a_plain_url_still_builds_the_single_server_client(tmp_path: object) -> None:
    settings = load_settings(
        {
            "JIFEN_VAR_DIR": str(tmp_path),
            "JIFEN_SECRET_KEY": "s" * 48,
            "JIFEN_REDIS_URL": "redis://127.0.0.1:6379/3",
        }
    )
    assert not settings.is_cluster_redis
    assert type(redis_from_settings(settings)) is Redis
    clustered = load_settings(
        {
            "JIFEN_VAR_DIR": str(tmp_path),
            "JIFEN_SECRET_KEY": "s" * 48,
            "JIFEN_REDIS_URL": "redis+cluster://127.0.0.1:7001",
        }
    )
    assert clustered.is_cluster_redis
    assert type(redis_from_settings(clustered)) is RedisCluster


async def test_an_unreachable_cluster_is_a_missing_cache_not_an_error() -> None:
    """redis-py's cluster client raises RedisClusterException (no RedisError) when no node
    answers: the one boundary must treat it as Redis being down, like any other failure."""
    client = cluster_from_url("redis+cluster://127.0.0.1:1")
    before = cache.failures["count"]
    assert await cache.guarded(client.ping(), False) is False
    assert cache.failures["count"] == before + 1
    await client.aclose()
