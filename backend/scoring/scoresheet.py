"""A period's score sheet: download it as xlsx, fill it in on paper or in Excel, upload it back.

Layout (the same for xlsx and CSV): row 1 names the period (评议周期 | name | 周期编号 | id), row 2
is the header (户号 | 户主 | one column per current rule, "code title (points)"), then one row per
household. Clerks add title rows above: the header is the first row whose first cell is 户号,
and the period number is read from the rows above it. A cell is how many times the rule applies,
or blank. A filled-in 户主 must match the household's head, which catches a sheet whose rows
slipped (and a CSV decoded with the wrong encoding). A household's row repeated word for word is
entered once (and said so); repeated with other scores, it is a problem. An upload with any bad
cell enters nothing and the refusal names every bad cell by sheet row and column letter. The same
scores uploaded twice in a period are refused, naming the first upload.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import asyncpg
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from backend.db import write_transaction
from backend.heavy import run_heavy
from backend.registry.tables import Household
from backend.scoring.batch import BatchResult, Cell, Repeat, enter_batch
from backend.scoring.errors import BadSheet, SheetAlreadyUploaded
from backend.scoring.evaluations import Scorer
from backend.scoring.periods import period
from backend.scoring.rules import Rule, current_rule_book
from backend.scoring.tables import ScoreSheetUpload
from backend.settings import get_settings
from backend.sheets import HEADER_SEARCH_ROWS, SheetProblem, at, header_row, text
from backend.sheets import sheet_rows as read_rows
from backend.spreadsheets import defuse

FIRST_RULE_COLUMN = 3
MAX_ROWS = 5000
MAX_TIMES = 100
MAX_COLUMNS = FIRST_RULE_COLUMN - 1 + 500  # a rule book has at most 500 rules


def rule_header(rule: Rule) -> str:
    return f"{rule.code} {rule.title} ({rule.points:+d})"


async def score_sheet_xlsx(village_id: int, period_id: int, grid_id: int | None) -> bytes:
    current = await period(village_id, period_id)
    rules = (await current_rule_book(village_id)).rules
    where = (Household.village == village_id) & (Household.status == "active")
    if grid_id is not None:
        where &= Household.grid == grid_id
    households = (
        await Household.select(Household.number, Household.head_name)
        .where(where)
        .order_by(Household.number)
        .run()
    )
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "评分表"
    sheet.append(("评议周期", current.name, "周期编号", period_id))
    sheet.append(("户号", "户主", *(rule_header(r) for r in rules)))
    for household in households:
        sheet.append((household["number"], household["head_name"]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 12
    for column in range(FIRST_RULE_COLUMN, FIRST_RULE_COLUMN + len(rules)):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.freeze_panes = "C3"
    out = io.BytesIO()
    defuse(workbook).save(out)
    return out.getvalue()


def sheet_rows(data: bytes) -> list[list[object]]:
    """The uploaded sheet's rows, title rows included (CPU-bound: run it with run_heavy)."""
    return read_rows(data, MAX_ROWS + HEADER_SEARCH_ROWS, MAX_COLUMNS)


