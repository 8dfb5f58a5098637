"""The passbook on paper: A5 (a booklet page, the default) or A4, real text in the shipped CJK
font (so it can be searched, copied and read aloud by a screen reader), one household after
another, each starting on a new page.

fpdf2 embeds only the glyphs used (a subset of WenQuanYi Micro Hei), so a village's worth of
passbooks stays small.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

import qrcode
from fpdf import FPDF
from fpdf.fonts import FontFace

from backend.passbook.services import Passbook
from backend.printing.fonts import CJK_FONT_PATH

Paper = Literal["A5", "A4"]
FONT = "wqy"
INK = (20, 20, 20)
RED = (183, 28, 28)
GREEN = (27, 94, 32)
GREY = (90, 90, 90)
KIND_SIZE = {"A5": 9.5, "A4": 11.0}
SHEETS = {"A5": (148.0, 210.0), "A4": (210.0, 297.0)}  # mm, portrait


@lru_cache(maxsize=8)
def _qr_png(url: str) -> bytes:
    """The chain-check QR (one per printing: every household's page shares the head, so a
    village's worth draws it once and the PDF embeds it once)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=8)
    code.add_data(url)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").get_image().save(out, format="PNG")
    return out.getvalue()


class _Sheet(FPDF):
    """A page footer naming whose passbook it is, so loose pages go back to their household."""

    owner = ""
    first_page = 1

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.owner}　第 {self.page_no() - self.first_page + 1} 页", align="C")


def _signed(amount: int) -> str:
    return f"+{amount}" if amount > 0 else f"{amount}"


def _household(pdf: _Sheet, book: Passbook, size: float) -> None:
    pdf.add_page()  # draws the previous household's last footer: name the new one after it
    pdf.owner = f"{book.village_name} {book.number} {book.head_name} 积分存折"
    pdf.first_page = pdf.page_no()
    width = pdf.epw
    qr_side = 30.0 if pdf.w < 200 else 36.0
    top = pdf.get_y()
    pdf.image(
        _qr_png(book.verify_url), x=pdf.l_margin + width - qr_side, y=top, w=qr_side, h=qr_side
    )
    text_width = width - qr_side - 3
    pdf.set_text_color(*RED)
    pdf.set_font(FONT, size=size + 7)
    pdf.cell(text_width, 9, f"{book.village_name}　积分存折", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=size + 1.5)
    pdf.cell(
        text_width, 6.5, f"户号 {book.number}　户主 {book.head_name}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(FONT, size=size)
    family = "、".join([f"{book.members[0]}（户主）", *book.members[1:]])
    pdf.multi_cell(text_width, 5, f"家庭成员：{family}", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(text_width, 5, f"期间：{book.span.label}", new_x="LMARGIN", new_y="NEXT")
    if book.stars is None:
        stars = "五星文明户：还没有公示或结束的评议周期"
    else:
        drawn = "★" * book.stars.count + "☆" * max(5 - book.stars.count, 0)
        which = "、".join(book.stars.categories) or "本期未得星"
        stars = f"五星文明户（{book.stars.period_name}）：{drawn}　{which}"
    pdf.multi_cell(text_width, 5, stars, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + qr_side) + 1)
    pdf.set_font(FONT, size=size - 1.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        width,
        4,
        f"扫二维码核验账本链头：第 {book.chain_seq} 笔　打印于 "
        f"{book.printed_at:%Y-%m-%d %H:%M}\n哈希 {book.chain_hash or '（账本为空）'}",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(1.5)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=size + 0.5)
    summary = (
        f"期初余额 {book.opening}　期末余额 {book.closing}　"
        f"期内得分 {_signed(book.earned)}　兑换用去 {book.spent}"
    )
    pdf.cell(width, 7, summary, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, size=size)
    if not book.lines:
        pdf.cell(width, 6, "这段时间没有积分流水。", new_x="LMARGIN", new_y="NEXT")
        return
    heading = FontFace(color=(255, 255, 255), fill_color=RED)
    with pdf.table(
        col_widths=(20, 62, 13, 13),
        text_align=("LEFT", "LEFT", "RIGHT", "RIGHT"),
        headings_style=heading,
        line_height=size * 0.5,
        padding=0.8,
    ) as table:
        row = table.row()
        for title in ("日期", "摘要", "积分", "余额"):
            row.cell(title)
        for line in book.lines:
            row = table.row()
            row.cell(f"{line.day:%Y-%m-%d}")
            row.cell(line.words)
            row.cell(_signed(line.amount), style=FontFace(color=GREEN if line.amount >= 0 else RED))
            row.cell(str(line.balance))


def passbook_pdf(books: Sequence[Passbook], paper: Paper = "A5") -> bytes:
    """The passbooks, in order, as one PDF on ``paper``."""
    pdf = _Sheet(format=SHEETS[paper])
    pdf.set_title("积分存折")
    pdf.set_creator("Jifen")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font(FONT, fname=str(CJK_FONT_PATH), collection_font_number=0)
    for book in books:
        _household(pdf, book, KIND_SIZE[paper])
    if not books:
        pdf.add_page()
        pdf.set_font(FONT, size=12)
        pdf.cell(0, 10, "没有要打印的住户。")
    return bytes(pdf.output())
