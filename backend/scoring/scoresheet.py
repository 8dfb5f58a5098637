"""A period's score sheet: download it as xlsx, fill it in on paper or in Excel, upload it back.

Layout (the same for xlsx and CSV): row 1 names the period (评议周期 | name | 周期编号 | id), row 2
is the header (户号 | 户主 | one column per current rule, "code title (points)"), then one row per
household. A cell is how many times the rule applies, or blank. A filled-in 户主 must match the
household's head, which catches a sheet whose rows slipped (and a CSV decoded with the wrong
encoding). An upload with any bad cell enters
nothing and the refusal names every bad cell by sheet row and column letter.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from backend.heavy import run_heavy
from backend.registry.tables import Household
from backend.scoring.batch import Cell, enter_batch
from backend.scoring.errors import BadSheet
from backend.scoring.evaluations import Scorer
from backend.scoring.periods import period
from backend.scoring.rules import current_rule_book
from backend.scoring.rulesheet import problem
from backend.spreadsheets import SheetTooLarge, defuse, xlsx_rows

FIRST_RULE_COLUMN = 3
MAX_ROWS = 5000
MAX_TIMES = 100
MAX_COLUMNS = FIRST_RULE_COLUMN - 1 + 500  # a rule book has at most 500 rules
TOO_LARGE = "表格太大或太复杂（解压后超过 16 MB，或 5 秒内读不完），请删去多余的行和列后再上传"


def rule_header(rule: dict[str, Any]) -> str:
    return f"{rule['code']} {rule['title']} ({rule['points']:+d})"


async def score_sheet_xlsx(village_id: int, period_id: int, grid_id: int | None) -> bytes:
    current = await period(village_id, period_id)
    rules = (await current_rule_book(village_id))["rules"]
    where = (Household.village == village_id) & (Household.status == "active")
    if grid_id is not None:
        where &= Household.grid == grid_id
    households = await Household.select(Household.number, Household.head_name).where(
        where).order_by(Household.number).run()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "评分表"
    sheet.append(("评议周期", current["name"], "周期编号", period_id))
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
    """Rows of an xlsx file, or of a CSV in UTF-8 (with or without BOM) or GBK; CPU-bound, so
    run with :func:`backend.heavy.run_heavy`."""
    if data[:2] == b"PK":
        try:
            return xlsx_rows(data, max_rows=MAX_ROWS + 2, max_cols=MAX_COLUMNS)
        except SheetTooLarge as exc:
            raise BadSheet(count=1, problems=[problem(1, 1, TOO_LARGE)]) from exc
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise BadSheet(count=1, problems=[problem(1, 1, "不是有效的 xlsx 文件")]) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gbk")
        except UnicodeDecodeError as exc:
            raise BadSheet(count=1, problems=[
                problem(1, 1, "无法识别文件编码，请另存为 xlsx 或 UTF-8 CSV")]) from exc
    parsed: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text))]
    return parsed[: MAX_ROWS + 2]


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _times(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if 0 <= value <= MAX_TIMES else None
    text = _text(value)
    if re.fullmatch(r"\d{1,3}", text) and int(text) <= MAX_TIMES:
        return int(text)
    return None


async def cells_from_sheet(
    village_id: int, period_id: int, rows: list[list[object]]
) -> tuple[list[Cell], list[dict[str, Any]]]:
    """The cells a filled-in sheet asks for, and every problem of its layout and values."""
    problems: list[dict[str, Any]] = []
    if len(rows) < 2:
        return [], [problem(1, 1, "表格是空的")]
    title = rows[0] + [None] * 4
    if _text(title[3]) != str(period_id):
        problems.append(problem(1, 4, f"表格属于另一个评议周期（应为 {period_id}）"))
    codes = {r["code"]: r["id"] for r in (await current_rule_book(village_id))["rules"]}
    columns: dict[int, int] = {}
    for column, header in enumerate(rows[1][FIRST_RULE_COLUMN - 1:], start=FIRST_RULE_COLUMN):
        code = _text(header).split(" ")[0]
        if not code:
            continue
        if code not in codes:
            problems.append(problem(2, column, f"细则“{code}”不在现行积分细则中"))
        else:
            columns[column] = codes[code]
    numbers = {_text(r[0]) for r in rows[2:] if r and _text(r[0])}
    found = await Household.select(Household.id, Household.number, Household.head_name).where(
        (Household.village == village_id) & Household.number.is_in(list(numbers) or [""])
    ).run()
    households = {r["number"]: r["id"] for r in found}
    heads = {r["number"]: r["head_name"] for r in found}
    cells = []
    for n, row in enumerate(rows[2:], start=3):
        if not any(_text(v) for v in row):
            continue
        row = row + [None] * 2
        number = _text(row[0])
        if number not in households:
            problems.append(problem(n, 1, f"本村没有户号“{number}”"))
        elif _text(row[1]) and _text(row[1]) != heads[number]:
            problems.append(problem(n, 2, f"户主应为“{heads[number]}”，请核对是否错行"))
        for column, value in enumerate(row[FIRST_RULE_COLUMN - 1:], start=FIRST_RULE_COLUMN):
            if _text(value) == "":
                continue
            times = _times(value)
            if times is None:
                problems.append(problem(n, column, f"“{_text(value)}”不是0–{MAX_TIMES}的整数"))
            elif times and column in columns and number in households:
                cells.append(Cell(households[number], columns[column], times,
                                  problem(n, column, "")))
    return cells, problems


async def upload_score_sheet(
    scorer: Scorer, village_id: int, period_id: int, data: bytes, *, dry_run: bool = False
) -> dict[str, Any]:
    """Enter a filled-in sheet, all or nothing; every bad cell is named in the refusal."""
    rows = await run_heavy(sheet_rows, data)
    cells, problems = await cells_from_sheet(village_id, period_id, rows)
    try:
        result = await enter_batch(scorer, village_id, period_id, cells,
                                   dry_run=dry_run or bool(problems), source="batch")
    except BadSheet as refused:
        problems += refused.params["problems"]
    if problems:
        problems.sort(key=lambda p: (p["row"], len(p["column"]), p["column"]))
        raise BadSheet(count=len(problems), problems=problems)
    return result
