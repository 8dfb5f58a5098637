"""A small bar chart as SVG text: drawn by the server so the console needs no chart library."""

from __future__ import annotations

from html import escape

COLOURS = ("#b71c1c", "#1b5e20", "#8d6e63")
WIDTH, HEIGHT, BAR, GAP, TOP, BOTTOM = 180, 120, 40, 18, 16, 20


def bar_chart(bars: list[tuple[str, int]]) -> str:
    """Vertical bars scaled to the largest value, each with its value above and label below."""
    largest = max([value for _, value in bars] + [1])
    room = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-size="11" text-anchor="middle" role="img">'
    ]
    for n, (label, value) in enumerate(bars):
        x = GAP + n * (BAR + GAP)
        height = round(room * max(value, 0) / largest)
        y = TOP + room - height
        centre = x + BAR // 2
        parts.append(
            f'<rect x="{x}" y="{y}" width="{BAR}" height="{height}" '
            f'fill="{COLOURS[n % len(COLOURS)]}"/>'
        )
        parts.append(f'<text x="{centre}" y="{y - 3}">{value}</text>')
        parts.append(f'<text x="{centre}" y="{HEIGHT - 5}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
