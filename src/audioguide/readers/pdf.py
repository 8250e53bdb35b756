"""PDF -> Book: the text as written, in chapters from the outline, without what is not read.

The pages are read with PDFium (readers/pdf_pages.py: lines with their font size and place,
two-column pages in column order); what is not the text goes (readers/pdf_furniture.py:
running headers and footers, page numbers, arabic or roman). Then:

- Title: the document info's /Title unless it looks like a file name, else the largest text
  on the first page with text ("Libtasn1"), never the first bookmark. Those title lines are not
  read again. /Author is the byline, the catalog's /Lang the language.
- Chapters: each top-level bookmark is a chapter, placed at the line that says its title on
  its page (else where it points on the page, else the page's top); deeper bookmarks are
  headings inside it. A chapter longer than 20 minutes of speech (WORDS_PER_MINUTE) is split
  at its next-level bookmarks. Without an outline, lines set larger than the body text, short
  and standing alone, are headings by size (the largest = level 1).
- Front matter: what comes before the first chapter (title page, copyright, revision tables),
  and a top-level bookmark named as the title, is one "Front matter" part: skipped and listed
  (kind "front matter") unless kept (`--keep front-matter`); then it is the first chapter. An
  abstract in it is always read, as a chapter "Abstract".
- Skipped and listed, never read: contents and index pages, bookmarks named "Contents",
  "Table of Contents", "List of Figures", "... Index", and every dot leader line
  ("4.1 ASN.1 schema functions . . . . . 8"). A chapter left without text (an index) lends its
  listing to the chapter before it.
- Lines join into paragraphs; a paragraph ends at a wider gap, an indented line, a short line
  that ends a sentence, or a heading, and goes on across a column or a page. "exam-" at a
  line's end joined to "ple" makes "example"; lines starting with a bullet make list items.

A PDF without text (a scan) is refused with one line: it needs OCR first. So are encrypted
PDFs that need a password, and damaged ones.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .. import langtag
from ..errors import SourceError
from ..models import ITEM, PARAGRAPH, Block, Skipped
from ..speech.sentences import WORDS_PER_MINUTE
from .assemble import ArticleMeta, Heading, Item, squash
from .book import Book, BookChapter, read_limited
from .decode import clean_text
from .pdf_furniture import (
    CONTENTS_TITLE,
    INDEX_TITLE,
    body_size,
    is_leader,
    listing_kind,
    squashed,
    without_furniture,
)
from .pdf_pages import Line, OutlineEntry, all_lines, metadata, open_pdf, outline

CHAPTER_MINUTES = 20  # a chapter longer than this is split at its next-level bookmarks
FRONT_MATTER = "Front matter"
FRONT_MATTER_WORDS = 1500  # more text than this before the first chapter is not front matter
_BULLET = re.compile(r"^\s*([•◦▪‣·●○■□\-–*]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+(?=\S)")
_FILE_TITLE = re.compile(r"\.(docx?|odt|pdf|tex|indd|pages|rtf|txt|html?|dvi|ps)$|"
                         r"^microsoft word|^untitled$", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_ABSTRACT = re.compile(r"abstract(\s*$|\s*[.:—–]\s*(?=\w))", re.IGNORECASE)


@dataclass(frozen=True)
class Region:
    """Where a bookmark starts a part that is not read as text: "front matter", "contents",
    "index"; it lasts until the next heading of its level or higher."""

    kind: str
    level: int


def _same(a: str, b: str) -> bool:
    return squashed(a) == squashed(b)


_NUMBERING = re.compile(r"^((chapter|appendix|part|section)\s+)?([0-9]{1,3}|[a-z]|[ivxlc]{1,6})"
                        r"(\s?\.\s?[0-9]{1,3})*\s*[.:]?\s+")


def _says(line: str, title: str) -> bool:
    """Whether a line says a bookmark's title, section numbers aside ("2.1 ASN.1 syntax")."""
    a, b = (squashed(_NUMBERING.sub("", text.casefold().strip(), count=1))
            for text in (line, title))
    return bool(a) and a == b


