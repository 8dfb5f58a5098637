"""The printed notice sheet (公示表) for the village's notice board: every line of the period on
notice with full names (it hangs in the village), the window, how to object, and a QR code to
the villagers' page where the notice can be read and objected to. A4 portrait at 300 dpi (or A3),
as many pages as the lines need; drawn with the shipped CJK font like the board poster.
"""

from __future__ import annotations

import io
from typing import Literal
from zoneinfo import ZoneInfo

import qrcode
from PIL import Image, ImageDraw

from backend.printing.fonts import cjk_font
from backend.scoring.notice import Notice
from backend.settings import get_settings

SIZES = {"a4": (2480, 3508), "a3": (3508, 4961)}
MARGIN = 180
INK = (25, 25, 25)
GREY = (100, 100, 100)
HOW_TO_OBJECT = (
    "对公示内容有异议的，请在公示期内向村委会当面或书面提出，"
    "也可以用手机扫右侧二维码，在“我的积分”公示页对任何一条提出异议。"
    "村委会核实后答复，异议未处理前该条不入账。"
)
COLUMNS = (
    ("户号", 0.0),
    ("户主", 0.15),
    ("细则", 0.3),
    ("分值", 0.74),
    ("证据", 0.81),
    ("核实人", 0.88),
)


def _qr(url: str, side: int) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    return image.resize((side, side), Image.Resampling.NEAREST)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def sheet_pages(
    village_name: str, notice: Notice, notice_url: str, size: Literal["a4", "a3"] = "a4"
) -> list[Image.Image]:
    """The pages: a header on each, the lines in a table, the window and the way to object
    with the QR code at the foot of the last."""
    width, height = SIZES[size]
    scale = width / SIZES["a4"][0]
    row = int(92 * scale)
    inner = width - 2 * MARGIN
    ends = (
        notice.notice_ends_at.astimezone(ZoneInfo(get_settings().timezone))
        if (notice.notice_ends_at)
        else None
    )
    window = f"公示期至 {ends:%Y年%m月%d日 %H:%M}" if ends else "未在公示期"
    footer = int(900 * scale)
    per_page = max(1, (height - MARGIN * 2 - int(520 * scale) - footer) // row)
    chunks = [notice.lines[i : i + per_page] for i in range(0, len(notice.lines), per_page)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(page)
        draw.text(
            (width // 2, MARGIN),
            f"{village_name}{notice.period_name}积分公示",
            font=cjk_font(int(120 * scale)),
            fill=(183, 28, 28),
            anchor="mt",
        )
        draw.text(
            (width // 2, MARGIN + int(170 * scale)),
            f"{window}　共 {len(notice.lines)} 条　第 {number}/{len(chunks)} 页",
            font=cjk_font(int(60 * scale)),
            fill=INK,
            anchor="mt",
        )
        y = MARGIN + int(330 * scale)
        font = cjk_font(int(52 * scale))
        for title, at in COLUMNS:
            draw.text((MARGIN + int(at * inner), y), title, font=font, fill=GREY)
        y += row
        draw.line((MARGIN, y - 16, width - MARGIN, y - 16), fill=GREY, width=3)
        for line in chunk:
            cells = (
                line.number,
                line.head_name,
                _wrap(f"{line.category}·{line.title}", 17)[0],
                f"{line.points:+d}",
                "有" if line.has_evidence else "无",
                line.verifier_name or "—",
            )
            for (_, at), text in zip(COLUMNS, cells, strict=True):
                draw.text((MARGIN + int(at * inner), y), text, font=font, fill=INK)
            y += row
        if number == len(chunks):
            top = height - MARGIN - footer
            draw.line((MARGIN, top, width - MARGIN, top), fill=GREY, width=4)
            qr_side = int(560 * scale)
            draw.multiline_text(
                (MARGIN, top + 50),
                "\n".join(_wrap(HOW_TO_OBJECT, 24)),
                font=cjk_font(int(56 * scale)),
                fill=INK,
                spacing=int(22 * scale),
            )
            draw.text(
                (MARGIN, top + footer - int(120 * scale)),
                window,
                font=cjk_font(int(60 * scale)),
                fill=(183, 28, 28),
            )
            page.paste(_qr(notice_url, qr_side), (width - MARGIN - qr_side, top + 50))
            draw.text(
                (width - MARGIN - qr_side // 2, top + 70 + qr_side),
                "扫码看公示、提异议",
                font=cjk_font(int(48 * scale)),
                fill=INK,
                anchor="mt",
            )
        pages.append(page)
    return pages


def sheet_pdf(
    village_name: str, notice: Notice, notice_url: str, size: Literal["a4", "a3"] = "a4"
) -> bytes:
    pages = sheet_pages(village_name, notice, notice_url, size)
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=300.0, save_all=True, append_images=pages[1:])
    return buffer.getvalue()
