"""The pictures: QR codes that decode, and card sheets that print Chinese."""

from __future__ import annotations

import io

import qrcode.util
import zxingcpp
from PIL import Image, ImageChops, ImageDraw

from backend.cards import codes, pictures
from backend.printing.fonts import cjk_font

PAYLOAD = codes.card_payload("secret", 1, "ABCDEFGHJK", 1)


def test_the_card_qr_png_decodes_to_the_payload() -> None:
    image = Image.open(io.BytesIO(pictures.card_qr_png(PAYLOAD)))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [PAYLOAD]


def test_the_qr_is_built_in_alphanumeric_mode_with_error_correction_m() -> None:
    code = pictures.qr_code(PAYLOAD)
    assert [d.mode for d in code.data_list] == [qrcode.util.MODE_ALPHA_NUM]
    assert code.error_correction == qrcode.constants.ERROR_CORRECT_M
    assert code.version == 2  # 25 × 25 modules: readable by cheap scanners


def _render(text: str) -> Image.Image:
    image = Image.new("L", (120, 120), 255)
    ImageDraw.Draw(image).text((10, 10), text, font=cjk_font(80), fill=0)
    return image


def test_the_shipped_font_draws_chinese_rather_than_missing_glyph_boxes() -> None:
    wang, missing = _render("王"), _render("\ue000")
    assert ImageChops.difference(wang, missing).getbbox() is not None
    assert ImageChops.difference(_render("王"), _render("李")).getbbox() is not None
    assert wang.getextrema()[0] == 0  # something was drawn


def test_a_card_sheet_has_ten_cards_a_page_and_every_qr_decodes() -> None:
    cards = [
        pictures.PrintedCard(
            codes.card_payload("secret", 1, f"ABCDEFGH{a}{b}", 1), "王建国", f"H{n}", 1
        )
        for n, (a, b) in enumerate(zip("ABCDEFGHJKLM", "ABCDEFGHJKLM", strict=True))
    ]
    pages = pictures.card_sheet_pages("西黄须村", cards)
    assert len(pages) == 2
    decoded = {r.text for page in pages for r in zxingcpp.read_barcodes(page)}
    assert decoded == {c.payload for c in cards}
    pdf = pictures.card_sheet_pdf("西黄须村", cards)
    assert pdf.startswith(b"%PDF")
    assert b"/Count 2" in pdf
