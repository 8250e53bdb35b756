"""PDF -> Book: the text layer, with headings from the outline or from font sizes.

Read with pypdf (BSD; pdfminer.six is MIT and gives finer layout, but takes about 8 times as
long: 1.41 s against 0.17 s for a 50-page book, benchmarks/pdf_readers.py). Each page's text
comes as lines with their font size and place on the page.

- Running headers and footers (a line at the top or bottom of many pages, page numbers
  aside) and page numbers ("12", "Page 12", "- 12 -", "12 of 40", roman numerals) are left out.
- Headings: the outline (bookmarks) when the PDF has one, each entry matched to the line that
  says it on its page (else put at the top of that page); otherwise lines set larger than the
  body text (the most common size), short and standing alone, by size (the largest = level 1).
- Lines join into paragraphs; a paragraph ends at a wider gap, an indented line, a short line
  that ends a sentence, or a heading. "exam-" at a line's end joined to "ple" makes "example";
  lines starting with a bullet make list items.
- The document info gives the title and author (unless it looks like a file name), the catalog
  /Lang the language. A single top heading that comes first is the book's title.

A PDF without text (a scan) is refused with one line: it needs OCR first. So are encrypted
PDFs that need a password, and damaged ones.
"""

from __future__ import annotations

import io
import math
import re
import shlex
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import SourceError
from ..models import ITEM, PARAGRAPH, Block
from .assemble import Heading, language_tag, squash
from .book import Book, BookChapter, read_limited
from .decode import clean_text

MAX_PAGES = 3000
MARGIN = 0.1  # the top and bottom tenth of a page: where running headers and footers live
_PAGE_NUMBER = re.compile(
    r"(page\s+)?[-–—(\[]?\s*(\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)\]]?(\s*(of|/)\s*\d{1,4})?",
    re.IGNORECASE)
