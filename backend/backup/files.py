"""Backup files: their names, how a finished one gets its name, and rotation.

Names sort by time (``jifen-YYYYmmdd-HHMMSS.<kind>``, UTC: no daylight saving or time-zone
change can reorder them), so the newest N are the last N names. A backup is written as
``<name>.partial``, fsynced, and renamed in one step into place once it has passed its checks;
one that fails them is kept as ``<name>.failed`` for the operator to look at. Neither suffix
matches the pattern, so neither is ever counted as a backup or rotated away.
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from backend import clock
from backend.backup.errors import BackupExists

KINDS = ("sqlite", "dump")
PATTERN = re.compile(r"^jifen-\d{8}-\d{6}\.(sqlite|dump)$")


def stamp(moment: datetime | None = None) -> str:
    """``YYYYmmdd-HHMMSS`` in UTC."""
    return (moment or clock.now()).astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def new_backup(directory: Path, kind: str) -> tuple[Path, Path]:
    """The final name of a backup taken now and the ``.partial`` name it is written under."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"jifen-{stamp()}.{kind}"
    if final.exists():
        raise BackupExists(path=str(final))
    return final, final.with_name(final.name + ".partial")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(partial: Path, final: Path) -> None:
    """Give a complete, checked backup its name: on disk first, then atomically renamed, so a
    power cut leaves either no backup or a whole one."""
    _fsync(partial)
    partial.rename(final)
    _fsync(final.parent)


def set_aside(partial: Path, final: Path) -> Path:
    """Keep a backup that failed its checks as ``<name>.failed``: not a backup, but evidence."""
    failed = final.with_name(final.name + ".failed")
    partial.rename(failed)
    return failed


def discard(partial: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()


def backups(directory: Path, kind: str) -> list[Path]:
    """The backups of one kind in ``directory``, oldest first; nothing else in it."""
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.iterdir()
        if PATTERN.match(p.name) and p.suffix == f".{kind}" and p.is_file()
    )


def rotate(directory: Path, kind: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups of one kind; returns what was deleted."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    doomed = backups(directory, kind)[:-keep]
    for path in doomed:
        path.unlink()
    return doomed
