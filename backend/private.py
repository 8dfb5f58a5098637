"""Everything the server writes is readable by its own user alone.

The embedded database, its write-ahead log, the deployment secret, backups and evidence photos
(a villager's home, with the household's name beside it) were world-readable on the village PC:
any other account on it, or a web server sharing the machine, could copy them. Every ``jifen``
command and the app itself call :func:`keep_private` first: the process's umask becomes 077, so
each file and folder it creates from then on is owner-only, and what an older version left in
``var/`` is tightened once at start.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from backend.settings import get_settings

OWNER_ONLY_UMASK = 0o077
# What an older version left readable, tightened at start (nothing here is served as a file
# except product pictures, which the app reads itself).
PRIVATE = (
    "jifen.sqlite",
    "jifen.sqlite-wal",
    "jifen.sqlite-shm",
    "secret_key",
    "backups",
    "evidence",
    "pictures",
)


def _tighten(path: Path) -> None:
    with contextlib.suppress(OSError):  # not ours, or gone meanwhile: leave it as it is
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)


def keep_private() -> None:
    """Owner-only from now on (umask 077), and ``var/`` and what it holds tightened."""
    os.umask(OWNER_ONLY_UMASK)
    var_dir = get_settings().var_dir
    var_dir.mkdir(parents=True, exist_ok=True)
    _tighten(var_dir)
    for name in PRIVATE:
        path = var_dir / name
        if path.exists():
            _tighten(path)
            if path.is_dir():
                for child in path.iterdir():
                    _tighten(child)
