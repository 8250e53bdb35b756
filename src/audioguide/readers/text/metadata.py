"""The category, title, byline, reading time and date lines at the top of plain text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from ..assemble import ArticleMeta
from .headings import code_named, heading_like, strip_anchor
from .lines import BYLINE, READING, Unit, UnitKind, one_line, terminal

READING_LINE = re.compile(rf"^({READING})$", re.IGNORECASE)
DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y")


def take_metadata(units: list[Unit]) -> ArticleMeta:
    """Take the category, title, byline, reading time and date lines from the top."""
    used: set[int] = set()
    byline_at, meta = _byline(units)
    if byline_at is not None:
        used.add(byline_at)
        meta = _above_byline(units, byline_at, meta, used)
    elif units and _title_line(units):
        meta = replace(meta, title=strip_anchor(units[0].text), title_taken=True)
        used.add(0)
    for index, unit in enumerate(units[:8]):
        if index in used or unit.kind != UnitKind.PARAGRAPH or len(unit.text) > 40:
            continue
        date = _date(unit.text)
        if date:
            meta = replace(meta, date=date)
            used.add(index)
            break
    units[:] = [u for i, u in enumerate(units) if i not in used]
    return meta


def _byline(units: list[Unit]) -> tuple[int | None, ArticleMeta]:
    """The index of the byline ("By Name 5 min read", "By Name | March 3, 2024") or of a lone
    reading time ("5 min read") among the first lines, and what it says."""
    for index, unit in enumerate(units[:6]):
        if not one_line(unit):
            continue
        byline = BYLINE.match(unit.text)
        if byline and len(byline.group(1).split()) <= 8 and not terminal(byline.group(1)):
            name, *rest = re.split(r"\s+[|·•—–]\s+", byline.group(1), maxsplit=1)
            date = _date(rest[0]) if rest else None  # "By Name | March 3, 2024"
            return index, ArticleMeta(byline=(name if date else byline.group(1)).strip(" ,|"),
                                      date=date or "", reading_time=byline.group(2) or "")
        reading = READING_LINE.match(unit.text)
        if reading and index <= 3:
            return index, ArticleMeta(reading_time=reading.group(1))
    return None, ArticleMeta()


def _above_byline(units: list[Unit], byline_at: int, meta: ArticleMeta,
                  used: set[int]) -> ArticleMeta:
    """Around the byline: a reading time under it, the title right above it and a category
    line above the title. Their indexes go into `used`."""
    after = byline_at + 1
    if after < len(units) and units[after].kind == UnitKind.PARAGRAPH:
        reading = READING_LINE.match(units[after].text)
        if reading and not meta.reading_time:
            meta = replace(meta, reading_time=reading.group(1))
            used.add(after)
    candidates = [i for i in range(byline_at) if _meta_line(units[i])]
    if candidates and candidates[-1] == byline_at - 1:
        meta = replace(meta, title=strip_anchor(units[byline_at - 1].text), title_taken=True)
        used.add(byline_at - 1)
        if byline_at >= 2 and byline_at - 2 in candidates and len(
            units[byline_at - 2].text.split()
        ) <= 6:
            meta = replace(meta, category=units[byline_at - 2].text)
            used.add(byline_at - 2)
    return meta


def _title_line(units: list[Unit]) -> bool:
    """The first line is the title: a short line, or the only top-level underlined heading."""
    first = units[0]
    if _meta_line(first):
        return True
    if code_named(first) and not first.text.isalpha() and len(units) > 1 and (
            units[1].group != first.group):
        return True  # a manual or API page opens with its name: "frobnicate(1)", "lang_items"
    return first.kind == UnitKind.HEADING and first.level == 1 and not any(
        u.kind == UnitKind.HEADING and u.level == 1 for u in units[1:])


def _meta_line(unit: Unit) -> bool:
    return one_line(unit) and heading_like(unit.text.rstrip("?"))


def _date(text: str) -> str | None:
    cleaned = re.sub(r"^(published|updated|posted|date)[:\s]+", "", text.strip(),
                     flags=re.IGNORECASE)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date().isoformat()
        except ValueError:
            continue
    return None
