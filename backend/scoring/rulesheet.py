"""The rule book as an Excel sheet (编号/类别/内容/分值/每期上限/需要照片/可提议角色).

Reading is all or nothing: every bad cell is reported with its sheet row and column letter, and a
sheet with any problem adopts nothing.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook

from backend.scoring.errors import BadSheet
from backend.scoring.rules import NewRule, RuleBook
from backend.sheets import SheetProblem, at
from backend.spreadsheets import SheetTooLarge, defuse, xlsx_rows

HEADERS = ("编号", "类别", "内容", "分值", "每期上限", "需要照片", "可提议角色")
ROLE_NAMES = {"村委": "committee", "网格员": "grid_officer"}
ROLE_LABELS = {v: k for k, v in ROLE_NAMES.items()}
YES, NO = ("是", "需要", "yes", "y", "1", "true"), ("否", "不需要", "", "no", "n", "0", "false")
CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_ROWS = 500


def rule_book_xlsx(book: RuleBook) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"积分细则第{book.version}版"
    sheet.append(HEADERS)
    for rule in book.rules:
        sheet.append(
            (
                rule.code,
                rule.category,
                rule.title,
                rule.points,
                rule.cap,
                "是" if rule.evidence_required else "否",
                "、".join(ROLE_LABELS[p] for p in rule.proposers),
            )
        )
    for column, width in zip("ABCDEFG", (10, 12, 40, 8, 10, 10, 16), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    defuse(workbook).save(out)
    return out.getvalue()


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    return int(text) if re.fullmatch(r"[+-]?\d{1,9}", text) else None


def _rule_from_row(n: int, cells: tuple, problems: list[SheetProblem]) -> NewRule:
    """The row's rule; a bad cell adds to ``problems`` (and a sheet with any is refused whole,
    so the zero standing in for an unreadable number is never adopted)."""
    code, category, title = (_text(c) for c in cells[:3])
    if not CODE.match(code):
        problems.append(at(n, 1, "bad_rule_code"))
    if not 1 <= len(category) <= 32:
        problems.append(at(n, 2, "bad_category"))
    if not 1 <= len(title) <= 200:
        problems.append(at(n, 3, "bad_title"))
    points = _whole(cells[3])
    if points is None or points == 0 or abs(points) > 10_000:
        problems.append(at(n, 4, "bad_points"))
    cap = _whole(cells[4]) if _text(cells[4]) else 1
    if cap is None or not 1 <= cap <= 100:
        problems.append(at(n, 5, "bad_cap"))
    evidence = _text(cells[5]).lower()
    if evidence not in YES + NO:
        problems.append(at(n, 6, "bad_evidence_flag"))
    labels = [x for x in re.split(r"[、,，/\s]+", _text(cells[6])) if x] or ["村委"]
    if any(label not in ROLE_NAMES for label in labels):
        problems.append(at(n, 7, "bad_proposers"))
    return NewRule(
        code=code,
        category=category,
        title=title,
        points=points or 0,
        cap=cap or 0,
        evidence_required=evidence in YES,
        proposers=tuple(sorted({ROLE_NAMES.get(label, "committee") for label in labels})),
    )


def rules_from_xlsx(data: bytes) -> list[NewRule]:
    """The rules in an uploaded sheet, or :class:`BadSheet` naming every bad cell; CPU-bound,
    so run with :func:`backend.heavy.run_heavy`."""
    try:
        rows = xlsx_rows(data, max_rows=MAX_ROWS + 1, max_cols=7)
    except SheetTooLarge as exc:
        raise BadSheet([at(1, 1, "too_large")]) from exc
    except Exception as exc:  # openpyxl raises many types for a file that is not xlsx
        raise BadSheet([at(1, 1, "not_xlsx")]) from exc
    problems: list[SheetProblem] = []
    header = tuple(_text(c) for c in (rows[0] if rows else ()))
    for column, name in enumerate(HEADERS, start=1):
        if column > len(header) or header[column - 1] != name:
            problems.append(at(1, column, "bad_header", name=name))
    rules: list[NewRule] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        cells = tuple(raw) + (None,) * (7 - len(raw))
        if all(_text(c) == "" for c in cells):
            continue
        rule = _rule_from_row(n, cells, problems)
        if rule.code in seen:
            problems.append(at(n, 1, "duplicate_rule_code", first_row=seen[rule.code]))
        seen[rule.code] = n
        rules.append(rule)
    if not rules and not problems:
        problems.append(at(2, 1, "no_rules"))
    if problems:
        raise BadSheet(problems)
    return rules
