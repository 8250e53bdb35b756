"""What a PDF's pages carry that is not the text: running headers and footers, page numbers,
contents and index pages, dot leaders. Pure functions over readers/pdf_pages.py's lines.

- A running header or footer is one of the two lines nearest the top or bottom edge (within
  MARGIN of the page), set no larger than the body text, standing apart from the text (a gap
  of more than 1.5 lines), that is a page number ("12", "xii", "Page 12", "- 12 -",
  "12 of 40"), or repeats with only its numbers changed, or sits where such lines sit on many
  pages ("Chapter 2: ASN.1 structure handling 3" at the top of each page of chapter 2).
- A dot leader line ("4.1 ASN.1 schema functions . . . . . 8") is never read. A page where
  leader lines are many, or which opens with "Contents" or "Index", is a contents (or index)
  page: skipped whole, and listed.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from .pdf_pages import Line

MARGIN = 0.15  # the top and bottom part of a page where running headers and footers live
PAGE_NUMBER = re.compile(
    r"(page\s+)?[-–—(\[]?\s*(\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)\]]?(\s*(of|/)\s*\d{1,4})?",
    re.IGNORECASE)
# ". . . . 12", "...... 12", "…… xii", ". . . . ." at the end of a contents or index line
LEADER = re.compile(r"(\.\s?){4,}\s*(\d{1,4}|[ivxlcdm]{1,7})?(,\s*\d{1,4})*\s*$|…{2,}",
                    re.IGNORECASE)
CONTENTS_TITLE = re.compile(
    r"(table\s+of\s+)?contents|list\s+of\s+(figures|tables|examples|listings)", re.IGNORECASE)
INDEX_TITLE = re.compile(r"(.{0,40}\s)?index", re.IGNORECASE)
_NUMBERS = re.compile(r"\b(\d+|[ivxlcdm]{1,7})\b", re.IGNORECASE)


def body_size(pages: list[list[Line]]) -> float:
    """The font size most of the text is set in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def line_pitch(pages: list[list[Line]]) -> float:
    """The most common distance between one baseline and the next."""
    gaps: Counter[int] = Counter()
    for page in pages:
        for above, below in zip(page, page[1:], strict=False):
            if 0 < above.y - below.y < 4 * above.size:
                gaps[round(above.y - below.y)] += 1
    return float(gaps.most_common(1)[0][0]) if gaps else 14.0


def _edge_lines(page: list[Line], pitch: float) -> list[Line]:
    """Up to two lines at the top and two at the bottom that stand apart from the text."""
    by_height = sorted(page, key=lambda line: -line.y)
    out: list[Line] = []
    for lines, inward in ((by_height, -1), (by_height[::-1], 1)):
        for n, line in enumerate(lines[:2]):
            edge = line.y > line.height * (1 - MARGIN) if inward < 0 else (
                line.y < line.height * MARGIN)
            rest = [other.y for other in lines[n + 1:]
                    if abs(other.y - line.y) > 0.4 * line.size]
            gap = abs(line.y - rest[0]) if rest else math.inf
            if not edge or gap < 1.5 * pitch:
                break
            out.append(line)
    return out


def _key(line: Line) -> str:
    return _NUMBERS.sub("#", line.text.casefold())


def without_furniture(pages: list[list[Line]], keep: frozenset[str] = frozenset()
                      ) -> list[list[Line]]:
    """The pages without running headers, footers and page numbers (`keep`: texts never
    taken for furniture, such as the outline's titles)."""
    if not pages:
        return pages
    size = body_size(pages)
    pitch = line_pitch(pages)
    edges = [[line for line in _edge_lines(page, pitch) if line.size <= size * 1.05
              and squashed(line.text) not in keep] for page in pages]
    repeated = Counter(key for page in edges for key in {_key(line) for line in page})
    places = Counter(place for page in edges for place in {round(line.y / 2) for line in page})
    often = max(2, math.ceil(len(pages) * 0.2))
    dropped = {id(line) for page in edges for line in page
               if PAGE_NUMBER.fullmatch(line.text) or repeated[_key(line)] >= often
               or places[round(line.y / 2)] >= often}
    return [[line for line in page if id(line) not in dropped] for page in pages]


def squashed(text: str) -> str:
    """A line's words only, case folded: how titles and lines are compared."""
    return re.sub(r"\W+", " ", text.casefold()).strip()


def is_leader(line: Line) -> bool:
    return bool(LEADER.search(line.text))


def listing_kind(page: list[Line]) -> str | None:
    """"contents" or "index" for a page that lists where things are, else None."""
    worded = [line for line in page if re.search(r"[^\W\d_]", line.text)]
    if not worded:
        return None
    first = worded[0].text.strip()
    leaders = sum(1 for line in worded if is_leader(line))
    if INDEX_TITLE.fullmatch(first) and (leaders or len(worded) > 5):
        return "index"
    if CONTENTS_TITLE.fullmatch(first) or leaders >= max(3, len(worded) * 0.5):
        return "contents"
    return None
