"""How a transfer reads to a person: statement lines and export rows, in words.

The ledger stores the reason the caller gave ("环境卫生达标 +5", "兑换：洗衣粉 ×2") and a reference
to the source; this module adds what the kind means, the period and the reversed transfer, so a
villager never sees a bare code.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from backend.ledger.tables import Account, Transfer
from backend.registry.tables import Household
from backend.spreadsheets import csv_row, text_row

LOCAL = ZoneInfo("Asia/Shanghai")
KIND_LABELS = {
    "award": "奖励",
    "bonus": "加分奖励",
    "deduction": "扣分",
    "redemption": "积分兑换",
    "reversal": "冲正",
    "adjustment": "人工调整",
}
HEADER = (
    "流水号",
    "序号",
    "时间",
    "类型",
    "户号",
    "户主",
    "积分",
    "余额",
    "说明",
    "期次",
    "经办人",
    "哈希",
)


def describe(kind: str, reason: str, period_id: int | None, reverses: int | None) -> str:
    words = f"{KIND_LABELS.get(kind, kind)}：{reason}"
    if reverses is not None:
        words += f"（冲正第 {reverses} 号流水）"
    if period_id is not None:
        words += f"（第 {period_id} 期）"
    return words


def statement_line(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "kind_label": KIND_LABELS.get(row["kind"], row["kind"]),
        "description": describe(row["kind"], row["reason"], row["period_id"], row["reverses"]),
    }


async def export_rows(village_id: int, start: date, end: date) -> list[tuple[Any, ...]]:
    """Every household-facing row of the village's transfers from ``start`` to ``end``
    (inclusive, local dates), in chain order, with the household's number and head's name."""
    since = datetime.combine(start, time(), LOCAL)
    until = datetime.combine(end + timedelta(days=1), time(), LOCAL)
    transfers = (
        await Transfer.select(*Transfer.all_columns())
        .where(
            (Transfer.village == village_id)
            & (Transfer.created_at >= since)
            & (Transfer.created_at < until)
        )
        .order_by(Transfer.seq)
        .run()
    )
    accounts = {
        a["id"]: a
        for a in await Account.select(Account.id, Account.kind, Account.owner)
        .where(Account.village == village_id)
        .run()
    }
    households = {
        h["id"]: h
        for h in await Household.select(Household.id, Household.number, Household.head_name)
        .where(Household.village == village_id)
        .run()
    }
    rows = []
    for t in transfers:
        out = accounts[t["debit"]]["kind"] == "household"
        owner = accounts[t["debit"] if out else t["credit"]]["owner"]
        household = households.get(owner, {"number": str(owner), "head_name": ""})
        rows.append(
            (
                t["id"],
                t["seq"],
                t["created_at"].astimezone(LOCAL).strftime("%Y-%m-%d %H:%M:%S"),
                KIND_LABELS.get(t["kind"], t["kind"]),
                household["number"],
                household["head_name"],
                -t["amount"] if out else t["amount"],
                t["debit_balance"] if out else t["credit_balance"],
                describe(t["kind"], t["reason"], t["period_id"], t["reverses"]),
                t["period_id"] or "",
                t["actor_name"],
                t["hash"],
            )
        )
    return rows


def to_csv(rows: list[tuple[Any, ...]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(csv_row(row) for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def to_xlsx(rows: list[tuple[Any, ...]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("积分流水")
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(text_row(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
