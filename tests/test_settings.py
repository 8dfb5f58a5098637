"""Settings come from JIFEN_* variables, with embedded defaults and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.settings import load_settings


def test_embedded_defaults_and_a_secret_kept_across_restarts(tmp_path: Path) -> None:
    first = load_settings({"JIFEN_VAR_DIR": str(tmp_path)})
    assert first.database_url == f"sqlite:///{tmp_path / 'jifen.sqlite'}"
    assert first.redis_url == "memory://"
    assert first.host == "127.0.0.1" and first.port == 8000
    assert first.language == "zh-CN"
    assert len(first.secret_key) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    again = load_settings({"JIFEN_VAR_DIR": str(tmp_path)})
    assert again.secret_key == first.secret_key


def test_explicit_values_win(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "JIFEN_VAR_DIR": str(tmp_path),
            "JIFEN_DATABASE_URL": "postgresql://jifen@db:5432/jifen",
            "JIFEN_REDIS_URL": "redis://cache:6379/0",
            "JIFEN_SECRET_KEY": "s" * 48,
            "JIFEN_PORT": "9000",
            "JIFEN_LANGUAGE": "en",
        }
    )
    assert not settings.is_sqlite and not settings.is_memory_redis
    assert settings.port == 9000 and settings.language == "en"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    "name, value",
    [("JIFEN_PORT", "eighty"), ("JIFEN_LANGUAGE", "fr"), ("JIFEN_DATABASE_URL", "mysql://x")],
)
def test_bad_values_stop_with_a_message(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        load_settings({"JIFEN_VAR_DIR": str(tmp_path), name: value})
    assert name in str(stopped.value)


def test_the_public_url_is_an_absolute_address_without_a_trailing_slash(tmp_path: Path) -> None:
    env = {"JIFEN_VAR_DIR": str(tmp_path)}
    assert load_settings(env).public_url == ""
    chosen = load_settings({**env, "JIFEN_PUBLIC_URL": "https://jifen.example.cn/"})
    assert chosen.public_url == "https://jifen.example.cn"
    with pytest.raises(SystemExit, match="JIFEN_PUBLIC_URL"):
        load_settings({**env, "JIFEN_PUBLIC_URL": "jifen.example.cn"})
