"""What ``jifen serve --lan`` prints stays whole on a narrow terminal: an address or the
fingerprint that a clerk copies, or compares on a tablet, must not be broken across lines."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from backend.lan.announce import announce
from backend.lan.certificates import ensure_local_ca


def test_values_are_never_folded_on_an_80_column_terminal(tmp_path: Path) -> None:
    out = io.StringIO()
    terminal = Console(file=out, width=80, force_terminal=True, color_system=None)
    ca = ensure_local_ca(tmp_path)
    [printed] = announce(terminal, ca, ("192.168.100.200",), 18000, 18443)
    lines = out.getvalue().splitlines()
    for value in (
        ca.fingerprint,
        printed.https,
        printed.certificate_page,
        f"JIFEN_PUBLIC_URL={printed.https}",
    ):
        assert any(value in line for line in lines), value
