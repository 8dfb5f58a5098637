"""Reading a passbook PDF back as a person and a machine would: poppler's pdftotext for the
words, pdftoppm for the picture, zxing-cpp for the QR on it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from backend.settings import get_settings, is_ci


def require_poppler() -> None:
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        message = "poppler-utils is not installed (apt-get install poppler-utils)"
        if is_ci():
            pytest.fail(message)
        pytest.skip(message)


def pdf_text(content: bytes, folder: Path) -> str:
    """The PDF's words as pdftotext reads them (layout kept, so a line stays a line)."""
    path = folder / "passbook.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def first_page_png(content: bytes, folder: Path, name: str) -> Path:
    """The first page drawn at 150 dpi into the run's screenshots, to look at."""
    path = folder / "passbook.pdf"
    path.write_bytes(content)
    out = get_settings().var_dir / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(out / name),
        ],
        check=True,
    )
    return out / f"{name}.png"


def qr_address(content: bytes, folder: Path) -> str:
    """What the QR on the first page says, read from the page as pdftoppm draws it."""
    [decoded] = zxingcpp.read_barcodes(Image.open(first_page_png(content, folder, "qr-read")))
    return str(decoded.text)
