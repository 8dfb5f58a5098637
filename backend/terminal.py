"""The one way the command line makes its rich console.

Rich lays tables out to the terminal's width, and when the output is a pipe or a file it
assumes 80 columns and cuts cells to fit: ``jifen ledger head | cat`` printed 54 of a chain
head's 64 hex characters, and a head copied that way onto a poster or into a report cannot
be checked. Piped, the console is as wide as the longest line needs, so what a script reads is
whole; on a terminal it keeps the terminal's width (long cells fold, nothing is cut).
"""

from __future__ import annotations

from rich.console import Console

PIPED_WIDTH = 10_000


def make_console(*, stderr: bool = False) -> Console:
    """A console that never cuts a value: the terminal's width, or no limit when piped."""
    console = Console(stderr=stderr)
    if not console.is_terminal:
        console = Console(stderr=stderr, width=PIPED_WIDTH)
    return console
