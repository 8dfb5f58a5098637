"""Issue 15 #12: the database, the secret, backups and evidence photos are owner-only on the
server, and ``jifen passwd`` / ``jifen deactivate`` work from the server's shell.

The commands run as the operator runs them — the ``jifen`` program in a child process, with the
usual umask 022 and a ``var/`` of its own — and the files they leave are looked at on disk.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from backend.settings import get_settings

JIFEN = Path(sys.executable).with_name("jifen")


def jifen(var_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JIFEN_VAR_DIR": str(var_dir), "JIFEN_REDIS_URL": "memory://"}
    env.pop("JIFEN_DATABASE_URL", None)  # the embedded database, in var_dir
    env.pop("JIFEN_SECRET_KEY", None)  # generated into var_dir/secret_key

    def umask_022() -> None:
        os.umask(0o022)

    return subprocess.run(
        [str(JIFEN), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=umask_022,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.sqlite_only
def test_var_and_what_the_commands_write_are_owner_only(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    assert jifen(var_dir, "migrate").returncode == 0
    made = jifen(var_dir, "backup")
    assert made.returncode == 0, made.stdout + made.stderr
    backups = list((var_dir / "backups").iterdir())
    assert backups
    for path in [
        var_dir,
        var_dir / "jifen.sqlite",
        var_dir / "secret_key",
        var_dir / "backups",
        *backups,
    ]:
        assert mode(path) & 0o077 == 0, f"{path}: {oct(mode(path))}"


@pytest.mark.sqlite_only
def test_an_older_var_is_tightened_at_start(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    assert jifen(var_dir, "migrate").returncode == 0
    (var_dir / "evidence").mkdir(mode=0o755)
    photo = var_dir / "evidence" / "old.jpg"
    photo.write_bytes(b"jpeg")
    photo.chmod(0o644)
    (var_dir / "jifen.sqlite").chmod(0o644)
    var_dir.chmod(0o755)
    assert jifen(var_dir, "migrate").returncode == 0
    for path in (var_dir, var_dir / "jifen.sqlite", var_dir / "evidence", photo):
        assert mode(path) & 0o077 == 0, f"{path}: {oct(mode(path))}"


@pytest.mark.sqlite_only
def test_passwd_and_deactivate_from_the_shell(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    assert jifen(var_dir, "migrate").returncode == 0
    town = subprocess.run(
        [
            sys.executable,
            "-c",
            "import asyncio\n"
            "from backend import db\n"
            "from backend.audit.services import CLI_ACTOR\n"
            "from backend.registry import services\n"
            "async def main():\n"
            "    await db.start(); await services.create_town(CLI_ACTOR, '测试镇', 'CLI')\n"
            "asyncio.run(main())\n",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k != "JIFEN_DATABASE_URL"},
            "JIFEN_VAR_DIR": str(var_dir),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert town.returncode == 0, town.stderr
    made = jifen(
        var_dir,
        "createuser",
        "chief",
        "--role",
        "town_admin",
        "--town",
        "CLI",
        "--password",
        "a-long-town-passphrase",
    )
    assert made.returncode == 0, made.stdout + made.stderr
    weak = jifen(var_dir, "passwd", "chief", stdin="password123\npassword123\n")
    assert weak.returncode == 1 and "common" in weak.stdout
    good = "另一个-long-passphrase\n"
    changed = jifen(var_dir, "passwd", "chief", stdin=good * 2)
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert jifen(var_dir, "deactivate", "chief").returncode == 0
    assert jifen(var_dir, "end-sessions", "nobody").returncode == 1


def test_the_test_server_s_var_is_owner_only() -> None:
    """The app itself (as the tests' ASGI client builds it) keeps its var/ private."""
    from backend.app import create_app

    create_app(background_jobs=False)
    assert mode(get_settings().var_dir) & 0o077 == 0