def _region_kind(title: str, book_title: str, level: int) -> str | None:
    if CONTENTS_TITLE.fullmatch(title.strip()):
        return "contents"
    if INDEX_TITLE.fullmatch(title.strip()):
        return "index"
    if level == 1 and book_title and _same(title, book_title):
        return "front matter"
    return None


def _outline_marks(pages: list[list[Line]], entries: list[OutlineEntry], book_title: str
                   ) -> dict[tuple[int, float], Heading | Region]:
    """Each outline entry at its place: (page, line index) -> Heading or Region. An entry
    whose title is on no line of its page goes where it points, else before the page's first
    line (fractional indexes sort it between lines)."""
    marks: dict[tuple[int, float], Heading | Region] = {}
    taken: set[tuple[int, int]] = set()
    for order, entry in enumerate(entries):
        if entry.page >= len(pages):
            continue
        lines = pages[entry.page]
        index: float | None = next((i for i, line in enumerate(lines)
                                    if (entry.page, i) not in taken
                                    and _same(line.text, entry.title)), None)
        if index is None:
            index = next((i for i, line in enumerate(lines) if (entry.page, i) not in taken
                          and len(line.text) < 2 * len(entry.title) + 12
                          and _says(line.text, entry.title)), None)
        if index is not None:
            taken.add((entry.page, int(index)))
        elif entry.top is not None:
            below = [i for i, line in enumerate(lines) if line.y <= entry.top + 2]
            index = (below[0] if below else len(lines)) - 0.5 + order * 1e-6
        else:
            index = -0.5 + order * 1e-6
        kind = _region_kind(entry.title, book_title, entry.level)
        said = lines[int(index)].text if index == int(index) else entry.title
        marks[(entry.page, index)] = (Region(kind, entry.level) if kind
                                      else Heading(said, entry.level))
    return marks


def _size_marks(pages: list[list[Line]]) -> dict[tuple[int, float], Heading | Region]:
    """Lines set larger than the body text, short, with letters, at their column's left edge
    and followed by smaller text (not a chart's labels): headings by size."""
    body = body_size(pages)
    candidates = {(p, i): line for p, page in enumerate(pages) for i, line in enumerate(page)
                  if line.size >= body * 1.15 and line.size >= body + 1 and len(line.text) <= 150
                  and _LETTER.search(line.text) and not line.text.endswith((",", ";"))
                  and (i + 1 == len(page) or page[i + 1].size < line.size)  # text follows
                  and abs(line.indent) < 3}  # at the column's edge, not inside a figure
    levels = {size: n for n, size in enumerate(sorted({c.size for c in candidates.values()},
                                                      reverse=True)[:6], 1)}
    marks: dict[tuple[int, float], Heading | Region] = {}
    for (p, i), line in candidates.items():
        if line.size not in levels:
            continue
        kind = _region_kind(line.text, "", levels[line.size])
        marks[(p, float(i))] = (Region(kind, levels[line.size]) if kind
                                else Heading(line.text, levels[line.size]))
    return marks


def _joined(previous: str, line: str) -> str:
    """Join a line to its paragraph; a word hyphenated across the break is made whole."""
    if re.search(r"[^\W\d_][-\u00ad]$", previous) and re.match(r"[a-zß-ÿ]", line):
        word = previous.rsplit(None, 1)[-1]
        if "-" in word[:-1]:  # "--allow-mismatched-" + "debuginfo": the hyphen is the word's
            return previous + line
        return previous[:-1] + line
    return f"{previous} {line}"


