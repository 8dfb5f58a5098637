"""Evidence photos: checked, stripped of metadata, stored under random names, thumbnailed.

A grid officer's phone photo carries EXIF with GPS coordinates of a villager's home; nothing of it
survives here. Every accepted image is decoded by Pillow (``verify`` and then a full reopen, so a
truncated or disguised file is refused), re-encoded as a fresh JPEG without any metadata, and
stored under ``var_dir/evidence`` with a random name; only the committee and town admins read it.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from PIL import Image, ImageOps

from backend.scoring.errors import BadEvidence
from backend.settings import get_settings

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 24_000_000  # checked from the header, before decoding
FORMATS = {"JPEG", "PNG", "WEBP"}
LONG_EDGE = 2048
THUMB_EDGE = 320


def evidence_dir() -> Path:
    path = get_settings().var_dir / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def evidence_path(name: str, *, thumbnail: bool = False) -> Path:
    return evidence_dir() / (f"{name}.thumb.jpg" if thumbnail else f"{name}.jpg")


def _decoded(data: bytes) -> Image.Image:
    refused = BadEvidence(max_mb=MAX_BYTES // (1024 * 1024))
    if not data or len(data) > MAX_BYTES:
        raise refused
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise refused
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except BadEvidence:
        raise
    except Exception as exc:  # Pillow raises many types for a broken or hostile file
        raise refused from exc
    return image


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def store_evidence(data: bytes) -> str:
    """Keep an uploaded photo (upright, at most 2048 px, no metadata) and its thumbnail; return
    the random name that an evaluation records."""
    image = ImageOps.exif_transpose(_decoded(data))
    clean = Image.new("RGB", image.size, "white")
    clean.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
    clean.thumbnail((LONG_EDGE, LONG_EDGE))
    thumb = clean.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
    name = secrets.token_hex(16)
    evidence_path(name).write_bytes(_jpeg(clean))
    evidence_path(name, thumbnail=True).write_bytes(_jpeg(thumb))
    return name


def discard_evidence(name: str) -> None:
    """Remove a stored photo whose evaluation was refused, so no orphan stays on disk."""
    for thumbnail in (False, True):
        evidence_path(name, thumbnail=thumbnail).unlink(missing_ok=True)
