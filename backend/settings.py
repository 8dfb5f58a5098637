"""Deployment settings: the one place that reads the environment.

Everything configurable is a ``JIFEN_*`` variable, read once into :class:`Settings`. The
defaults are the embedded ones (SQLite under ``var/``, in-process Redis, a secret generated on
first run) so that a fresh checkout serves a demo village with nothing else installed.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("zh-CN", "en")


@dataclass(frozen=True, slots=True)
class Settings:
    """What a deployment may choose; see the README's configuration table."""

    database_url: str
    redis_url: str
    secret_key: str
    host: str
    port: int
    https_port: int
    language: str
    var_dir: Path
    max_body_bytes: int
    login_failures_per_user: int
    login_failures_per_address: int
    household_failures_per_village: int
    household_failures_overall: int
    event_streams_per_address: int
    event_streams_total: int
    trusted_proxies: str
    token_days: int
    timezone: str
    # Where villagers' phones reach the deployment (posters' and notice sheets' QR codes);
    # empty: the address each request came to.
    public_url: str = ""
    # PostgreSQL only, read by ``jifen migrate`` on a fresh database: hash-partition the hot
    # tables by village into this many partitions (0: plain tables). docs/scaling.md.
    partitions: int = 0
    # PostgreSQL only: what sits between the app and the server. "" (direct) or
    # "pgbouncer-transaction" (PgBouncer in transaction mode: no prepared statements cached).
    database_pooler: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_memory_redis(self) -> bool:
        return self.redis_url.startswith("memory://")

    @property
    def is_cluster_redis(self) -> bool:
        """``redis+cluster://host:port[,host:port…]``: a Redis Cluster (db 0 only)."""
        return self.redis_url.startswith(("redis+cluster://", "rediss+cluster://"))


def _secret_from_file(var_dir: Path) -> str:
    """Generate the deployment secret on first run and keep it beside the embedded database.

    Card MACs are made with this key, so it must survive restarts; it never lives in the repo.
    """
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from exc


def _timezone(name: str) -> str:
    """Days and months (daily caps, monthly limits, periods) are counted in the village's time."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SystemExit(f"JIFEN_TIMEZONE: unknown time zone {name!r}") from exc
    return name


def _public_url(url: str) -> str:
    """A printed QR code must open on a villager's phone: an absolute http(s) address."""
    if url and not url.startswith(("http://", "https://")):
        raise SystemExit(f"JIFEN_PUBLIC_URL must start with http:// or https://, got {url!r}")
    return url.rstrip("/")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    var_dir = Path(env.get("JIFEN_VAR_DIR") or PROJECT_ROOT / "var")
    language = env.get("JIFEN_LANGUAGE", "zh-CN")
    if language not in LANGUAGES:
        raise SystemExit(f"JIFEN_LANGUAGE must be one of {', '.join(LANGUAGES)}")
    database_url = env.get("JIFEN_DATABASE_URL") or f"sqlite:///{var_dir / 'jifen.sqlite'}"
    if not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise SystemExit("JIFEN_DATABASE_URL must start with sqlite:/// or postgresql://")
    return Settings(
        database_url=database_url,
        redis_url=env.get("JIFEN_REDIS_URL") or "memory://",
        secret_key=env.get("JIFEN_SECRET_KEY") or _secret_from_file(var_dir),
        host=env.get("JIFEN_HOST", "127.0.0.1"),
        port=_int(env, "JIFEN_PORT", 8000),
        https_port=_int(env, "JIFEN_HTTPS_PORT", 8443),
        language=language,
        var_dir=var_dir,
        max_body_bytes=_int(env, "JIFEN_MAX_BODY_BYTES", 1_000_000),
        login_failures_per_user=_int(env, "JIFEN_LOGIN_FAILURES_PER_USER", 5),
        login_failures_per_address=_int(env, "JIFEN_LOGIN_FAILURES_PER_ADDRESS", 20),
        household_failures_per_village=_int(env, "JIFEN_HOUSEHOLD_FAILURES_PER_VILLAGE", 30),
        household_failures_overall=_int(env, "JIFEN_HOUSEHOLD_FAILURES_OVERALL", 200),
        event_streams_per_address=_int(env, "JIFEN_EVENT_STREAMS_PER_ADDRESS", 8),
        event_streams_total=_int(env, "JIFEN_EVENT_STREAMS", 200),
        trusted_proxies=env.get("JIFEN_TRUSTED_PROXIES", "").strip(),
        token_days=_int(env, "JIFEN_TOKEN_DAYS", 30),
        timezone=_timezone(env.get("JIFEN_TIMEZONE") or "Asia/Shanghai"),
        public_url=_public_url(env.get("JIFEN_PUBLIC_URL") or ""),
        partitions=_partitions(env),
        database_pooler=_pooler(env.get("JIFEN_DATABASE_POOLER") or ""),
    )


POOLERS = ("", "pgbouncer-transaction")


def _pooler(name: str) -> str:
    if name not in POOLERS:
        raise SystemExit("JIFEN_DATABASE_POOLER must be empty or pgbouncer-transaction")
    return name


def _partitions(env: dict[str, str]) -> int:
    count = _int(env, "JIFEN_PARTITIONS", 0)
    if not 0 <= count <= 1024:
        raise SystemExit("JIFEN_PARTITIONS must be between 0 (off) and 1024")
    return count


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def is_ci() -> bool:
    """CI turns skips for missing services into failures (read here, like every variable)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
