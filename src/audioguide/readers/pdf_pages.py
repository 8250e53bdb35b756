"""A PDF's pages as lines, its outline and its metadata, read with PDFium (pypdfium2).

PDFium keeps the spaces between words where pypdf glues them ("Thisdocumentcanbeused" in
LaTeX PDFs), and takes 0.26 s for a 101-page manual where pdfminer.six takes 6.7 s.

Each page's text comes as PDFium's lines; a line is cut where a gap wider than 1.5 em lies
between two words (a column gutter, a running header's page number, table cells). A page with
two columns (a gutter in its middle third that no wide line crosses, and text on both sides) is
read down the left column, then the right, full-width lines (a title) keeping their place; runs
on one baseline of one column join into one line. Only the first and last character of each
run and the characters beside spaces are measured, so a 1,000-page manual takes seconds.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import SourceError
from .assemble import squash
from .decode import clean_text

if TYPE_CHECKING:  # (pypdfium2 ships no type information: these are only names for mypy)
    from pypdfium2 import PdfDocument, PdfTextPage
    from pypdfium2.raw import FPDF_DEST

MAX_PAGES = 3000
GAP_EM = 1.5  # a gap this many ems wide between words cuts a line into runs
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Line:
    text: str
    size: float  # font size in points, as set on the page
    x: float  # left edge
    y: float  # baseline, from the bottom of the page
    page: int
    height: float  # the page's height
    right: float = 0.0  # right edge
    width: float = 612.0  # the page's width
    indent: float = 0.0  # x minus the left edge of its column on its page


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    level: int  # 1 = top
    page: int
    top: float | None = None  # where on the page it points (from the bottom), if it says


def open_pdf(data: bytes, source: str) -> PdfDocument:
    """The PDFium document; damaged and password-protected files as one-line errors."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise SourceError(f"{source} is encrypted: open it with its password and save an "
                              "unprotected copy, then build that") from exc
        raise SourceError(f"{source} is not a readable PDF ({str(exc)[:80]}): export it "
                          "again") from exc


def all_lines(document: PdfDocument, source: str) -> list[list[Line]]:
    """Every page's lines in reading order."""
    count = len(document)
    if count > MAX_PAGES:
        raise SourceError(f"{source} has {count} pages, more than {MAX_PAGES}: split it")
    pages = []
    for number in range(count):
        try:
            page = document[number]
            width, height = page.get_size()
            textpage = page.get_textpage()
            runs = _page_runs(textpage, number, float(width) or 612.0, float(height) or 792.0)
            textpage.close()
            page.close()
        except Exception as exc:  # a damaged page: one line, not a traceback
            raise SourceError(f"{source}: the text of page {number + 1} cannot be read "
                              f"({type(exc).__name__}): the PDF may be damaged; export it "
                              "again") from exc
        pages.append(column_order(runs))
    return pages


def raw_text(document: PdfDocument) -> str:
    """PDFium's own text of every page, as it gives it (for benchmarks/pdfs.py)."""
    out = []
    for number in range(len(document)):
        textpage = document[number].get_textpage()
        out.append(textpage.get_text_range())
    return "\n".join(out)


class _Chars:
    """Boxes and origins of one text page's characters, measured on demand."""

    def __init__(self, textpage: PdfTextPage, text: str) -> None:
        import pypdfium2.raw as pdfium_c

        self.c = pdfium_c
        self.page = textpage
        self.mapped = len(text) != pdfium_c.FPDFText_CountChars(textpage)
        self.left, self.bottom = ctypes.c_double(), ctypes.c_double()
        self.right, self.top = ctypes.c_double(), ctypes.c_double()

    def index(self, text_index: int) -> int:
        if not self.mapped:
            return text_index
        return int(self.c.FPDFText_GetCharIndexFromTextIndex(self.page, text_index))

    def box(self, text_index: int) -> tuple[float, float]:
        """(left, right) of a character."""
        self.c.FPDFText_GetCharBox(self.page, self.index(text_index), self.left, self.right,
                                   self.bottom, self.top)
        return self.left.value, self.right.value

    def origin(self, text_index: int) -> tuple[float, float]:
        self.c.FPDFText_GetCharOrigin(self.page, self.index(text_index), self.left, self.bottom)
        return self.left.value, self.bottom.value

    def size(self, text_index: int) -> float:
        return float(self.c.FPDFText_GetFontSize(self.page, self.index(text_index)))


def _page_runs(textpage: PdfTextPage, number: int, width: float, height: float) -> list[Line]:
    text = textpage.get_text_range()
    chars = _Chars(textpage, text)
    runs: list[Line] = []
    for match in re.finditer(r"[^\r\n\ufffe]+\ufffe?", text):  # U+FFFE: a word broken
        runs.extend(_line_runs(chars, text, match.start(), match.end(), number, width, height))
    return runs


