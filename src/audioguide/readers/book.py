"""What the EPUB and PDF readers share: a book of chapters -> one Article, or one per chapter.

A book reader (epub.py, pdf.py) gives a `Book`: its metadata (title, byline, lang, date,
description, image) and its chapters in reading order, each a title and the headings and blocks
inside it (the chapter's own title already taken out). `book_article` makes one episode of the
whole book, one section per chapter; `chapter_articles` makes one episode per chapter
(`build --per-chapter`), each chapter's own headings making its sections. readers/__init__.py
(`read_book`) picks the reader by `book_kind`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import SourceError
from ..models import Article
from .assemble import ArticleMeta, Heading, Item, assemble, squash

MAX_BOOK_BYTES = 200 * 1024 * 1024  # an EPUB or PDF file, images included
BOOK_SUFFIXES = {".epub": "epub", ".pdf": "pdf"}


@dataclass(frozen=True)
class BookChapter:
    title: str
    items: tuple[Item, ...] = ()  # in reading order (heading levels: 1 = just below the chapter)


@dataclass(frozen=True)
class Book:
    chapters: tuple[BookChapter, ...]
    meta: ArticleMeta = ArticleMeta()


def book_kind(path: Path) -> str | None:
    """ "epub" or "pdf" from the file's name or, failing that, its first bytes; else None."""
    kind = BOOK_SUFFIXES.get(path.suffix.lower())
    if kind or path.suffix.lower() in (".txt", ".md", ".html", ".htm", ".markdown"):
        return kind
    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
    except OSError:
        return None  # the text reader names the problem
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and b"mimetypeapplication/epub+zip" in head:
        return "epub"
    return None


def _shifted(items: tuple[Item, ...], by: int) -> list[Item]:
    return [Heading(item.text, item.level + by) if isinstance(item, Heading) else item
            for item in items]


def book_article(book: Book, source: str) -> Article:
    """The whole book as one Article: one section per chapter, in reading order."""
    items: list[Item] = []
    for chapter in book.chapters:
        items.append(Heading(chapter.title, 1))
        items.extend(_shifted(chapter.items, 1))
    return assemble(items, replace(book.meta, title_taken=True), source)


def chapter_articles(book: Book, source: str) -> list[Article]:
    """One Article per chapter that has words in it; each with the book's metadata."""
    book_title = squash(book.meta.title) or Path(source).stem
    articles: list[Article] = []
    for number, chapter in enumerate(book.chapters, 1):
        meta = replace(book.meta, title=chapter.title, title_taken=True, category=book_title)
        try:
            article = assemble(list(chapter.items), meta, source)
        except SourceError:
            continue  # a chapter with no words (a cover, a blank page) makes no episode
        articles.append(replace(article, identity=f"{article.identity}#chapter-{number}"))
    if not articles:
        raise SourceError(f"{source} has no readable text: give a book with some words in it")
    return articles


def read_limited(path: Path, source: str) -> bytes:
    """The book file's bytes, refused past MAX_BOOK_BYTES; errors as one line."""
    try:
        if not path.is_file():
            raise SourceError(f"{source} does not exist: check the path")
        size = path.stat().st_size
        if size > MAX_BOOK_BYTES:
            raise SourceError(f"{source} is larger than {MAX_BOOK_BYTES // 2**20} MB: "
                              "split the book into smaller files")
        with open(path, "rb") as handle:
            return handle.read(MAX_BOOK_BYTES + 1)
    except PermissionError as exc:
        raise SourceError(
            f"{source} cannot be read (permission denied): check its permissions") from exc
    except OSError as exc:
        raise SourceError(f"{source} cannot be read ({exc.strerror or exc}): check the path"
                          ) from exc
