"""A default square cover: the title in large type on a calm colour, made with Pillow."""

from __future__ import annotations

import colorsys
import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import write_bytes
from .markup import clean_title

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont, ImageFont

    Font = FreeTypeFont | ImageFont  # what ImageFont.load_default returns
    GlyphKey = tuple[bytes, tuple[float, float, float, float], float]

# Tried in order; Pillow's own scalable font is the last resort (Latin only).
FONT_CANDIDATES = (
    "DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)
CJK_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
MAX_LINES = 7


def _background(title: str) -> tuple[int, int, int]:
    """A dark colour chosen by the title, so white text keeps a contrast well above 7:1."""
    hue = int(hashlib.sha256(title.encode("utf-8")).hexdigest()[:4], 16) / 0xFFFF
    red, green, blue = colorsys.hls_to_rgb(hue, 0.22, 0.55)
    return round(red * 255), round(green * 255), round(blue * 255)


def _needs_cjk(text: str) -> bool:
    return any(
        "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"
        for ch in text
    )


@lru_cache(maxsize=32)
def _font(size: int, cjk: bool) -> Font:
    from PIL import ImageFont

    for name in (CJK_CANDIDATES if cjk else ()) + FONT_CANDIDATES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: a small bitmap font, still legible
        return ImageFont.load_default()


def _glyph_key(font: Font, ch: str) -> GlyphKey:
    from PIL import Image

    return Image.Image()._new(font.getmask(ch)).tobytes(), font.getbbox(ch), font.getlength(ch)


def _drawable(text: str, font: Font) -> str:
    """Drop characters the font has no glyph for (they would print as empty boxes)."""
    try:
        missing = _glyph_key(font, "\U0010fffd")
    except (
        OSError,
        TypeError,
        ValueError,
    ):  # a font Pillow cannot measure this way: draw the text as it is
        return text
    kept, known = [], {}
    for ch in text:
        if ch.isspace():
            kept.append(" ")
            continue
        if ch not in known:
            try:
                known[ch] = _glyph_key(font, ch) != missing
            except (OSError, TypeError, ValueError):
                known[ch] = False
        if known[ch]:
            kept.append(ch)
    return " ".join("".join(kept).split())


def _width(text: str, font: Font) -> float:
    return font.getlength(text) if text else 0


def _wrap(text: str, font: Font, width: int) -> list[str]:
    """Greedy wrapping by words; a word wider than the line is broken between characters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _width(candidate, font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
        for ch in word:
            if _width(line + ch, font) <= width:
                line += ch
            else:
                if line:
                    lines.append(line)
                line = ch
    if line:
        lines.append(line)
    return lines


def _fit(text: str, width: int, height: int, size: int, cjk: bool) -> tuple[Font, list[str], int]:
    """The largest font (from size/8 down) whose wrapped lines fit in the box."""
    font_size = size // 8
    while True:
        font = _font(font_size, cjk)
        shown = _drawable(text, font)
        lines = _wrap(shown, font, width)
        line_height = round(font_size * 1.2)
        if (len(lines) <= MAX_LINES and len(lines) * line_height <= height) or font_size <= 24:
            return font, lines[:MAX_LINES], line_height
        font_size = int(font_size * 0.9)


def cover_png(title: str, subtitle: str = "", size: int = 1400) -> bytes:
    """The cover as PNG bytes."""
    from PIL import Image, ImageDraw

    title = clean_title(title) or "audioguide"
    subtitle = clean_title(subtitle)
    image = Image.new("RGB", (size, size), _background(title))
    draw = ImageDraw.Draw(image)
    margin = size // 10
    cjk = _needs_cjk(title + subtitle)

    # A quiet sound-wave motif in the top band.
    bar_width, gap = max(4, size // 70), max(3, size // 100)
    heights = (3, 6, 10, 7, 4, 8, 12, 9, 5, 3)
    for index, level in enumerate(heights):
        x = margin + index * (bar_width + gap)
        bar = level * size // 200
        top = margin + (size // 15 - bar) // 2
        draw.rounded_rectangle(
            (x, top, x + bar_width, top + bar), radius=bar_width // 2, fill=(255, 255, 255)
        )

    box_top = margin + size // 10
    sub_size = max(16, size // 28)
    box_bottom = size - margin - (sub_size * 2 if subtitle else 0)
    font, lines, line_height = _fit(title, size - 2 * margin, box_bottom - box_top, size, cjk)
    y = box_top
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(255, 255, 255))
        y += line_height
    if subtitle:
        sub_font = _font(sub_size, cjk)
        sub_lines = _wrap(_drawable(subtitle, sub_font), sub_font, size - 2 * margin)
        if sub_lines:
            draw.text(
                (margin, size - margin - sub_size),
                sub_lines[0],
                font=sub_font,
                fill=(235, 235, 235),
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def make_cover(title: str, path: Path, subtitle: str = "", size: int = 1400) -> Path:
    """Write a square PNG cover (size x size, 1400 to 3000 for podcast apps) to `path`."""
    return write_bytes(Path(path), cover_png(title, subtitle, size))
