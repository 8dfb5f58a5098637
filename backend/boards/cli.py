"""``jifen boards rebuild`` and ``jifen boards check``: Redis is a cache of the ledger."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer
from rich.progress import Progress, track

from backend.boards.ranks import expected, rebuild
from backend.registry.tables import Village
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
    from backend import cache

    client = cache.redis()
    found = []
    for village_id in track(await _villages(village), description="核对排行榜 checking",
                            console=console):
        for name, scores in (await expected(village_id)).items():
            rows: Any = await client.zrange(name, 0, -1, withscores=True)
            actual = dict(rows)
            if actual != scores:
                missing = set(scores) - set(actual)
                wrong = {m for m in scores if m in actual and actual[m] != scores[m]}
                extra = set(actual) - set(scores)
                found.append(f"{name}: {len(missing)} missing, {len(wrong)} wrong, "
                             f"{len(extra)} extra")
    return found


def _shared_redis_only() -> None:
    """The in-process Redis lives inside the server; a separate command cannot see it."""
    from backend.settings import get_settings

    if get_settings().is_memory_redis:
        console.print("[yellow]内置 Redis：排行榜在服务进程内，重启服务即自动重建。"
                      " · With the in-process Redis the boards live inside the server and"
                      " rebuild themselves on start; set JIFEN_REDIS_URL to check them.[/yellow]")
        raise typer.Exit(0)


@app.command("rebuild")
def rebuild_command(
    village: Annotated[int | None, typer.Option(help="Only this village id.")] = None,
) -> None:
    """Rebuild every leaderboard from the ledger and swap it in atomically."""
    from backend.cli import run

    _shared_redis_only()
    boards = run(lambda: rebuild_all(village))
    console.print(f"[green]已重建 {boards} 个排行榜 · rebuilt {boards} boards[/green]")


@app.command("check")
def check_command(
    village: Annotated[int | None, typer.Option(help="Only this village id.")] = None,
) -> None:
    """Compare Redis with the ledger; exit 1 on any difference."""
    from backend.cli import run

    _shared_redis_only()
    found = run(lambda: differences(village))
    for line in found:
        console.print(f"[red]{line}[/red]")
    if found:
        raise typer.Exit(1)
    console.print("[green]排行榜与账本一致 · boards match the ledger[/green]")
