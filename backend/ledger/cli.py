"""``jifen ledger``: prove the ledger holds (``verify``), print the chain heads (``head``), move a
village between databases (``export-village``, ``import-village``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Column, Table

from backend.cli_run import run
from backend.ledger import verify as checks
from backend.ledger.moving import Moved
from backend.ledger.verify import StoredHead
from backend.terminal import make_console

app = typer.Typer(
    help="The points ledger: verify the hash chains, print their heads, move a "
    "village to another database.",
    no_args_is_help=True,
)
console = make_console()


def _heads_table(rows: list[StoredHead]) -> Table:
    table = Table(
        "村 village",
        "笔数 seq",
        Column("链头 head hash", overflow="fold", min_width=64),
        "更新 updated",
    )
    for row in rows:
        table.add_row(
            str(row.village),
            str(row.seq),
            row.hash,
            row.updated_at.isoformat(timespec="seconds"),
        )
    return table


async def verify_ledgers(village_id: int | None, out: Console) -> list[checks.Failure]:
    """Run every check over one village or all of them; print failures, then the heads."""
    villages = [village_id] if village_id is not None else await checks.ledger_villages()
    failures: list[checks.Failure] = []
    for vid in track(villages, description="核对账本 verifying", console=out, transient=True):
        failures += await checks.verify_village(vid)
    for failure in failures:
        out.print(f"[red]✗ 村 {failure.village_id} ({failure.check}) {failure.message}[/red]")
    if not failures:
        out.print(_heads_table(await checks.heads(village_id)))
        out.print(f"[green]✓ {len(villages)} 个村的账本全部核对无误 · all ledgers hold[/green]")
    return failures


@app.command()
def verify(
    village: Annotated[int | None, typer.Option(help="Only this village id.")] = None,
) -> None:
    """Recompute every hash chain and cached balance; exit 1 naming the first broken transfer."""

    if run(lambda: verify_ledgers(village, console)):
        raise typer.Exit(1)


@app.command()
def head(
    village: Annotated[int | None, typer.Option(help="Only this village id.")] = None,
) -> None:
    """Print each village's chain head (seq and hash), e.g. for the notice-board poster."""

    console.print(_heads_table(run(lambda: checks.heads(village))))


def _moved(moved: Moved, verb: str) -> None:
    console.print(
        f"[green]✓ {verb} 村 {moved.code} (id {moved.village_id}): "
        f"{sum(moved.rows.values())} rows · 链头 head seq {moved.head_seq} "
        f"{moved.head_hash} · 排行榜 boards {moved.boards}[/green]"
    )


@app.command("export-village")
def export_village(
    code: Annotated[str, typer.Argument(help="The village's code.")],
    file: Annotated[Path, typer.Argument(help="Where to write its history (JSON).")],
) -> None:
    """Write one village's whole history (registry, scoring, shop, ledger, audit) to FILE; the
    database is left untouched."""
    from backend.ledger.moving import export_village as export

    document, moved = run(lambda: export(code))
    file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    _moved(moved, "导出 exported")


@app.command("import-village")
def import_village(
    file: Annotated[Path, typer.Argument(help="A file written by export-village.")],
) -> None:
    """Put the village of FILE into this database, every chain head unchanged, all or nothing;
    refused by name, before anything is written, when its code, a login, a household or a board
    is already here, it shares a shop with another village, or the schemas differ; refused
    before commit when its chain fails."""
    from backend.audit.services import CLI_ACTOR
    from backend.errors import DomainError
    from backend.ledger.moving import import_village as put
    from backend.settings import get_settings

    try:
        moved = run(lambda: put(CLI_ACTOR, json.loads(file.read_text(encoding="utf-8"))))
    except DomainError as refused:
        console.print(f"[red]✗ {refused.code}: {refused.message(get_settings().language)}[/red]")
        raise typer.Exit(1) from refused
    _moved(moved, "导入 imported")