class _Paragraphs:
    """Lines -> items: a paragraph ends at a gap, an indent, a short last line or a bullet;
    lines of a skipped part gather into one Skipped."""

    def __init__(self, lines: list[Line]):
        gaps = Counter(round(a.y - b.y) for a, b in zip(lines, lines[1:], strict=False)
                       if a.page == b.page and 0 < a.y - b.y < 4 * a.size)
        self.gap = gaps.most_common(1)[0][0] if gaps else 14
        lengths = sorted(len(line.text) for line in lines)
        self.full = lengths[len(lengths) * 3 // 4] if lengths else 60
        self.items: list[Item | Region] = []
        self.text = ""
        self.kind = PARAGRAPH
        self.last: Line | None = None
        self.skipped: tuple[str, list[str]] | None = None

    def breaks(self, line: Line) -> bool:
        last = self.last
        if last is None or not self.text:
            return True
        ends = len(last.text) < self.full * 0.7 and last.text.endswith(
            (".", "!", "?", ":", "”"))
        if last.page != line.page or line.y > last.y + 0.5 * line.size:
            return ends  # on at the top of the next column or page
        if last.y - line.y > self.gap * 1.6 or abs(last.y - line.y) < 0.5 * line.size:
            return True
        if line.indent > 6 and self.kind is PARAGRAPH and last.indent <= 6:
            return True  # a first-line indent
        return ends

    def add(self, line: Line) -> None:
        self.unskip()
        if _ABSTRACT.fullmatch(line.text.strip()):
            self.flush()  # "Abstract" on a line of its own: where the front matter ends
            self.items.append(Block(PARAGRAPH, line.text.strip()))
            return
        bullet = _BULLET.match(line.text)
        if bullet or self.breaks(line):
            self.flush()
            self.kind = ITEM if bullet else PARAGRAPH
            self.text = line.text[bullet.end():] if bullet else line.text
        else:
            self.text = _joined(self.text, line.text)
        self.last = line

    def skip(self, kind: str, line: Line) -> None:
        self.flush()
        if self.skipped and self.skipped[0] != kind:
            self.unskip()
        if not self.skipped:
            self.skipped = (kind, [])
        self.skipped[1].append(line.text)

    def unskip(self) -> None:
        if self.skipped:
            kind, texts = self.skipped
            text = "\n".join(texts)
            self.items.append(Skipped(kind, text, len(re.findall(r"\w+", text))))
        self.skipped = None

    def flush(self) -> None:
        if self.text.strip():
            self.items.append(Block(self.kind, squash(self.text)))
        self.text, self.last = "", None

    def mark(self, mark: Heading | Region) -> None:
        self.flush()
        self.unskip()
        self.items.append(mark)


def _items(pages: list[list[Line]], marks: dict[tuple[int, float], Heading | Region]
           ) -> list[Item | Region]:
    """Headings, Regions, Blocks and Skipped parts in reading order. A mark at a whole index
    is its line; one at a fractional index goes before the line after it."""
    paragraphs = _Paragraphs([line for page in pages for line in page])
    by_page: dict[int, list[tuple[float, Heading | Region]]] = {}
    for (p, index), mark in marks.items():
        by_page.setdefault(p, []).append((index, mark))
    region: Region | None = None

    def emit(mark: Heading | Region) -> None:
        nonlocal region
        if isinstance(mark, Region) or (region and mark.level <= region.level):
            region = mark if isinstance(mark, Region) else None
        paragraphs.mark(mark)

    previous: str | None = None
    for p, page in enumerate(pages):
        listing = listing_kind(page)
        if listing == "contents" and previous == "index":
            listing = "index"  # an index goes on over pages without its title
        previous = listing
        marked = sorted(by_page.get(p, []), key=lambda pair: pair[0])
        on_line = {int(index): mark for index, mark in marked if index == int(index)}
        between = [(index, mark) for index, mark in marked if index != int(index)]
        for i, line in enumerate(page):
            while between and between[0][0] < i:
                emit(between.pop(0)[1])
            if i in on_line:
                emit(on_line[i])
                continue
            skipped = region.kind if region and region.kind != "front matter" else listing
            if skipped is None and is_leader(line):
                skipped = "contents"
            if skipped:
                paragraphs.skip(skipped, line)
            else:
                paragraphs.add(line)
        for _, mark in between:
            emit(mark)
    paragraphs.flush()
    paragraphs.unskip()
    return paragraphs.items


def _title(info: dict[str, str], pages: list[list[Line]]) -> tuple[str, list[list[Line]]]:
    """The title (the info's /Title, else the largest text on the first page with text) and
    the pages without the lines that say it."""
    given = squash(clean_text(info.get("title", "")))
    if not given or _FILE_TITLE.search(given) or not _LETTER.search(given):
        given = ""
    first = next((p for p, page in enumerate(pages[:3])
                  if any(_LETTER.search(line.text) for line in page)), None)
    if first is None:
        return given[:300], pages
    page = pages[first]
    largest = max(line.size for line in page if _LETTER.search(line.text))
    indexes = [i for i, line in enumerate(page) if line.size == largest]
    run = [indexes[0]]  # the title: the first lines of the largest size, one after another
    for index in indexes[1:]:
        if index != run[-1] + 1:
            break
        run.append(index)
    found = squash(" ".join(page[i].text for i in run))
    if largest <= body_size(pages) or len(found) > 200:
        found, run = "", []  # no text set larger than the body: no title on the page
    said = set(run) if found and (not given or _same(found, given)) else {
        i for i, line in enumerate(page) if given and _same(line.text, given)}
    title = given or (found if _LETTER.search(found) and len(found) > 1 else "")
    kept = [line for i, line in enumerate(page) if i not in said]
    return title[:300], [*pages[:first], kept, *pages[first + 1:]]


def _meta(info: dict[str, str], title: str) -> ArticleMeta:
    author = squash(clean_text(info.get("author", "")))
    return ArticleMeta(title=title, byline=author[:300] if _LETTER.search(author) else "",
                       lang=langtag.tag(info.get("lang", "")))


def _words(items: Iterable[object]) -> int:
    return sum(len(item.text.split()) for item in items if isinstance(item, Block))


def _chapters(items: list[Item], top: int) -> list[BookChapter]:
    """Items from a heading of level `top` on -> one chapter per such heading; the headings
    below keep their place, one level up (1 = just below the chapter)."""
    chapters: list[BookChapter] = []
    for item in items:
        if isinstance(item, Heading) and item.level <= top:
            chapters.append(BookChapter(item.text, ()))
        elif chapters:
            moved = replace(item, level=item.level - top) if isinstance(item, Heading) else item
            chapters[-1] = replace(chapters[-1], items=(*chapters[-1].items, moved))
    return chapters


def _split_long(chapter: BookChapter, limit: int) -> list[BookChapter]:
    """A chapter of more than `limit` words, cut at its next-level headings (again for a
    part still too long); a part before the first cut without text lends its skips on."""
    items = list(chapter.items)
    first = next((n for n, item in enumerate(items)
                  if isinstance(item, Heading) and item.level == 1), None)
    if _words(items) <= limit or first is None:
        return [chapter]
    head, parts = items[:first], _chapters(items[first:], 1)
    out = [BookChapter(chapter.title, tuple(head))] if _words(head) else []
    if not out:  # the chapter's title goes on in its first part's: "4 Reference: 4.1 Types"
        parts[0] = replace(parts[0], title=f"{chapter.title}: {parts[0].title}",
                           items=(*head, *parts[0].items))
    for part in parts:
        out.extend(_split_long(part, limit))
    return out


def _folded(chapters: list[BookChapter]) -> list[BookChapter]:
    """Chapters without text (an index, a contents bookmark) leave; their skipped parts are
    listed with the chapter before them (the first: the one after)."""
    out: list[BookChapter] = []
    waiting: list[Item] = []
    for chapter in chapters:
        if any(isinstance(item, Block) for item in chapter.items):
            out.append(replace(chapter, items=(*waiting, *chapter.items)))
            waiting = []
            continue
        skips = [item for item in chapter.items if isinstance(item, Skipped)]
        if out:
            out[-1] = replace(out[-1], items=(*out[-1].items, *skips))
        else:
            waiting.extend(skips)
    if waiting and out:
        out[0] = replace(out[0], items=(*waiting, *out[0].items))
    return out or chapters


def _front(items: list[Item], keep: bool) -> tuple[list[BookChapter], list[Skipped]]:
    """What comes before the first chapter -> (chapters read: the front matter when kept,
    an abstract; skipped parts listed at the start of the first chapter)."""
    start = next((n for n, item in enumerate(items) if isinstance(item, (Block, Heading))
                  and _ABSTRACT.match(item.text)), None)
    chapters: list[BookChapter] = []
    if start is not None:
        abstract = items[start:]
        opening = _ABSTRACT.sub("", abstract[0].text, count=1)
        body: list[Item] = [Block(PARAGRAPH, opening)] if opening else []
        body += [replace(item, level=1) if isinstance(item, Heading) else item
                 for item in abstract[1:]]
        if _words(body):
            chapters.append(BookChapter("Abstract", tuple(body)))
            items = items[:start]
    read = [item for item in items if isinstance(item, (Block, Heading))]
    if _words(read) > FRONT_MATTER_WORDS:  # not a title page: the text's opening, read
        return [BookChapter("", tuple(items)), *chapters], []
    if keep:
        kept = [Block(PARAGRAPH, item.text) if isinstance(item, Heading) else item
                for item in items]
        front = [BookChapter(FRONT_MATTER, tuple(kept))] if read else []
        return front + chapters, [item for item in items if isinstance(item, Skipped)
                                  and not read]
    text = "\n".join(item.text for item in read)
    listed = [Skipped("front matter", text, len(re.findall(r"\w+", text)))] if read else []
    return chapters, listed + [item for item in items if isinstance(item, Skipped)]


def _book(marked: list[Item | Region], meta: ArticleMeta, keep_front_matter: bool) -> Book:
    """Items -> chapters at the top heading level, the front matter before them, long
    chapters split at their next-level headings."""
    items = [item for item in marked if not isinstance(item, Region)]
    top = min((item.level for item in items if isinstance(item, Heading)), default=None)
    if top is None:
        return Book(chapters=(BookChapter("", tuple(items)),), meta=meta)
    first = next(n for n, item in enumerate(items)
                 if isinstance(item, Heading) and item.level == top)
    limit = int(CHAPTER_MINUTES * WORDS_PER_MINUTE)
    chapters = [part for chapter in _chapters(items[first:], top)
                for part in _split_long(chapter, limit)]
    chapters = _folded(chapters)
    front, listed = _front(items[:first], keep_front_matter)
    chapters = front + chapters
    if listed and chapters:
        chapters[0] = replace(chapters[0], items=(*listed, *chapters[0].items))
    return Book(chapters=tuple(chapters), meta=meta)


def read_pdf(path: Path, source: str, keep_front_matter: bool = False) -> Book:
    """A PDF file -> Book (metadata and chapters); `keep_front_matter` reads the front
    matter as a first chapter instead of listing it as skipped."""
    document = open_pdf(read_limited(path, source), source)
    try:
        pages = all_lines(document, source)
        entries = outline(document)
        info = metadata(document)
    finally:
        document.close()
    if not any(_LETTER.search(line.text) for page in pages for line in page):
        raise SourceError(f"{source} has no text layer (a scan?): it needs OCR first, e.g. "
                          f"`ocrmypdf {shlex.quote(source)} text.pdf`, then build text.pdf")
    pages = without_furniture(pages, frozenset(squashed(entry.title) for entry in entries))
    title, pages = _title(info, pages)
    marks = _outline_marks(pages, entries, title) if entries else _size_marks(pages)
    return _book(_items(pages, marks), _meta(info, title), keep_front_matter)
