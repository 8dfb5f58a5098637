"""Uploaded sheets (xlsx, or CSV in UTF-8 or GBK): their rows, their header row, and what is
wrong with each bad cell, in words for the request's language.

Every importer (score sheet, grid entry, rule book, household roster) refuses a sheet whole and
names each bad cell. A problem is kept as a ``kind`` and its data, not as a sentence, so the same
refusal reads in Chinese or English: the words are chosen where the reply is made
(:meth:`SheetProblem.as_dict`), from the one table below.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from backend.errors import DomainError
from backend.spreadsheets import SheetTooLarge, xlsx_rows

HEADER_SEARCH_ROWS = 20

WORDS: dict[str, tuple[str, str]] = {
    # any sheet
    "not_xlsx": ("不是有效的 xlsx 文件", "not a valid xlsx file"),
    "unknown_encoding": (
        "无法识别文件编码，请另存为 xlsx 或 UTF-8 CSV",
        "unknown text encoding: save as xlsx or UTF-8 CSV",
    ),
    "too_large": (
        "表格太大或太复杂（解压后超过 16 MB，或 5 秒内读不完），请删去多余的行和列后再上传",
        "the sheet is too large or complex (over 16 MB unpacked, or not read in 5 s): "
        "remove extra rows and columns and upload it again",
    ),
    "empty_sheet": ("表格是空的", "the sheet is empty"),
    "no_header": (
        "找不到表头行（第一列应为“{first}”）",
        "no header row found (its first column should read “{first}”)",
    ),
    "bad_header": ("表头应为“{name}”", "the header should read “{name}”"),
    # score sheets and grid entry
    "wrong_period": (
        "表格属于另一个评议周期（应为 {period_id}）",
        "the sheet belongs to another period (should be {period_id})",
    ),
    "no_period": (
        "找不到“周期编号”，请使用本周期下载的评分表",
        "no “周期编号” (period number): use the score sheet downloaded for this period",
    ),
    "unknown_rule_code": (
        "细则“{code}”不在现行积分细则中",
        "rule “{code}” is not in the current rule book",
    ),
    "unknown_household_number": (
        "本村没有户号“{number}”",
        "this village has no household number “{number}”",
    ),
    "head_mismatch": (
        "户主应为“{head}”，请核对是否错行",
        "the head of household should be “{head}”: has a row slipped?",
    ),
    "duplicate_household_row": (
        "户号“{number}”与第{first_row}行重复且内容不同",
        "household “{number}” appears again (row {first_row}) with different scores",
    ),
    "bad_times": ("“{value}”不是0–{max}的整数", "“{value}” is not a whole number from 0 to {max}"),
    "unknown_household": ("本村没有这一户", "no such household in this village"),
    "not_current_rule": ("不是本村现行细则", "not a rule of the current rule book"),
    "role_may_not_propose": ("您的角色不能提议这条细则", "your role may not propose this rule"),
    "own_household": ("不能为自己家评分", "nobody scores their own household"),
    "needs_photo": (
        "这条细则需要照片，请在“入户核实”中附照片单独录入",
        "this rule needs a photo: enter it on its own, with the photo",
    ),
    "over_cap": (
        "超过每期上限{cap}次（已有{before}次）",
        "over the cap of {cap} per period ({before} already)",
    ),
    # household rosters
    "missing_column": ("表头缺少“{name}”列", "the header has no “{name}” column"),
    "no_households": ("表格中没有农户", "the sheet lists no households"),
    "bad_household_number": (
        "户号须为1–32位字母、数字、-或_",
        "the household number must be 1–32 letters, digits, - or _",
    ),
    "bad_head_name": ("户主姓名不能为空，最多50字", "the head's name must be 1–50 characters"),
    "bad_address": ("住址最多200字", "the address is at most 200 characters"),
    "bad_phone": ("电话只能有数字、+、-和空格", "a phone number has only digits, +, - and spaces"),
    "bad_group_name": ("名称最多100字", "a name is at most 100 characters"),
    "bad_yes_no": ("请填“是”或“否”", "write 是 (yes) or 否 (no)"),
    "bad_members": (
        "家庭成员请写成“张三（妻）、李四（子）”，最多30人",
        "write members as 张三（妻）、李四（子）, at most 30",
    ),
    "duplicate_number_in_sheet": (
        "户号“{number}”与第{first_row}行重复",
        "household number “{number}” repeats row {first_row}",
    ),
    "household_number_taken": (
        "户号“{number}”在本村已存在",
        "household number “{number}” already exists in this village",
    ),
    # rule books
    "bad_rule_code": (
        "编号须为1–32位字母、数字、-或_",
        "the code must be 1–32 letters, digits, - or _",
    ),
    "bad_category": ("类别不能为空，最多32字", "the category must be 1–32 characters"),
    "bad_title": ("内容不能为空，最多200字", "the wording must be 1–200 characters"),
    "bad_points": (
        "分值须为非零整数（扣分为负数）",
        "points must be a non-zero whole number (negative for deductions)",
    ),
    "bad_cap": ("每期上限须为1–100的整数", "the cap must be a whole number from 1 to 100"),
    "bad_evidence_flag": ("需要照片请填“是”或“否”", "photo needed: write 是 (yes) or 否 (no)"),
    "bad_proposers": (
        "可提议角色只能是“村委”和/或“网格员”",
        "proposers can only be 村委 (committee) and/or 网格员 (grid officer)",
    ),
    "duplicate_rule_code": ("编号与第{first_row}行重复", "the code repeats row {first_row}"),
    "no_rules": ("表格中没有细则", "the sheet has no rules"),
}


@dataclass(frozen=True, slots=True)
class SheetProblem:
    """One bad cell: ``row`` and ``column`` (1-based; the column shown as a letter) of a sheet,
    or ``index`` of a list sent as JSON; ``kind`` is a key of :data:`WORDS` and ``params`` fill
    its words."""

    kind: str
    row: int | None = None
    column: int | None = None
    index: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def words(self, language: str) -> str:
        zh, en = WORDS[self.kind]
        return (en if language == "en" else zh).format(**self.params)

    def as_dict(self, language: str) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "message": self.words(language)}
        if self.row is not None:
            out["row"] = self.row
        if self.column is not None:
            out["column"] = get_column_letter(self.column)
        if self.index is not None:
            out["index"] = self.index
        return out

    def order(self) -> tuple[int, int, int]:
        return (self.row or 0, self.column or 0, self.index or 0)


def at(row: int, column: int, kind: str, **params: Any) -> SheetProblem:
    """The problem of the sheet cell at ``row``, ``column``."""
    return SheetProblem(kind, row=row, column=column, params=params)


class BadSheet(DomainError):
    """An upload with bad cells: nothing was changed; ``problems`` lists every bad cell."""

    code = "bad_sheet"
    status = 422
    zh = "表格有 {count} 处错误，未做任何修改。"
    en = "The sheet has {count} problem(s); nothing was changed."

    def __init__(self, problems: list[SheetProblem]) -> None:
        super().__init__(count=len(problems), problems=sorted(problems, key=SheetProblem.order))

    def body(self, language: str) -> dict[str, Any]:
        problems: list[SheetProblem] = self.params["problems"]
        return {**self.params, "problems": [p.as_dict(language) for p in problems]}


def sheet_rows(data: bytes, max_rows: int, max_cols: int = 600) -> list[list[object]]:
    """The first ``max_rows`` rows of an xlsx file's first sheet (within the size and time limits
    of :func:`backend.spreadsheets.xlsx_rows`), or of a CSV in UTF-8 (with or without BOM) or GBK
    (what Excel saves on a Chinese Windows). CPU-bound: run it with
    :func:`backend.heavy.run_heavy`."""
    if data[:2] == b"PK":
        try:
            return xlsx_rows(data, max_rows=max_rows, max_cols=max_cols)
        except SheetTooLarge as exc:
            raise BadSheet([at(1, 1, "too_large")]) from exc
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise BadSheet([at(1, 1, "not_xlsx")]) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gbk")
        except UnicodeDecodeError as exc:
            raise BadSheet([at(1, 1, "unknown_encoding")]) from exc
    parsed: list[list[object]] = [list[object](r[:max_cols]) for r in csv.reader(io.StringIO(text))]
    return parsed[:max_rows]


def text(value: object) -> str:
    """A cell as trimmed text ("" for an empty cell)."""
    return "" if value is None else str(value).strip()


def header_row(rows: list[list[object]], first: str) -> int | None:
    """The 0-based index of the header row: the first whose first filled cell reads ``first``
    (clerks put title rows and blank columns before it)."""
    for n, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = [text(v) for v in row if text(v)]
        if filled and filled[0] == first:
            return n
    return None
