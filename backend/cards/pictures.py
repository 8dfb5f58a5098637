"""QR pictures and printable A4 sheets of household cards (Pillow only, no PDF library).

The QR is built in alphanumeric mode with error correction M: a card payload fits a 25×25
symbol, big modules that a cheap scanner reads off a creased card at arm's length.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import qrcode
import qrcode.constants
import qrcode.util
from PIL import Image, ImageDraw

from backend.printing.fonts import cjk_font

DPI = 200
A4 = (1654, 2339)  # 210 × 297 mm at 200 dpi
CARD = (674, 425)  # 85.6 × 54 mm, the size of a bank card
COLUMNS, ROWS = 2, 5
GAP = 30
PAD = 22
QR_SIDE = 340
QUIET_MODULES = 2


@dataclass(frozen=True, slots=True)
class PrintedCard:
    """What one card on a sheet shows: the QR payload and who it belongs to."""

    payload: str
    head_name: str
    number: str
    version: int


def qr_code(payload: str) -> qrcode.QRCode:
    """The symbol for a payload, forced into alphanumeric mode (refused if it does not fit)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_MODULES, box_size=1
    )
    code.add_data(qrcode.util.QRData(payload, mode=qrcode.util.MODE_ALPHA_NUM))
    code.make(fit=True)
    return code


def qr_image(payload: str, side: int) -> Image.Image:
    """A black-on-white QR at most ``side`` pixels square, every module the same whole size."""
    code = qr_code(payload)
    modules = code.modules_count + 2 * QUIET_MODULES
    code.box_size = max(side // modules, 1)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("L")


def card_qr_png(payload: str, side: int = 400) -> bytes:
    out = io.BytesIO()
    qr_image(payload, side).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw_card(
    sheet: Image.Image, left: int, top: int, village_name: str, card: PrintedCard
) -> None:
    draw = ImageDraw.Draw(sheet)
    width, height = CARD
    draw.rounded_rectangle((left, top, left + width, top + height), radius=18, outline=150, width=2)
    qr = qr_image(card.payload, QR_SIDE)
    sheet.paste(qr, (left + PAD, top + (height - qr.height) // 2))
    x = left + PAD + QR_SIDE + 20
    draw.text((x, top + 34), "积分卡", font=cjk_font(30), fill=0)
    draw.text((x, top + 84), village_name[:8], font=cjk_font(28), fill=0)
    draw.text((x, top + 150), card.head_name[:4], font=cjk_font(60), fill=0)
    draw.text((x, top + 240), f"户号 {card.number}", font=cjk_font(26), fill=0)
    if card.version > 1:
        draw.text((x, top + 280), f"第 {card.version} 版", font=cjk_font(22), fill=60)
    draw.text((x, top + height - 60), "遗失请到村委会挂失", font=cjk_font(20), fill=60)


def card_sheet_pages(village_name: str, cards: Sequence[PrintedCard]) -> list[Image.Image]:
    """A4 pages of bank-card-sized cards, ten to a page, with outlines to cut along."""
    per_page = COLUMNS * ROWS
    margin_x = (A4[0] - COLUMNS * CARD[0] - (COLUMNS - 1) * GAP) // 2
    margin_y = (A4[1] - ROWS * CARD[1] - (ROWS - 1) * GAP) // 2
    pages = []
    for start in range(0, max(len(cards), 1), per_page):
        page = Image.new("L", A4, 255)
        for i, card in enumerate(cards[start : start + per_page]):
            column, row = i % COLUMNS, i // COLUMNS
            _draw_card(
                page,
                margin_x + column * (CARD[0] + GAP),
                margin_y + row * (CARD[1] + GAP),
                village_name,
                card,
            )
        pages.append(page)
    return pages


def card_sheet_pdf(village_name: str, cards: Sequence[PrintedCard]) -> bytes:
    pages = card_sheet_pages(village_name, cards)
    out = io.BytesIO()
    pages[0].save(
        out,
        format="PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=DPI,
        title=f"{village_name} 积分卡",
    )
    return out.getvalue()
