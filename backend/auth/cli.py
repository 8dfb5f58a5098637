"""``jifen passwd``, ``jifen deactivate`` … : the server operator's hand on staff accounts.

For the operator at the server's shell (no login needed: whoever has the shell has the
database). Each command is audited as ``cli`` and ends the account's sessions where it says so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import typer
from rich.console import Console

from backend.cli_run import run
from backend.errors import DomainError

console = Console()
Username = Annotated[str, typer.Argument(help="The account's username.")]


def _run(work: Callable[[], Awaitable[Any]]) -> Any:
    """Run the work; a refusal (weak password, unknown user) is printed in both languages and
    exits 1, with no traceback."""

    try:
        return run(work)
    except DomainError as refusal:
        console.print(f"[red]{refusal.message('zh-CN')} · {refusal.message('en')}[/red]")
        raise typer.Exit(1) from refusal


def passwd(
    username: Username,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Set a user's password (at least 10 characters, not a common one); their logins end."""
    from backend.audit.services import CLI_ACTOR
    from backend.auth import accounts

    _run(lambda: accounts.set_password_by_name(CLI_ACTOR, username, password))
    console.print(
        f"[green]密码已修改，{username} 的所有登录已失效 · password set, "
        f"every session of {username} ended[/green]"
    )


def deactivate(username: Username) -> None:
    """Stop a user from logging in, and end every session they have."""
    from backend.audit.services import CLI_ACTOR
    from backend.auth import accounts

    _run(lambda: accounts.set_active_by_name(CLI_ACTOR, username, False))
    console.print(
        f"[green]已停用 {username}，其所有登录已失效 · {username} deactivated, "
        "every session ended[/green]"
    )


def activate(username: Username) -> None:
    """Let a deactivated user log in again (with the password they had)."""
    from backend.audit.services import CLI_ACTOR
    from backend.auth import accounts

    _run(lambda: accounts.set_active_by_name(CLI_ACTOR, username, True))
    console.print(f"[green]已启用 {username} · {username} activated[/green]")


def end_sessions(username: Username) -> None:
    """End every login of a user now (a lost phone, a shared PC); the password stays."""
    from backend.audit.services import CLI_ACTOR
    from backend.auth import accounts

    async def work() -> int:
        return await accounts.end_sessions(CLI_ACTOR, await accounts.user_id_by_name(username))

    ended = _run(work)
    console.print(
        f"[green]已结束 {username} 的 {ended} 个登录 · ended {ended} sessions of {username}[/green]"
    )


def admin_access(
    username: Username,
    revoke: Annotated[bool, typer.Option(help="Close /admin to the account again.")] = False,
) -> None:
    """Open the read-only /admin view of the registry to one account (the server's operator)."""
    from backend.audit.services import CLI_ACTOR
    from backend.auth import accounts

    _run(lambda: accounts.set_admin_access(CLI_ACTOR, username, not revoke))
    console.print(f"[green]/admin {'closed to' if revoke else 'opened to'} {username}[/green]")


def register(app: typer.Typer) -> None:
    app.command("admin-access")(admin_access)
    app.command()(passwd)
    app.command()(deactivate)
    app.command()(activate)
    app.command("end-sessions")(end_sessions)
