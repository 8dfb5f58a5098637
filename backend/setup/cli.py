"""``jifen setup``: migrate, refuse a database with data, ask, build, say what comes next."""

from __future__ import annotations

import sys

import typer

from backend.cli_run import run
from backend.errors import DomainError
from backend.settings import get_settings
from backend.terminal import make_console

console = make_console()


def default_public_url() -> str:
    """The HTTPS address ``jifen serve --lan`` will print, or this PC's own when it has no LAN."""
    from backend.lan.addresses import lan_addresses

    settings = get_settings()
    addresses = lan_addresses("0.0.0.0")  # noqa: S104 (asking which addresses the LAN has)
    if addresses:
        return f"https://{addresses[0]}:{settings.https_port}"
    return f"http://127.0.0.1:{settings.port}"


def setup() -> None:
    """Set up a real township on an empty database, in Chinese (JIFEN_LANGUAGE=en: English):
    the town, its villages with their grids and moral groups, the town admin, each village's
    committee and shopkeeper accounts, the posters' address. Answers come from the terminal
    or one a line on standard input. Afterwards `jifen demo` refuses this database."""
    from backend.migrations import migrate
    from backend.setup import services
    from backend.setup.dialogue import Answers, gather_plan

    language = get_settings().language
    answers = Answers(sys.stdin, console, language)
    try:
        run(migrate)
        run(services.refuse_unless_empty)
        plan = gather_plan(answers, default_public_url())
        if plan is None:
            raise typer.Exit(1)
        done = run(lambda: services.set_up_township(plan))
    except DomainError as refused:
        console.print(refused.message(language), style="red", markup=False, highlight=False)
        for problem in refused.body(language).get("problems", []):  # a roster's bad cells
            place = f"{problem.get('column', '')}{problem.get('row', '')}"
            console.print(
                f"  {place} {problem['message']}", style="red", markup=False, highlight=False
            )
        raise typer.Exit(1) from refused
    console.print(answers.word("done", town=plan.town_name), style="green", highlight=False)
    for code, count in done.households.items():
        console.print(answers.word("roster_done", code=code, count=count), highlight=False)
    console.print(answers.word("next"), highlight=False)
    for key in ("next_serve", "next_public", "next_roster"):
        console.print(answers.word(key, url=plan.public_url), highlight=False, markup=False)
