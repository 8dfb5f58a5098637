"""The ``jifen`` command line (typer + rich)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from backend.auth import cli as auth_cli
from backend.backup import cli as backup_cli
from backend.boards import cli as boards_cli
from backend.cards.cli import app as cards_app
from backend.cli_run import run
from backend.ledger import cli as ledger_cli
from backend.setup import cli as setup_cli
from backend.terminal import make_console

app = typer.Typer(
    help="Jifen 积分: village civility points and the points supermarket.", no_args_is_help=True
)
console = make_console()
app.add_typer(ledger_cli.app, name="ledger")
app.add_typer(boards_cli.app, name="boards")
app.add_typer(cards_app, name="cards")
app.command()(backup_cli.backup)
app.command()(backup_cli.restore)
auth_cli.register(app)
app.command()(setup_cli.setup)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (safe to run again)."""
    from backend.migrations import migrate as run_migrations

    done = run(run_migrations)
    if done.applied:
        console.print(
            f"[green]数据库已更新：执行了 {done.applied} 个迁移 · schema up to date: "
            f"{done.applied} migrations run[/green]"
        )
    else:
        console.print(
            f"[green]数据库已是最新（{done.total} 个迁移）· schema already up to date "
            f"({done.total} migrations)[/green]"
        )
    if done.partitioned:
        console.print(
            f"[green]按村分区 · partitioned by village: {', '.join(done.partitioned)}[/green]"
        )


GRACEFUL_SHUTDOWN_SECONDS = 5


def proxy_arguments(trusted_proxies: str) -> list[str]:
    """uvicorn's forwarded-header options: ``X-Forwarded-For``/``-Proto`` are believed only from
    JIFEN_TRUSTED_PROXIES, and from nobody by default (uvicorn itself would trust 127.0.0.1)."""
    if trusted_proxies:
        return ["--proxy-headers", "--forwarded-allow-ips", trusted_proxies]
    return ["--no-proxy-headers"]


@app.command()
def serve(
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64)] = 1,
    lan: Annotated[
        bool,
        typer.Option(
            "--lan",
            help="Serve the village LAN: HTTPS on JIFEN_HTTPS_PORT with a local "
            "certificate authority, JIFEN_PORT redirects to it.",
        ),
    ] = False,
    host: Annotated[
        str | None,
        typer.Option(
            help="Listen on this address (default JIFEN_HOST; with --lan every interface)."
        ),
    ] = None,
) -> None:
    """Serve the API and the pages on JIFEN_HOST:JIFEN_PORT.

    uvicorn replaces this process (same pid, same signals): the server, or the supervisor of
    several workers, then holds uvicorn and the app but not the command line's imports —
    about 35 MB less resident memory per server.

    On SIGTERM requests in flight get a few seconds to finish, then what is still open is
    cancelled: a notice-board screen's event stream never ends by itself, and one screen left
    on kept the server from stopping at all (the screen reconnects to the next server).

    ``X-Forwarded-For``/``-Proto`` are believed only from ``JIFEN_TRUSTED_PROXIES`` (none by
    default): behind a proxy every client would otherwise have the proxy's address, and without
    one any client could name the address its failures are counted on."""
    from backend.settings import get_settings

    settings = get_settings()
    if settings.is_memory_redis and workers > 1:
        raise typer.BadParameter("in-process Redis needs a single worker; set JIFEN_REDIS_URL")
    if lan:
        if workers > 1 or reload:
            raise typer.BadParameter("--lan serves one worker without --reload")
        from backend.lan.server import serve_lan

        serve_lan(host or "0.0.0.0", console)  # noqa: S104 (the LAN is the point)
        return
    host = host or settings.host
    console.print(
        f"积分 Jifen → http://{host}:{settings.port}"
        + (
            ""
            if host != "127.0.0.1"
            else "（只有本机能打开；平板和手机请用 jifen serve --lan · this PC only: "
            "for tablets and phones use jifen serve --lan）"
        )
    )
    sys.stdout.flush()
    os.execv(  # noqa: S606 (our own interpreter, fixed arguments)
        sys.executable,
        [
            sys.executable,
            "-m",
            "uvicorn",
            "backend.app:create_app",
            "--factory",
            "--host",
            host,
            "--port",
            str(settings.port),
            "--workers",
            str(workers),
            *proxy_arguments(settings.trusted_proxies),
            "--log-level",
            "info",
            "--timeout-graceful-shutdown",
            str(GRACEFUL_SHUTDOWN_SECONDS),
            *(["--reload"] if reload else []),
        ],
    )


@app.command()
def demo(
    if_empty: Annotated[bool, typer.Option(help="Only when the database has no town yet.")] = False,
) -> None:
    """Load the demo township (two villages, ~150 households, one user per role). Idempotent."""
    from backend.demo import load_demo
    from backend.settings import get_settings
    from backend.setup.errors import DatabaseIsSetUp

    try:
        created = run(lambda: load_demo(console, if_empty=if_empty))
    except DatabaseIsSetUp as refused:
        console.print(refused.message(get_settings().language), markup=False)
        # scripts/serve asks with --if-empty on every start: a set-up township just serves.
        raise typer.Exit(0 if if_empty else 1) from refused
    console.print(
        "[green]演示数据已就绪 · demo ready[/green]"
        if created
        else "演示数据已存在 · demo already loaded"
    )


@app.command()
def createuser(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option(help="town_admin, committee, grid_officer, shopkeeper")],
    town: Annotated[str | None, typer.Option(help="Town code (for town_admin).")] = None,
    village: Annotated[str | None, typer.Option(help="Village code (other roles).")] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
    display_name: Annotated[
        str,
        typer.Option(
            help="How screens and receipts show the person (王丽); defaults to the username."
        ),
    ] = "",
    grid: Annotated[
        str | None,
        typer.Option(
            help="A grid officer's grid, by its name in the village (一网格); required for them."
        ),
    ] = None,
) -> None:
    """Create a user with one role grant (villagers are made from the committee console); a
    refusal (unknown town, village or grid, a grid officer without a grid) is printed in words."""
    from backend.auth.cli import _run
    from backend.auth.principal import Role
    from backend.demo import create_user_by_codes

    try:
        chosen = Role(role)
    except ValueError as exc:
        raise typer.BadParameter(f"unknown role {role!r}") from exc
    user_id = _run(
        lambda: create_user_by_codes(username, password, chosen, town, village, display_name, grid)
    )
    console.print(f"[green]用户已创建 · user {username} created (id {user_id})[/green]")


def main() -> None:
    from backend.private import keep_private

    keep_private()
    app()
