"""Product pictures: checked to be real images, stripped of metadata, stored with a thumbnail.

Pillow decodes the upload (a file named .jpg that is not a picture is refused); re-encoding drops
EXIF, so a phone photo's GPS position never reaches the kiosk screen.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from backend.settings import get_settings
from backend.shop.errors import BadPicture

MAX_BYTES = 5_000_000
# Refused from the header, before decoding: a 17 KB PNG of 12000×12000 pixels decodes to ~770 MB.
# 24 million pixels is a 6000×4000 phone photo.
MAX_PIXELS = 24_000_000
FORMATS = {"JPEG", "PNG", "WEBP"}
FULL_SIZE = (800, 800)
THUMB_SIZE = (240, 240)


def pictures_dir() -> Path:
    path = get_settings().var_dir / "pictures"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_picture(data: bytes) -> str:
    """Validate and store an upload; return its name (``<random>``: ``.jpg`` and ``.thumb.jpg``).
    CPU-bound: run it with :func:`backend.heavy.run_heavy`."""
    if not data or len(data) > MAX_BYTES:
        raise BadPicture(max_mb=MAX_BYTES // 1_000_000)
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            if probe.format not in FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise BadPicture(max_mb=MAX_BYTES // 1_000_000)
            probe.verify()
        with Image.open(io.BytesIO(data)) as decoded:
            image = decoded.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise BadPicture(max_mb=MAX_BYTES // 1_000_000) from exc
    name = secrets.token_hex(12)
    folder = pictures_dir()
    full = image.copy()
    full.thumbnail(FULL_SIZE)
    full.save(folder / f"{name}.jpg", "JPEG", quality=85)
    image.thumbnail(THUMB_SIZE)
    image.save(folder / f"{name}.thumb.jpg", "JPEG", quality=80)
    return name


def picture_path(name: str, *, thumbnail: bool) -> Path | None:
    if not name or not name.isalnum():
        return None
    path = pictures_dir() / (f"{name}.thumb.jpg" if thumbnail else f"{name}.jpg")
    return path if path.exists() else None
