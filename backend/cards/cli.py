"""``jifen cards …``: upkeep of the cards domain from the command line."""

from __future__ import annotations

import typer

from backend.cli_run import run
from backend.terminal import make_console

app = typer.Typer(help="Household cards and phone codes.", no_args_is_help=True)
console = make_console()


@app.command("prune-codes")
def prune_codes() -> None:
    """Forget spent phone codes older than a day (the server does it hourly; safe any time)."""
    from backend.cards import pruning

    count = run(pruning.prune_used_phone_codes)
    console.print(f"[green]已清理 {count} 条付款码记录 · pruned {count} spent phone codes[/green]")
