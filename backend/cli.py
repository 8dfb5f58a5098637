"""The ``jifen`` command line (typer + rich)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import typer
from rich.console import Console

from backend import cache, db
from backend.backup import cli as backup_cli
from backend.boards import cli as boards_cli
from backend.cards.cli import app as cards_app
from backend.ledger import cli as ledger_cli

app = typer.Typer(help="Jifen 积分: village civility points and the points supermarket.",
                  no_args_is_help=True)
console = Console()
app.add_typer(ledger_cli.app, name="ledger")
app.add_typer(boards_cli.app, name="boards")
app.add_typer(cards_app, name="cards")
app.command()(backup_cli.backup)
app.command()(backup_cli.restore)


def run(work: Callable[[], Awaitable[Any]]) -> Any:
    """Run one piece of async work with the database pool open, and close everything after."""

    async def wrapped() -> Any:
        await db.start()
        try:
            return await work()
        finally:
            await db.stop()
            await cache.close()

    return asyncio.run(wrapped())


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (safe to run again)."""
    from backend.migrations import migrate as run_migrations

    run(run_migrations)
    console.print("[green]数据库已是最新 · schema up to date[/green]")


GRACEFUL_SHUTDOWN_SECONDS = 5


@app.command()
def serve(
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64)] = 1,
) -> None:
    """Serve the API and the pages on JIFEN_HOST:JIFEN_PORT.

    uvicorn replaces this process (same pid, same signals): the server, or the supervisor of
    several workers, then holds uvicorn and the app but not the command line's imports —
    about 35 MB less resident memory per server.

    On SIGTERM requests in flight get a few seconds to finish, then what is still open is
    cancelled: a notice-board screen's event stream never ends by itself, and one screen left
    on kept the server from stopping at all (the screen reconnects to the next server)."""
    from backend.settings import get_settings

    settings = get_settings()
    if settings.is_memory_redis and workers > 1:
        raise typer.BadParameter("in-process Redis needs a single worker; set JIFEN_REDIS_URL")
    console.print(f"积分 Jifen → http://{settings.host}:{settings.port}")
    sys.stdout.flush()
    os.execv(sys.executable, [  # noqa: S606 (our own interpreter, fixed arguments)
        sys.executable, "-m", "uvicorn", "backend.app:create_app", "--factory",
        "--host", settings.host, "--port", str(settings.port), "--workers", str(workers),
        "--proxy-headers", "--log-level", "info",
        "--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS),
        *(["--reload"] if reload else []),
    ])


@app.command()
def demo(
    if_empty: Annotated[bool, typer.Option(help="Only when the database has no town yet.")] = False,
) -> None:
    """Load the demo township (two villages, ~150 households, one user per role). Idempotent."""
    from backend.demo import load_demo

    created = run(lambda: load_demo(console, if_empty=if_empty))
    console.print("[green]演示数据已就绪 · demo ready[/green]" if created
                  else "演示数据已存在 · demo already loaded")


@app.command()
def createuser(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option(help="town_admin, committee, grid_officer, shopkeeper")],
    town: Annotated[str | None, typer.Option(help="Town code (for town_admin).")] = None,
    village: Annotated[str | None, typer.Option(help="Village code (other roles).")] = None,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True)] = "",
    display_name: Annotated[str, typer.Option(
        help="How screens and receipts show the person (王丽); defaults to the username.")] = "",
) -> None:
    """Create a user with one role grant (villagers are made from the committee console)."""
    from backend.auth.principal import Role
    from backend.demo import create_user_by_codes

    try:
        chosen = Role(role)
    except ValueError as exc:
        raise typer.BadParameter(f"unknown role {role!r}") from exc
    user_id = run(lambda: create_user_by_codes(username, password, chosen, town, village,
                                                    display_name))
    console.print(f"[green]用户已创建 · user {username} created (id {user_id})[/green]")


def main() -> None:
    app()
