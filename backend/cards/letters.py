"""PIN letters (PIN 通知单): one printable A4 page per household with a fresh initial PIN, so a
committee can let a whole village log in at once instead of setting PINs one by one.

Each page names the village, the household number and head, the initial PIN, the villager page's
address as a QR code, and how to change the PIN. Every PIN is new and random, set with
``must_change`` (the villager's page asks for a new one at the first login), and all of a batch
are set in one transaction after the pages are drawn: a failure sets none. The old PIN of each
household stops working; the audit log has one ``card.set_pin`` per household and one
``card.pin_letters`` for the batch.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import qrcode
from PIL import Image, ImageDraw

from backend.audit.services import Actor, record
from backend.cards import pin_changes
from backend.cards.errors import NoHouseholdsChosen
from backend.db import write_transaction
from backend.printing.fonts import cjk_font
from backend.printing.paper import A4, pdf
from backend.registry import services as registry
from backend.registry.errors import UnknownGrid

PIN_DIGITS = 6
QR_SIDE = 700


@dataclass(frozen=True, slots=True)
class PinLetter:
    """What one household's letter says: ``pin`` is the new initial PIN, ``address`` the
    villager page's address (the QR code)."""

    village_name: str
    village_code: str
    number: str
    head_name: str
    pin: str
    address: str


@dataclass(frozen=True, slots=True)
class PinLetters:
    """A batch: the printable ``document`` (PDF) and what each of its pages says."""

    document: bytes
    letters: tuple[PinLetter, ...]


def new_pin() -> str:
    """Six random digits from the system's secure generator."""
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def _qr(address: str) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    code.add_data(address)
    code.make(fit=True)
    code.box_size = max(QR_SIDE // (code.modules_count + 8), 1)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("L")


def letter_page(letter: PinLetter) -> Image.Image:
    """One A4 page (200 dpi) for one household."""
    page = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(page)
    x = 140
    draw.text((x, 130), f"{letter.village_name} 村民积分登录通知单", font=cjk_font(64), fill=0)
    draw.text((x, 260), f"户号：{letter.number}", font=cjk_font(52), fill=0)
    draw.text((x, 340), f"户主：{letter.head_name}", font=cjk_font(52), fill=0)
    draw.text((x, 440), "初始 PIN：", font=cjk_font(52), fill=0)
    draw.text((x + 300, 410), letter.pin, font=cjk_font(110), fill=0)
    qr = _qr(letter.address)
    page.paste(qr, ((A4[0] - qr.width) // 2, 600))
    top = 620 + qr.height
    draw.text((x, top), f"手机扫描上方二维码，或打开 {letter.address}", font=cjk_font(34), fill=0)
    steps = [
        "怎样登录和修改 PIN：",
        f"1. 输入村代码 {letter.village_code}、户号 {letter.number} 和上面的初始 PIN。",
        "2. 第一次登录时，页面会请您设置新的 PIN（4–6 位数字）。",
        "3. 新 PIN 请自己记住，不要告诉别人；积分超市兑换时也要用它。",
        "4. 忘记 PIN 或卡片遗失，请到村委会重新设置。",
        "本通知单请妥善保管，设置新 PIN 后初始 PIN 即失效。",
    ]
    for n, line in enumerate(steps):
        draw.text((x, top + 100 + n * 64), line, font=cjk_font(38 if n else 42), fill=0)
    return page


def letters_pdf(letters: Sequence[PinLetter]) -> bytes:
    return pdf([letter_page(letter) for letter in letters])


async def issue_pin_letters(
    actor: Actor,
    village_id: int,
    *,
    household_ids: Sequence[int] | None = None,
    grid_id: int | None = None,
    page_address: str,
) -> PinLetters:
    """The PDF of PIN letters for the chosen households (by id, else one grid's, else every
    active household of the village); every one of them gets a fresh initial PIN that must be
    changed, all in one transaction."""
    village = await registry.village(village_id)
    if grid_id is not None and not await registry.grid_in(village_id, grid_id):
        raise UnknownGrid()
    if household_ids:
        chosen = [await registry.household(village_id, h) for h in dict.fromkeys(household_ids)]
    else:
        chosen = await registry.active_households(village_id, grid_id)
    if not chosen:
        raise NoHouseholdsChosen()
    chosen.sort(key=lambda h: h.number)
    letters = [
        PinLetter(village.name, village.code, h.number, h.head_name, new_pin(), page_address)
        for h in chosen
    ]
    document = await asyncio.to_thread(letters_pdf, letters)
    async with write_transaction():
        for household, letter in zip(chosen, letters, strict=True):
            await pin_changes.set_pin(actor, village_id, household.id, letter.pin, must_change=True)
        await record(
            actor,
            "card.pin_letters",
            "village",
            village_id,
            village_id=village_id,
            after={"households": [h.number for h in chosen]},
        )
    return PinLetters(document, tuple(letters))
