"""What ``jifen serve --lan`` prints stays as typed on a narrow terminal: an address or the
fingerprint that a clerk copies, or compares on a tablet, is never broken across lines, and
never read as rich markup or an emoji code."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from rich.console import Console

from backend.lan.announce import announce
from backend.lan.certificates import ensure_local_ca

# The fingerprint of a CI run's certificate: rich printed its ``:AB:`` as 🆎.
WITH_AN_EMOJI_CODE = (
    "33:28:6B:54:DC:C4:31:C2:AF:DD:42:12:E4:AB:87:93:"
    "11:E2:84:D4:55:32:71:BD:EA:85:18:4F:E5:F8:C6:A1"
)


def test_values_are_printed_whole_and_as_typed_on_an_80_column_terminal(tmp_path: Path) -> None:
    out = io.StringIO()
    terminal = Console(file=out, width=80, force_terminal=True, color_system=None)
    ca = dataclasses.replace(ensure_local_ca(tmp_path), fingerprint=WITH_AN_EMOJI_CODE)
    printed = announce(terminal, ca, ("192.168.100.200", "fe80::1"), 18000, 18443)
    lines = out.getvalue().splitlines()
    values = [ca.fingerprint, f"JIFEN_PUBLIC_URL={printed[0].https}"]
    for entry in printed:
        values += [entry.https, entry.certificate_page]
    for value in values:
        assert any(value in line for line in lines), value