def _times(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if 0 <= value <= MAX_TIMES else None
    words = text(value)
    if re.fullmatch(r"\d{1,3}", words) and int(words) <= MAX_TIMES:
        return int(words)
    return None


def _period_problem(rows: list[list[object]], header: int, period_id: int) -> SheetProblem | None:
    """None if a row above the header names this period after 周期编号."""
    for n, row in enumerate(rows[:header], start=1):
        texts = [text(v) for v in row]
        if "周期编号" in texts:
            column = texts.index("周期编号") + 2
            value = texts[column - 1] if column <= len(texts) else ""
            if value != str(period_id):
                return at(n, column, "wrong_period", period_id=period_id)
            return None
    return at(1, 1, "no_period")


@dataclass(frozen=True, slots=True)
class SheetCells:
    """What a sheet asks for: the cells, the rows that were repeats, every problem."""

    cells: list[Cell]
    repeats: list[Repeat]
    problems: list[SheetProblem]


async def cells_from_sheet(village_id: int, period_id: int, rows: list[list[object]]) -> SheetCells:
    """The cells a filled-in sheet asks for, and every problem of its layout and values."""
    header = header_row(rows, "户号")
    if header is None:
        kind = "empty_sheet" if not any(text(v) for r in rows for v in r) else "no_header"
        return SheetCells([], [], [at(1, 1, kind, first="户号")])
    problems: list[SheetProblem] = []
    wrong_period = _period_problem(rows, header, period_id)
    if wrong_period:
        problems.append(wrong_period)
    offset = next(i for i, v in enumerate(rows[header]) if text(v))
    codes = {r.code: r.id for r in (await current_rule_book(village_id)).rules}
    columns: dict[int, int] = {}
    first_rule = offset + FIRST_RULE_COLUMN
    for column, value in enumerate(rows[header][first_rule - 1 :], start=first_rule):
        code = text(value).split(" ")[0]
        if not code:
            continue
        if code not in codes:
            problems.append(at(header + 1, column, "unknown_rule_code", code=code))
        else:
            columns[column] = codes[code]
    body = [
        (n, list(r) + [None] * (offset + 2))
        for n, r in enumerate(rows[header + 1 :], start=header + 2)
        if any(text(v) for v in r)
    ]
    numbers = {text(r[offset]) for _, r in body if text(r[offset])}
    found = (
        await Household.select(Household.id, Household.number, Household.head_name)
        .where((Household.village == village_id) & Household.number.is_in(list(numbers) or [""]))
        .run()
    )
    households = {r["number"]: r["id"] for r in found}
    heads = {r["number"]: r["head_name"] for r in found}
    cells: list[Cell] = []
    repeats: list[Repeat] = []
    seen: dict[str, tuple[int, list[str]]] = {}
    for n, row in body:
        number = text(row[offset])
        words = [text(v) for v in row[offset + 1 :]]
        if number in seen:
            first_row, first_words = seen[number]
            if first_words == words:
                repeats.append(Repeat(n, first_row))
            else:
                problems.append(
                    at(n, offset + 1, "duplicate_household_row", number=number, first_row=first_row)
                )
            continue
        seen[number] = (n, words)
        if number not in households:
            problems.append(at(n, offset + 1, "unknown_household_number", number=number))
        elif text(row[offset + 1]) and text(row[offset + 1]) != heads[number]:
            problems.append(at(n, offset + 2, "head_mismatch", head=heads[number]))
        for column, value in enumerate(row[first_rule - 1 :], start=first_rule):
            if text(value) == "":
                continue
            times = _times(value)
            if times is None:
                problems.append(at(n, column, "bad_times", value=text(value), max=MAX_TIMES))
            elif times and column in columns and number in households:
                cells.append(Cell(households[number], columns[column], times, row=n, column=column))
    return SheetCells(cells, repeats, problems)


def sheet_digest(period_id: int, cells: list[Cell]) -> str:
    """SHA-256 over the scores a sheet asks for, in a fixed order: the same sheet saved again
    (or exported to CSV) has the same digest."""
    scores = sorted((c.household_id, c.rule_id, c.times) for c in cells)
    return hashlib.sha256(json.dumps([period_id, scores]).encode()).hexdigest()


async def _refuse_if_uploaded(village_id: int, period_id: int, digest: str) -> None:
    first = (
        await ScoreSheetUpload.select()
        .where(
            (ScoreSheetUpload.village == village_id)
            & (ScoreSheetUpload.period == period_id)
            & (ScoreSheetUpload.digest == digest)
        )
        .first()
        .run()
    )
    if first:
        moment = first["created_at"].astimezone(ZoneInfo(get_settings().timezone))
        raise SheetAlreadyUploaded(
            uploaded_at=moment.strftime("%Y-%m-%d %H:%M"),
            uploaded_by=first["uploader_name"],
            count=first["evaluations"],
        )


async def upload_score_sheet(
    scorer: Scorer, village_id: int, period_id: int, data: bytes, *, dry_run: bool = False
) -> BatchResult:
    """Enter a filled-in sheet, all or nothing; every bad cell is named in the refusal; the same
    scores are entered at most once per period (a second upload is refused, naming the first)."""
    sheet = await cells_from_sheet(village_id, period_id, await run_heavy(sheet_rows, data))
    problems = list(sheet.problems)
    digest = sheet_digest(period_id, sheet.cells)
    try:
        async with write_transaction():
            if sheet.cells:
                await _refuse_if_uploaded(village_id, period_id, digest)
            try:
                result = await enter_batch(
                    scorer,
                    village_id,
                    period_id,
                    sheet.cells,
                    dry_run=dry_run or bool(problems),
                    source="batch",
                )
            except BadSheet as refused:
                problems += refused.params["problems"]
            if problems:
                if sheet.cells:
                    # The same sheet may have been committed while this one waited (its scores
                    # are what now fill the caps): say that, not "over the cap".
                    await _refuse_if_uploaded(village_id, period_id, digest)
                raise BadSheet(problems)
            if not dry_run and sheet.cells:
                await ScoreSheetUpload.insert(
                    ScoreSheetUpload(
                        village=village_id,
                        period=period_id,
                        digest=digest,
                        uploaded_by=scorer.user_id,
                        uploader_name=scorer.name,
                        evaluations=len(result.evaluation_ids),
                    )
                ).run()
    except (asyncpg.UniqueViolationError, sqlite3.IntegrityError):
        # The same sheet, uploaded at the same moment, committed first (the unique index on
        # the digest held): this one rolled back whole and is told about that one.
        await _refuse_if_uploaded(village_id, period_id, digest)
        raise
    return replace(result, repeats=sheet.repeats)
