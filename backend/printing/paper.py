"""A4 paper at 200 dpi, and pages of it bound into one PDF (Pillow only, no PDF library)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

DPI = 200
A4 = (1654, 2339)  # 210 × 297 mm at 200 dpi


def pdf(pages: Sequence[Image.Image]) -> bytes:
    """The pages, in order, as one PDF printed at A4."""
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=list(pages[1:]), resolution=DPI)
    return out.getvalue()
