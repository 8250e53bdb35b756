"""Readers: a source (file, URL or standard input) -> models.Article.

    read_source("article.txt")          plain text, Markdown (.md) or HTML (.html); else sniffed
    read_source("https://...")          fetched, read by its content type (HTML, text, Markdown)
    read_source("-")                    standard input, sniffed
    read_text(text, "md")               already-decoded text
    expand_sources(["folder/"])         a folder -> its .txt/.md/.markdown/.html/.htm files, sorted

How articles are read:

- Plain text: see readers/text/__init__.py (its rules are described there only).
- Markdown: front matter (title, author, date, lang/language, description, category, image)
  is metadata. A single top-level heading that comes first is the title; the next level makes
  chapters; deeper headings stay inside their chapter (SUBHEADING). Links read as their text,
  images as their alt text; code blocks are not spelled out ("A code example in Python, shown in
  the transcript."), the code stays in the transcript.
- Tables (Markdown and HTML) are read row by row, each value with its column name:
  "A table with 2 rows: Name, Age. Row 1: Name, Alice; Age, 30. Row 2: ...". The transcript
  shows the table as "Name | Age" lines.
- HTML: see readers/html.py (the page's <main>/<article>, else trafilatura).
- EPUB and PDF (by extension, else by their first bytes): see readers/epub.py and pdf.py;
  readers/book.py makes one Article of the book, or one per chapter (`read_articles` with
  `Settings.per_chapter`). Books may be up to 200 MB.

Limits (what happens past them):

- Largest input: 5 MB (MAX_BYTES) for a file, standard input or a downloaded page. A larger
  source is refused with one line; nothing is read past the limit.
- URLs: http and https only (file://, ftp://... refused); at most 5 redirects; a time-out of
  `Settings.timeout` seconds (15 by default) to connect and between bytes, and 4 times that for
  the whole download; HTML, plain text and Markdown content types only (images, PDFs refused).
- Encodings: UTF-8 (BOM or not), UTF-16/32 with a BOM, BOM-less UTF-16, and single-byte
  encodings detected by charset-normalizer from the first 200 kB (Windows-1252 preferred when
  code pages tie). Invalid bytes are dropped.
- Text is cleaned: NUL and other control characters, terminal escapes, bidi controls and
  zero-width characters are removed; lone surrogates cannot survive. Binary input (images,
  archives, PDFs, audio, NUL-heavy data) is refused with one line. A source with no words in
  it (empty, blank, punctuation only, all script) is refused with one line.
- Markdown front matter larger than 64 kB, or not a mapping, is ignored; fields of the wrong
  type are ignored one by one. Markdown nested deeper than 100 levels (lists, quotes) is
  flattened, never dropped. HTML deeper than 150 elements is read as flat text; a page lxml
  cannot build at all is read as the text between its tags.
- Entities in HTML are never expanded from a DTD (no entity bombs, no external entities).
- A sentence has no length limit here: splitting long sentences for the engines is speech.py's.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

from ..errors import SourceError
from ..models import Article
from ..settings import Settings
from .assemble import assemble
from .book import Book, book_article, book_kind, chapter_articles
from .decode import binary_kind, checked_text, clean_text, decode_bytes
from .roles import apply_roles

MAX_BYTES = 5 * 1024 * 1024
FORMATS = ("txt", "md", "html")
EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".mdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
ARTICLE_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".epub", ".pdf")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")

__all__ = ["MAX_BYTES", "decode_bytes", "expand_sources", "read_articles", "read_source",
           "read_sources",
           "read_text", "sniff_format"]


def is_url(source: str) -> bool:
    match = _SCHEME.match(source)
    # "C:\\file.txt" is a Windows path, not a URL with scheme "c".
    return match is not None and len(match.group(1)) > 1 and "://" in source[:40]


def sniff_format(text: str) -> str:
    """Guess "html", "md" or "txt" from the text itself."""
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or re.search(
        r"<(html|body|head|article|div|p|h[1-6])[\s>]", head
    ):
        return "html"
    if head.startswith("---\n") or re.search(
        r"^(#{1,6} \S|```|~~~|\* \S.*\n\* |\[[^\]\n]+\]\([^)\s]+\))", text[:8192], re.MULTILINE
    ):
        return "md"
    return "txt"


def read_text(text: str, fmt: str, source: str = "", settings: Settings | None = None) -> Article:
    """Read already-decoded text in format "txt", "md" or "html"; the roles that `settings`
    skip (`--skip notes`) or keep (`--keep asides`) are applied (readers/roles.py)."""
    if fmt not in FORMATS:
        raise SourceError(f"{source or 'input'}: unknown format {fmt!r}; use txt, md or html")
    text = clean_text(text)
    if not text.strip():
        raise SourceError(f"{source or 'input'} is empty: give a file with some text")
    if fmt == "txt":
        from .text import parse_text

        items, meta = parse_text(text)
    elif fmt == "md":
        from .markdown import parse_markdown

        items, meta = parse_markdown(text)
    else:
        from .html import parse_html

        items, meta = parse_html(text, url=source if is_url(source) else None)
    settings = settings or Settings()
    return apply_roles(assemble(items, meta, source), settings.skip, settings.keep)


def read_source(source: str, settings: Settings | None = None) -> Article:
    """Read a file path, an http(s) URL or "-" (standard input) into an Article."""
    settings = settings or Settings()
    if source == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        if stdin is None:
            raise SourceError("standard input is closed: pipe an article in, or give a file")
        try:
            data = stdin.read(MAX_BYTES + 1)
        except OSError as exc:
            raise SourceError(
                f"standard input cannot be read ({exc.strerror}): give a file") from exc
        _check_size(len(data), "standard input")
        text = decode_bytes(data, "standard input")
        return read_text(text, sniff_format(text), "-", settings)
    if is_url(source):
        from .fetch import fetch

        data, fmt, charset = fetch(source, timeout=settings.timeout, max_bytes=MAX_BYTES)
        text = _decode_fetched(data, charset, source)
        return read_text(text, fmt or sniff_format(text), source, settings)
    path = Path(source).expanduser()
    if book_kind(path):
        return read_book(path, source, settings)[0]
    data = _read_file(path, source)
    text = decode_bytes(data, source)
    fmt = EXTENSIONS.get(path.suffix.lower()) or sniff_format(text)
    return read_text(text, fmt, source, settings)


def read_articles(source: str, settings: Settings | None = None) -> list[Article]:
    """read_source, except that a book (EPUB, PDF) makes one Article per chapter when
    `settings.per_chapter` is set."""
    settings = settings or Settings()
    if settings.per_chapter and source != "-" and not is_url(source):
        path = Path(source).expanduser()
        if book_kind(path):
            return read_book(path, source, settings, per_chapter=True)
    return [read_source(source, settings)]


def read_sources(sources: list[str], settings: Settings) -> list[tuple[Article, float]]:
    """Every article of `sources`, each with the seconds its reading took: folders expanded,
    a book with `settings.per_chapter` one article per chapter, --skip/--keep applied. All
    are read before any is built, so a bad source stops a build before any work. The one way
    `build`, `build --ray` and `sync` read files."""
    articles: list[tuple[Article, float]] = []
    for source in expand_sources(list(sources)):
        started = time.perf_counter()
        read = read_articles(source, settings)
        articles.extend((article, (time.perf_counter() - started) / len(read)) for article in read)
    return articles


def read_book(path: Path, source: str, settings: Settings,
              per_chapter: bool = False) -> list[Article]:
    """An EPUB or PDF file -> [the whole book], or one Article per chapter (roles applied)."""
    book: Book
    if book_kind(path) == "epub":
        from .epub import read_epub

        book = read_epub(path, source)
    else:
        from .pdf import read_pdf

        book = read_pdf(path, source, keep_front_matter="front-matter" in settings.keep)
    articles = chapter_articles(book, source) if per_chapter else [book_article(book, source)]
    return [apply_roles(article, settings.skip, settings.keep) for article in articles]


def _check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise SourceError(
            f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into smaller articles"
        )


def _read_file(path: Path, source: str) -> bytes:
    try:
        if path.is_dir():
            raise SourceError(f"{source} is a folder: give one of its files, or build the folder "
                              "with `audioguide build FOLDER`")
        if not path.exists():
            if re.match(r"^(www\.)?[\w-]+(\.[\w-]+)+(/|$)", source) and (
                path.suffix.lower() not in EXTENSIONS
            ):
                raise SourceError(f"{source} does not exist: check the path, or for a web page "
                                  f"give the full address (https://{source})")
            raise SourceError(f"{source} does not exist: check the path")
        if not path.is_file():
            raise SourceError(f"{source} is not a regular file: give a .txt, .md or .html file")
        _check_size(path.stat().st_size, source)
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except PermissionError as exc:
        raise SourceError(
            f"{source} cannot be read (permission denied): check its permissions") from exc
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise SourceError(f"{source} cannot be read ({reason}): check the path") from exc
    _check_size(len(data), source)
    return data


def _decode_fetched(data: bytes, charset: str | None, source: str) -> str:
    if charset and data.strip():
        import codecs

        try:
            codecs.lookup(charset)
        except LookupError:
            charset = None
        if charset and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
            kind = binary_kind(data)
            if kind:
                raise SourceError(f"{source} looks like {kind}, not a web page: check the URL")
            return checked_text(data.decode(charset, "replace"), source)
    return decode_bytes(data, source)


def expand_sources(sources: list[str]) -> list[str]:
    """Each folder becomes its article files (sorted, not recursive); others pass through."""
    expanded: list[str] = []
    for source in sources:
        if source == "-" or is_url(source) or not os.path.isdir(os.path.expanduser(source)):
            expanded.append(source)
            continue
        folder = Path(source).expanduser()
        try:
            files = sorted(
                entry for entry in folder.iterdir()
                if entry.suffix.lower() in ARTICLE_EXTENSIONS and entry.is_file()
                and not entry.name.startswith(".")
            )
        except OSError as exc:
            raise SourceError(
                f"{source}: cannot list the folder ({exc.strerror}): check it") from exc
        if not files:
            raise SourceError(f"{source} holds no articles (.txt, .md, .html): add some or give "
                              "a file")
        expanded.extend(str(Path(source) / f.name) for f in files)
    return expanded
