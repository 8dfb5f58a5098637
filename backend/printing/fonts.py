"""The CJK font, shipped in the package so printing never depends on what the host installed.

WenQuanYi Micro Hei is one 5.2 MB collection with full GB2312 coverage (every name a village
registers); it is Apache-2.0, so it may be shipped (see ``backend/assets/fonts/LICENSE``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

CJK_FONT_PATH = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "wqy-microhei.ttc"


@lru_cache(maxsize=32)
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    """The shipped CJK font at ``size`` pixels (cached: loading a 5 MB face is not free)."""
    return ImageFont.truetype(str(CJK_FONT_PATH), size=size, index=0)
