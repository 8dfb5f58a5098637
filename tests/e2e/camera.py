"""A fake camera for Chromium: a .y4m video of a QR code (``--use-file-for-fake-video-capture``)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

WIDTH, HEIGHT, FRAMES = 640, 480, 30


def qr_video(png: bytes, path: Path) -> Path:
    """Write 30 identical 640×480 frames (YUV 4:2:0) showing the QR picture in the middle."""
    with Image.open(io.BytesIO(png)) as qr:
        code = qr.convert("L").resize((400, 400), Image.Resampling.NEAREST)
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(code, ((WIDTH - 400) // 2, (HEIGHT - 400) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(FRAMES):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path