def _line_runs(chars: _Chars, text: str, start: int, end: int, page: int, width: float,
               height: float) -> list[Line]:
    """One PDFium line -> runs, cut at gaps wider than GAP_EM ems."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return []
    size = chars.size(start)
    cuts = [start]
    for space in _SPACES.finditer(text, start, end):
        before = chars.box(space.start() - 1)[1]
        after = chars.box(space.end())[0]
        if after - before > GAP_EM * size or after < before - size:
            cuts.append(space.end())
    runs = []
    for first, stop in zip(cuts, [*cuts[1:], end], strict=True):
        words = text[first:stop].rstrip()
        last = first + len(words) - 1
        x, y = chars.origin(first)
        clean = squash(clean_text(words.replace("\x02", "-").replace("\ufffe", "-")))
        if clean:
            runs.append(Line(clean, round(chars.size(first) * 2) / 2 if first != start
                             else round(size * 2) / 2, x, y, page, height,
                             chars.box(last)[1], width))
    return runs


def _gutter(runs: list[Line]) -> float | None:
    """The x of a two-column page's gutter, or None for a page of one column."""
    if len(runs) < 16:
        return None
    width = runs[0].width
    best: tuple[int, float] | None = None
    for step in range(30, 71):
        x = width * step / 100
        crossing = sum(1 for run in runs if run.x < x < run.right)
        if best is None or crossing < best[0]:
            best = (crossing, x)
    assert best is not None
    crossing, x = best
    left = [run for run in runs if run.right <= x]
    right = [run for run in runs if run.x >= x]
    wide = width * 0.2
    if (crossing > len(runs) * 0.1 or len(left) < 8 or len(right) < 8
            or _median([r.right - r.x for r in left]) < wide
            or _median([r.right - r.x for r in right]) < wide):
        return None
    overlap = min(max(r.y for r in left), max(r.y for r in right)) - max(
        min(r.y for r in left), min(r.y for r in right))
    return x if overlap > 0.3 * (max(r.y for r in runs) - min(r.y for r in runs)) else None


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] if values else 0.0


def column_order(runs: list[Line]) -> list[Line]:
    """Runs in reading order, joined into lines: PDFium's order on a page of one column; on a
    page of two, the left column then the right between full-width lines."""
    gutter = _gutter(runs)
    if gutter is None:
        return _with_indent(_joined(runs), [runs])
    ordered: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []

    def flush() -> None:
        ordered.extend(sorted(left, key=lambda run: -run.y))
        ordered.extend(sorted(right, key=lambda run: -run.y))
        left.clear()
        right.clear()

    for run in sorted(runs, key=lambda run: (-round(run.y), run.x)):
        if run.right <= gutter:
            left.append(run)
        elif run.x >= gutter:
            right.append(run)
        else:
            flush()
            ordered.append(run)
    flush()
    columns = [[r for r in runs if r.right <= gutter], [r for r in runs if r.x >= gutter]]
    return _with_indent(_joined(ordered), columns)


def _joined(runs: list[Line]) -> list[Line]:
    """Consecutive runs on one baseline, left to right, become one line."""
    lines: list[Line] = []
    for run in runs:
        last = lines[-1] if lines else None
        if (last is not None and abs(last.y - run.y) < 0.4 * max(last.size, run.size)
                and run.x >= last.right - 1):
            lines[-1] = replace(last, text=f"{last.text} {run.text}", right=run.right,
                                size=max(last.size, run.size))
        else:
            lines.append(run)
    return lines


def _with_indent(lines: list[Line], columns: list[list[Line]]) -> list[Line]:
    """Each line's indent from the left edge of its column: the leftmost place where a tenth
    of its lines start."""
    edges = []
    for column in columns:
        lefts = Counter(round(run.x) for run in column)
        common = [x for x, count in lefts.items() if count >= max(2, len(column) / 10)]
        if lefts:
            edges.append((min(run.x for run in column), min(common or [min(lefts)])))
    out = []
    for line in lines:
        edge = max((common for start, common in edges if line.x >= start - 1), default=line.x)
        out.append(replace(line, indent=line.x - edge))
    return out


def outline(document: PdfDocument) -> list[OutlineEntry]:
    """The outline (bookmarks) in order; [] without one or when it is damaged."""
    import pypdfium2.raw as pdfium_c

    entries: list[OutlineEntry] = []
    try:
        for bookmark in document.get_toc(max_depth=6):
            dest = pdfium_c.FPDFBookmark_GetDest(document, bookmark)
            if not dest:
                action = pdfium_c.FPDFBookmark_GetAction(bookmark)
                dest = pdfium_c.FPDFAction_GetDest(document, action) if action else None
            if not dest:
                continue
            page = pdfium_c.FPDFDest_GetDestPageIndex(document, dest)
            title = squash(clean_text(bookmark.get_title() or ""))
            if title and page >= 0:
                entries.append(OutlineEntry(title, bookmark.level + 1, page, _dest_top(dest)))
            if len(entries) > 5000:
                break
    except Exception:  # a damaged outline: headings from font sizes instead
        return []
    return entries


def _dest_top(dest: FPDF_DEST) -> float | None:
    import pypdfium2.raw as pdfium_c

    has_x, has_y, has_zoom = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    x, y, zoom = ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if pdfium_c.FPDFDest_GetLocationInPage(dest, has_x, has_y, has_zoom, x, y, zoom) and has_y:
        return float(y.value)
    return None


def metadata(document: PdfDocument) -> dict[str, str]:
    """Title, Author and the catalog's language, as the file gives them."""
    import pypdfium2.raw as pdfium_c

    try:
        info = document.get_metadata_dict()
    except Exception:  # damaged metadata: read without it
        info = {}
    lang = ""
    try:
        length = pdfium_c.FPDFCatalog_GetLanguage(document, None, 0)
        if 2 < length < 200:
            buffer = ctypes.create_string_buffer(length)
            pdfium_c.FPDFCatalog_GetLanguage(document, buffer, length)
            lang = buffer.raw[:length - 2].decode("utf-16-le", "ignore")
    except Exception:  # an older PDFium without the call
        lang = ""
    return {"title": str(info.get("Title") or ""), "author": str(info.get("Author") or ""),
            "lang": lang}
