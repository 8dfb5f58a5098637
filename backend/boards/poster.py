"""The printed red/black board: an A3 poster (PNG and PDF, 300 dpi) in Chinese.

Only what a notice board shows: rank, head of household, household number, earned points and
the categories that earned them — no addresses, phones or members. A QR code links to the public
verification page, which shows the board and the ledger head it was published against.
"""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import qrcode
from PIL import Image, ImageDraw

from backend.boards.services import Listed, PublishedBoard
from backend.printing.fonts import cjk_font
from backend.settings import get_settings

A3 = (3508, 4961)
MARGIN = 220
RED = (183, 28, 28)
INK = (30, 30, 30)
BLACK_BOARD = (33, 33, 33)


def _qr(url: str, side: int) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    return image.resize((side, side), Image.Resampling.NEAREST)


def line_texts(entry: Listed) -> tuple[str, str, str]:
    """A board line as the poster prints it: the server's rank (tied lines the same), the head
    of household's full name (the poster hangs in the village), the points."""
    return f"第{entry.rank}名", entry.head_name, f"{entry.earned:+d} 分"


def _section(
    draw: ImageDraw.ImageDraw,
    top: int,
    title: str,
    colour: tuple[int, int, int],
    entries: list[Listed],
) -> int:
    width = A3[0] - 2 * MARGIN
    draw.rectangle((MARGIN, top, MARGIN + width, top + 190), fill=colour)
    draw.text((A3[0] // 2, top + 95), title, font=cjk_font(120), fill="white", anchor="mm")
    y = top + 250
    if not entries:
        draw.text((MARGIN + 40, y), "本期无", font=cjk_font(80), fill=INK)
        return y + 140
    for entry in entries:
        rank, name, points = line_texts(entry)
        draw.text((MARGIN + 30, y), rank, font=cjk_font(86), fill=colour)
        draw.text((MARGIN + 460, y), name, font=cjk_font(96), fill=INK)
        draw.text((MARGIN + 1150, y + 10), entry.number, font=cjk_font(64), fill=(90, 90, 90))
        draw.text((MARGIN + width - 30, y), points, font=cjk_font(90), fill=colour, anchor="ra")
        categories = "、".join(f"{c.category} {c.points:+d}" for c in entry.categories)
        if categories:
            draw.text((MARGIN + 460, y + 118), categories, font=cjk_font(56), fill=(80, 80, 80))
        y += 230
    return y + 40


def black_notes(board: PublishedBoard) -> list[str]:
    """What the black board's length means: fewer listed than N. The poster hangs in public, so
    it never says how many hardship households were left off (the committee's preview does)."""
    notes = []
    listed = len(board.black)
    if listed == 0:
        notes.append("本期没有户够上黑榜，黑榜空缺。")
    elif listed < board.size:
        notes.append(f"本期够上黑榜的户不足 {board.size} 户，黑榜只列 {listed} 户。")
    return notes


def poster_image(board: PublishedBoard, verify_url: str) -> Image.Image:
    image = Image.new("RGB", A3, "white")
    draw = ImageDraw.Draw(image)
    draw.text(
        (A3[0] // 2, MARGIN + 40),
        f"{board.village_name}乡风文明红黑榜",
        font=cjk_font(190),
        fill=RED,
        anchor="mt",
    )
    draw.text(
        (A3[0] // 2, MARGIN + 300), board.period_name, font=cjk_font(110), fill=INK, anchor="mt"
    )
    y = _section(draw, MARGIN + 520, "红  榜", RED, board.red)
    y = _section(draw, y + 40, "黑  榜", BLACK_BOARD, board.black)
    for note in black_notes(board):
        draw.text((MARGIN + 30, y), note, font=cjk_font(60), fill=(80, 80, 80))
        y += 100
    footer = A3[1] - MARGIN - 700
    draw.line((MARGIN, footer, A3[0] - MARGIN, footer), fill=(180, 180, 180), width=6)
    draw.multiline_text(
        (MARGIN, footer + 60),
        _wrap(board.rule_text, 26),
        font=cjk_font(64),
        fill=INK,
        spacing=24,
    )
    published = board.published_at.astimezone(ZoneInfo(get_settings().timezone))
    draw.text(
        (MARGIN, footer + 420), f"发布日期：{published:%Y年%m月%d日}", font=cjk_font(64), fill=INK
    )
    draw.text(
        (MARGIN, footer + 520),
        f"账本链头：第 {board.chain_seq} 笔 {board.chain_head[:16]}",
        font=cjk_font(52),
        fill=(90, 90, 90),
    )
    qr = _qr(verify_url, 560)
    image.paste(qr, (A3[0] - MARGIN - 560, footer + 60))
    draw.text(
        (A3[0] - MARGIN - 280, footer + 640), "扫码核验", font=cjk_font(56), fill=INK, anchor="mt"
    )
    return image


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def poster_png(board: PublishedBoard, verify_url: str) -> bytes:
    buffer = io.BytesIO()
    poster_image(board, verify_url).save(buffer, "PNG", dpi=(300, 300), optimize=True)
    return buffer.getvalue()


def poster_pdf(board: PublishedBoard, verify_url: str) -> bytes:
    buffer = io.BytesIO()
    poster_image(board, verify_url).save(buffer, "PDF", resolution=300.0)
    return buffer.getvalue()
