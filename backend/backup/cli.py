"""``jifen backup`` and ``jifen restore``: the operator's side of :mod:`backend.backup.services`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from backend.backup import services
from backend.backup.errors import BackupNotSound, RestoreNeedsYes
from backend.backup.proof import Proof
from backend.errors import DomainError
from backend.terminal import make_console

console = make_console()


def _refused(error: DomainError) -> typer.Exit:
    """Print a refusal (every finding first, if the ledger failed) and exit 1."""
    if isinstance(error, BackupNotSound):
        for failure in error.params.get("failures", []):
            console.print(
                f"[red]✗ 村 {failure.village_id} ({failure.check}) {failure.message}[/red]"
            )
    console.print(f"[red]✗ {error.message('zh-CN')}[/red]")
    console.print(f"[red]  {error.message('en')} ({error.code})[/red]")
    return typer.Exit(1)


def _print_proof(proof: Proof, *, sqlite: bool) -> None:
    """The copy's chain heads (first 12 hex of the hash: enough to compare by eye with
    ``jifen ledger head`` or a poster) and what was checked."""
    table = Table("村 village", "笔数 seq", "链头 head", title="账本链头 chain heads")
    for head in proof.heads:
        table.add_row(str(head.village), str(head.seq), head.hash[:12])
    console.print(table)
    if sqlite:
        console.print("[green]✓ 完整性检查通过 · integrity_check ok[/green]")
    console.print(
        f"[green]✓ 副本中 {proof.villages} 个村的账本核对无误 · "
        f"the copy's {proof.villages} ledgers hold[/green]"
    )


def _when(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def backup(
    to: Annotated[
        Path | None, typer.Option(help="Where backups go (default: $JIFEN_VAR_DIR/backups).")
    ] = None,
    keep: Annotated[
        int, typer.Option(min=1, help="How many backups of this kind to keep.")
    ] = services.DEFAULT_KEEP,
    verify: Annotated[
        bool,
        typer.Option(
            help="PostgreSQL: restore the dump into a scratch database and verify its ledger "
            "(SQLite backups are always verified)."
        ),
    ] = False,
) -> None:
    """Back up the database while the server runs, prove the copy's ledger, keep the newest N.

    File names carry the time in UTC: jifen-YYYYmmdd-HHMMSS.sqlite (SQLite) or .dump
    (pg_dump --format=custom)."""
    from backend.settings import get_settings

    directory = to or services.default_directory()
    console.print(
        f"备份数据库 backing up {get_settings().database_url.split('@')[-1]} → {directory}"
    )
    try:
        with console.status("正在备份并核对 copying and verifying …"):
            made = asyncio.run(services.back_up(directory, keep, verify=verify))
    except DomainError as error:
        raise _refused(error) from None
    if made.proof is not None:
        _print_proof(made.proof, sqlite=made.path.suffix == ".sqlite")
    else:
        console.print(
            "[yellow]未核对账本：没有把备份恢复出来检查。加 --verify 可恢复到临时数据库"
            "核对 · not verified: the dump was not restored; --verify restores it into "
            "a scratch database and verifies the ledger there[/yellow]"
        )
    console.print(
        f"[green]✓ 已备份 backed up: {made.path} ({made.size:,} bytes; "
        "名称中的时间为 UTC · the time in the name is UTC)[/green]"
    )
    for path in made.removed:
        console.print(f"  轮换删除 rotated away: {path.name}")
    console.print(f"保留最新 {keep} 份 · keeping the newest {keep}")


def restore(
    backup_file: Annotated[Path, typer.Argument(metavar="FILE", help="A jifen-….sqlite backup.")],
    yes: Annotated[bool, typer.Option("--yes", help="Really replace the database.")] = False,
) -> None:
    """Put a SQLite backup in place of the database (stop the server first).

    The current database is moved aside to jifen.sqlite.before-restore-<time>, never deleted;
    the backup's ledger is verified before anything is replaced. For PostgreSQL it prints the
    pg_restore command to use instead."""
    try:
        plan = services.plan_restore(backup_file)
        console.print(f"恢复备份 restoring: {plan.backup} ({_when(plan.backup)})")
        if plan.database.exists():
            console.print(
                f"将替换 will replace: {plan.database} ({_when(plan.database)}, "
                f"{plan.database.stat().st_size:,} bytes)"
            )
            console.print(f"原数据库移到 moved aside to: {plan.aside}")
        else:
            console.print(f"数据库尚不存在，直接放入 · no database yet at {plan.database}")
        if not yes:
            raise RestoreNeedsYes()
        with console.status("正在核对并恢复 verifying and restoring …"):
            proof = asyncio.run(services.restore(plan))
    except DomainError as error:
        raise _refused(error) from None
    _print_proof(proof, sqlite=True)
    console.print(f"[green]✓ 已恢复 restored {plan.database}[/green]")
    console.print(
        "若使用独立的 Redis，请运行 jifen boards rebuild · with a Redis server of your "
        "own, run jifen boards rebuild"
    )