_BULLET = re.compile(r"^\s*([•◦▪‣·●○■□\-–*]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+(?=\S)")
_FILE_TITLE = re.compile(r"\.(docx?|odt|pdf|tex|indd|pages|rtf|txt|html?)$|^microsoft word",
                         re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Line:
    text: str
    size: float  # font size in points, as set on the page
    x: float
    y: float  # from the bottom of the page
    page: int
    height: float  # the page's height


def _open(data: bytes, source: str):
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise SourceError(f"{source} is not a readable PDF ({type(exc).__name__}: "
                          f"{str(exc)[:80]}): export it again") from exc
    if encrypted:
        try:  # many PDFs only restrict printing: no password
            opened = bool(reader.decrypt(""))
        except Exception:  # a cipher pypdf cannot do without an extra package, or damage
            opened = False
        if not opened:
            raise SourceError(f"{source} is encrypted: open it with its password and save an "
                              "unprotected copy, then build that")
    return reader


def _page_lines(page, number: int) -> list[Line]:
    height = float(page.mediabox.height) or 792.0
    lines: list[Line] = []
    parts: list[tuple[str, float]] = []
    place: list[float] = []

    def finish() -> None:
        text = squash("".join(p for p, _ in parts))
        if text:
            size = max(parts, key=lambda p: len(p[0].strip()))[1]
            lines.append(Line(text, round(size * 2) / 2, place[0], place[1], number, height))
        parts.clear()
        place.clear()

    def visit(text, cm, tm, font, size) -> None:
        if not text:
            return
        scale = math.hypot(tm[2], tm[3]) * (math.hypot(cm[2], cm[3]) or 1)
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if place and parts and abs(y - place[1]) > max(2.0, size * scale * 0.6):
            finish()
        if not place:
            place.extend((x, y))
        parts.append((text.replace("\n", " "), size * (scale or 1)))
        if text.endswith("\n"):
            finish()

    page.extract_text(visitor_text=visit)
    finish()
    return lines


def _all_lines(reader, source: str) -> list[list[Line]]:
    try:
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise SourceError(f"{source} has {count} pages, more than {MAX_PAGES}: split it")
        return [_page_lines(page, number) for number, page in enumerate(reader.pages)]
    except SourceError:
        raise
    except Exception as exc:  # damaged content streams
        raise SourceError(f"{source}: its text cannot be read ({type(exc).__name__}: "
                          f"{str(exc)[:80]}): the PDF may be damaged; export it again") from exc


def _in_margin(line: Line) -> bool:
    return line.y > line.height * (1 - MARGIN) or line.y < line.height * MARGIN


def _without_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Lines in the margins that are page numbers or repeat on many pages are left out."""
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", line.text.casefold())

    repeated = Counter(key(line) for page in pages for line in {key(x): x for x in page
                                                                if _in_margin(x)}.values())
    often = max(2, math.ceil(len(pages) * 0.3))
    return [[line for line in page if not (_in_margin(line) and (
        repeated[key(line)] >= often or _PAGE_NUMBER.fullmatch(line.text)))] for page in pages]


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"\W+", " ", text.casefold()).strip()

    return norm(a) == norm(b)


def _outline(reader) -> list[tuple[str, int, int]]:
    """(title, level, page index) of each outline entry, in order; [] without one."""
    entries: list[tuple[str, int, int]] = []

    def walk(nodes, level: int) -> None:
        for node in nodes:
            if isinstance(node, list):
                walk(node, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(node)
                title = squash(clean_text(str(node.title or "")))
            except Exception:  # a broken destination: that entry is left out
                continue
            if title and page is not None and page >= 0:
                entries.append((title, level, page))
            if len(entries) > 5000:
                return

    try:
        walk(reader.outline, 1)
    except Exception:  # a damaged outline: headings from font sizes instead
        return []
    return entries


def _outline_headings(pages: list[list[Line]], outline) -> dict[tuple[int, int], Heading]:
    """Outline entries placed on their lines: (page, line index) -> Heading. An entry whose
    text is not on its page goes before the page's first line (index -1 - order)."""
    placed: dict[tuple[int, int], Heading] = {}
    for order, (title, level, page) in enumerate(outline):
        if page >= len(pages):
            continue
        index = next((i for i, line in enumerate(pages[page])
                      if (page, i) not in placed and _same(line.text, title)), None)
        placed[(page, index if index is not None else -1 - order)] = Heading(title, level)
    return placed


def _size_headings(pages: list[list[Line]]) -> dict[tuple[int, int], Heading]:
    """Lines set larger than the body text, short and with letters: headings by size."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page:
            sizes[line.size] += len(line.text)
    if not sizes:
        return {}
    body = sizes.most_common(1)[0][0]
    candidates = {(p, i): line for p, page in enumerate(pages) for i, line in enumerate(page)
                  if line.size >= body * 1.15 and line.size >= body + 1 and len(line.text) <= 150
                  and _LETTER.search(line.text) and not line.text.endswith((",", ";"))}
    levels = {size: n for n, size in enumerate(sorted({c.size for c in candidates.values()},
                                                      reverse=True)[:6], 1)}
    return {place: Heading(line.text, levels[line.size]) for place, line in candidates.items()
            if line.size in levels}


def _joined(previous: str, line: str) -> str:
    """Join a line to its paragraph; a word hyphenated across the break is made whole."""
    if re.search(r"[^\W\d_][-\u00ad]$", previous) and re.match(r"[a-zß-ÿ]", line):
        return previous[:-1] + line
    return f"{previous} {line}"


class _Paragraphs:
    """Lines -> blocks: a paragraph ends at a gap, an indent, a short last line or a bullet."""

    def __init__(self, lines: list[Line]):
        gaps = Counter(round(a.y - b.y) for a, b in zip(lines, lines[1:], strict=False)
                       if a.page == b.page and 0 < a.y - b.y < 4 * a.size)
        self.gap = gaps.most_common(1)[0][0] if gaps else 14
        lefts = Counter(round(line.x) for line in lines)
        self.left = lefts.most_common(1)[0][0] if lefts else 0
        lengths = sorted(len(line.text) for line in lines)
        self.full = lengths[len(lengths) * 3 // 4] if lengths else 60
        self.items: list = []
        self.text = ""
        self.kind = PARAGRAPH
        self.last: Line | None = None

    def breaks(self, line: Line) -> bool:
        last = self.last
        if last is None or not self.text:
            return True
        if last.page == line.page and (last.y - line.y > self.gap * 1.6 or line.y > last.y):
            return True
        if line.x > self.left + 6 and self.kind is PARAGRAPH and last.x <= self.left + 6:
            return True  # a first-line indent
        return len(last.text) < self.full * 0.7 and last.text.endswith((".", "!", "?", ":", "”"))

    def add(self, line: Line) -> None:
        bullet = _BULLET.match(line.text)
        if bullet or self.breaks(line):
            self.flush()
            self.kind = ITEM if bullet else PARAGRAPH
            self.text = line.text[bullet.end():] if bullet else line.text
        else:
            self.text = _joined(self.text, line.text)
        self.last = line

    def flush(self) -> None:
        if self.text.strip():
            self.items.append(Block(self.kind, squash(self.text)))
        self.text, self.last = "", None

    def heading(self, heading: Heading) -> None:
        self.flush()
        self.items.append(heading)


def _items(pages: list[list[Line]], headings: dict[tuple[int, int], Heading]) -> list:
    body = [line for p, page in enumerate(pages) for i, line in enumerate(page)
            if (p, i) not in headings]
    paragraphs = _Paragraphs(body)
    for p, page in enumerate(pages):
        for place in sorted((k for k in headings if k[0] == p and k[1] < 0), reverse=True):
            paragraphs.heading(headings[place])
        for i, line in enumerate(page):
            if (p, i) in headings:
                paragraphs.heading(headings[(p, i)])
            else:
                paragraphs.add(line)
    paragraphs.flush()
    return paragraphs.items


def _meta(reader) -> dict:
    meta: dict = {}
    try:
        info = reader.metadata or {}
        title = squash(clean_text(str(info.get("/Title") or "")))
        author = squash(clean_text(str(info.get("/Author") or "")))
        lang = str(reader.trailer["/Root"].get("/Lang") or "").strip()
    except Exception:  # damaged metadata: read without it
        return meta
    if title and not _FILE_TITLE.search(title) and _LETTER.search(title):
        meta["title"] = title[:300]
    if author and _LETTER.search(author):
        meta["byline"] = author[:300]
    if language_tag(lang):
        meta["lang"] = language_tag(lang)
    return meta


def _book(items: list, meta: dict) -> Book:
    """Items -> chapters at the top heading level; a single top heading first is the title."""
    headings = [item for item in items if isinstance(item, Heading)]
    top = min((h.level for h in headings), default=1)
    tops = [h for h in headings if h.level == top]
    if len(tops) == 1 and items and items[0] is tops[0] and len(headings) > 1:
        meta = {**meta, "title": meta.get("title") or tops[0].text}
        items = items[1:]
        top = min((h.level for h in headings[1:]), default=1)
    chapters: list[BookChapter] = []
    title = ""
    current: list = []
    for item in items:
        if isinstance(item, Heading) and item.level <= top:
            if title or current:
                chapters.append(BookChapter(title, tuple(current)))
            title, current = item.text, []
        elif isinstance(item, Heading):
            current.append(replace(item, level=item.level - top))
        else:
            current.append(item)
    if title or current:
        chapters.append(BookChapter(title, tuple(current)))
    return Book(chapters=tuple(chapters), meta=meta)


def read_pdf(path: Path, source: str) -> Book:
    """A PDF file -> Book (metadata and chapters)."""
    reader = _open(read_limited(path, source), source)
    pages = _all_lines(reader, source)
    if not any(_LETTER.search(line.text) for page in pages for line in page):
        raise SourceError(f"{source} has no text layer (a scan?): it needs OCR first, e.g. "
                          f"`ocrmypdf {shlex.quote(source)} text.pdf`, then build text.pdf")
    pages = _without_furniture(pages)
    outline = _outline(reader)
    headings = _outline_headings(pages, outline) if outline else _size_headings(pages)
    return _book(_items(pages, headings), _meta(reader))
