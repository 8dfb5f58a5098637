"""``jifen boards rebuild`` and ``jifen boards check``: Redis is a cache of the ledger."""

from __future__ import annotations

import asyncio
import json
import os
import urllib.error
import urllib.request
from typing import Annotated, Any

import typer
from rich.progress import Progress, track

from backend.boards.redis_leaderboards import rebuild, village_differences
from backend.cli_run import run
from backend.registry.tables import Village
from backend.settings import get_settings
from backend.terminal import make_console

app = typer.Typer(help="Leaderboards in Redis: rebuild them from the ledger, or check them.")
console = make_console()
REBUILD_AT_ONCE = 4


async def _villages(village: int | None) -> list[int]:
    if village is not None:
        return [village]
    return [r["id"] for r in await Village.select(Village.id).order_by(Village.id).run()]


async def rebuild_all(village: int | None) -> int:
    """Rebuild the boards of every village (or one), a few villages at a time so that one
    village's queries overlap another's Python and Redis work (scripts/bench/boards)."""
    ids = await _villages(village)
    villages = iter(ids)
    boards = 0
    with Progress(console=console) as progress:
        task = progress.add_task("重建排行榜 rebuilding", total=len(ids))

        async def worker() -> None:
            nonlocal boards
            for village_id in villages:
                made = await rebuild(village_id)
                boards += made
                progress.advance(task)

        await asyncio.gather(*(worker() for _ in range(REBUILD_AT_ONCE)))
    return boards


async def differences(village: int | None) -> list[str]:
    """Every board entry where Redis and the ledger disagree (missing boards included)."""
    found = []
    for village_id in track(
        await _villages(village), description="核对排行榜 checking", console=console
    ):
        found += await village_differences(village_id)
    return found


def _shared_redis_only() -> None:
    """The in-process Redis lives inside the server; a separate command cannot see it."""

    if get_settings().is_memory_redis:
        console.print(
            "[yellow]内置 Redis：排行榜在服务进程内，重启服务即自动重建。"
            " · With the in-process Redis the boards live inside the server and"
            " rebuild themselves on start; set JIFEN_REDIS_URL to check them.[/yellow]"
        )
        raise typer.Exit(0)


@app.command("rebuild")
def rebuild_command(
    village: Annotated[int | None, typer.Option(help="Only this village id.")] = None,
) -> None:
    """Rebuild every leaderboard from the ledger and swap it in atomically."""

    _shared_redis_only()
    boards = run(lambda: rebuild_all(village))
    console.print(f"[green]已重建 {boards} 个排行榜 · rebuilt {boards} boards[/green]")


def _ask_server(base: str, username: str, password: str, village: int | None) -> list[str]:
    """The running server's own check of its in-process boards, through the committee-only
    ``GET /api/v1/villages/{id}/boards-check``, for every village the user may see."""

    def call(method: str, path: str, token: str = "", body: object = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 (http(s) of our own server)
            f"{base}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {token}"} if token else {}),
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.load(response)

    token = call("POST", "/api/v1/auth/login", body={"username": username, "password": password})[
        "token"
    ]
    villages = [village] if village else [v["id"] for v in call("GET", "/api/v1/villages", token)]
    return [
        line
        for village_id in villages
        for line in call("GET", f"/api/v1/villages/{village_id}/boards-check", token)["differences"]
    ]


@app.command("check")
def check_command(
    village: Annotated[int | None, typer.Option(help="Only this village id.")] = None,
    username: Annotated[
        str | None,
        typer.Option(
            help="With the in-process Redis: a committee member or town admin of the running "
            "server, whose boards are checked there."
        ),
    ] = None,
    server: Annotated[
        str | None, typer.Option(help="The running server (default http://JIFEN_HOST:JIFEN_PORT).")
    ] = None,
) -> None:
    """Compare Redis with the ledger; exit 1 on any difference. On the embedded default the
    boards live inside the running server, so the server is asked (log in with --username; the
    password is asked, or read from JIFEN_PASSWORD for scripts)."""

    settings = get_settings()
    if settings.is_memory_redis:
        if not username:
            console.print(
                "[yellow]内置 Redis：排行榜在服务进程内，请用 --username"
                "（村委或镇管理员）让运行中的服务自己核对。 · With the in-process"
                " Redis the boards live in the running server: pass --username to"
                " have it check them.[/yellow]"
            )
            raise typer.Exit(2)
        password = os.environ.get("JIFEN_PASSWORD") or typer.prompt(
            "密码 password", hide_input=True
        )
        base = (server or f"http://{settings.host}:{settings.port}").rstrip("/")
        try:
            found = _ask_server(base, username, password, village)
        except (urllib.error.URLError, OSError) as exc:
            console.print(
                f"[red]无法连接运行中的服务 {base} · cannot reach the server: {exc}[/red]"
            )
            raise typer.Exit(2) from exc
    else:
        found = run(lambda: differences(village))
    for line in found:
        console.print(f"[red]{line}[/red]")
    if found:
        raise typer.Exit(1)
    console.print("[green]排行榜与账本一致 · boards match the ledger[/green]")
