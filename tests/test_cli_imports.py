"""The command line's imports point one way: the top level gathers the domains' commands.

``backend/cli.py`` imports every ``backend/*/cli.py``; were a domain to import it back (as each
once did, inside its commands, for ``run``), the cycle would only be dodged by importing late.
What every command needs is in :mod:`backend.cli_run`, which both import at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, wherever the import statement is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_only_the_entry_point_imports_the_top_level_command_line() -> None:
    importers = sorted(
        str(path.relative_to(BACKEND.parent))
        for path in BACKEND.rglob("*.py")
        if "backend.cli" in imported_modules(path)
    )
    assert importers == ["backend/__main__.py"]


def test_domain_command_lines_import_run_at_the_top() -> None:
    for path in BACKEND.glob("*/cli.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        late = [
            node.module
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef)
            for node in ast.walk(function)
            if isinstance(node, ast.ImportFrom)
            and node.module in ("backend.cli", "backend.cli_run")
        ]
        assert late == [], path
