"""Cells that a spreadsheet program shows as text and never runs as a formula.

Names, reasons and donors are typed by people: a household head entered as
``=HYPERLINK("http://…","点击")`` or ``@SUM(…)`` must reach the committee's Excel as those
characters, not as a live formula (CSV/formula injection). Every export that writes cells goes
through here: CSV text that a spreadsheet would read as a formula gets a leading apostrophe (the
OWASP advice, which Excel and WPS show as plain text); an xlsx cell that openpyxl would store as a
formula is stored as a string instead, so the sheet shows exactly what was typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# What Excel, LibreOffice and WPS start a formula (or a DDE call) with in a CSV field.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_LEADS)


def csv_cell(value: object) -> object:
    """The value as a CSV field that opens as text."""
    return "'" + value if isinstance(value, str) and is_formula_like(value) else value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(value) for value in values]


def text_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """A row for a write-only sheet: strings that openpyxl would store as formulas become typed
    string cells (shown as typed, never evaluated)."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def defuse(book: Workbook) -> Workbook:
    """Every cell of a (normal) workbook that would be saved as a formula is saved as a string.

    None of our exports writes a formula on purpose, so any formula cell came from a person's
    text."""
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return book


# Reading uploads. A 17 KB xlsx can unpack to hundreds of MB of XML and millions of cells.
MAX_UNPACKED_BYTES = 16_000_000
MAX_MEMBERS = 200
MAX_SECONDS = 5.0


class SheetTooLarge(Exception):
    """The upload unpacks to too much, or takes too long to read: refused, never half-read."""


def xlsx_rows(
    data: bytes, *, max_rows: int, max_cols: int, seconds: float = MAX_SECONDS
) -> list[list[object]]:
    """The first sheet's values, at most ``max_rows`` × ``max_cols``. Raises
    :class:`SheetTooLarge` when the archive unpacks past MAX_UNPACKED_BYTES (checked before
    any XML is parsed) or reading takes longer than ``seconds``; ``zipfile.BadZipFile`` and
    openpyxl's own errors for a file that is not xlsx. Run it with
    :func:`backend.heavy.run_heavy`."""
    import time
    import zipfile
    from io import BytesIO

    from openpyxl import load_workbook

    with zipfile.ZipFile(BytesIO(data)) as archive:
        members = archive.infolist()
        # The sizes are the archive's word; zipfile never reads past a member's stated size,
        # so a member that lies about it is cut short and fails to parse instead.
        if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise SheetTooLarge()
    deadline = time.monotonic() + seconds
    book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        rows: list[list[object]] = []
        for row in book.worksheets[0].iter_rows(
            values_only=True, max_row=max_rows, max_col=max_cols
        ):
            if time.monotonic() > deadline:
                raise SheetTooLarge()
            rows.append(list(row))
        return rows
    finally:
        book.close()
