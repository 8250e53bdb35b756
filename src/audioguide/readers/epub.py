"""EPUB -> Book: the spine gives the reading order, the navigation the chapters.

Read with zipfile and lxml (ebooklib is AGPL): META-INF/container.xml names the package
document (OPF); its metadata gives the title (dc:title), the author (dc:creator), the language
(dc:language), the date, the description and the cover (the manifest item with
properties="cover-image", else EPUB 2's <meta name="cover">), read into a data: URI so that no
path from the book ever touches the disk. The chapters are the top-level entries of the EPUB 3
navigation document (nav epub:type="toc"), else of the EPUB 2 NCX, else one per spine document;
documents before the first entry (cover and title pages) are left out, a chapter runs to the
next entry. Each spine document (linear="no" ones skipped) goes through the HTML reader, read as
a page's main content.

Hostile books: entries are only looked up by name, never extracted; at most MAX_ENTRIES entries,
MAX_MEMBER_BYTES read from any one and MAX_TEXT_BYTES of documents in all (a zip bomb stops at
the limit); XML is parsed without DTDs, entities or network. A book whose content documents are
encrypted (DRM) is refused with one line; font obfuscation alone is fine.
"""

from __future__ import annotations

import base64
import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urldefrag

from .. import langtag
from ..errors import SourceError
from .assemble import ArticleMeta, Heading, Item, iso_date, squash
from .book import Book, BookChapter, read_limited
from .decode import clean_text, decode_bytes

MAX_ENTRIES = 10_000
MAX_MEMBER_BYTES = 16 * 1024 * 1024
MAX_TEXT_BYTES = 64 * 1024 * 1024
MAX_COVER_BYTES = 8 * 1024 * 1024
DC = "{http://purl.org/dc/elements/1.1/}"
OPF = "{http://www.idpf.org/2007/opf}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
XHTML_TYPES = ("application/xhtml+xml", "text/html", "application/x-dtbook+xml")
# Font obfuscation (IDPF, Adobe): not DRM, the text is readable.
FONT_OBFUSCATION = ("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")
_VOID = ("area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr")
_SELF_CLOSED = re.compile(rf"<(?!(?:{_VOID})\b)([a-zA-Z][\w:-]*)(\s[^<>]*?)?/>")
IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
# The package's manifest: item id -> {"path": its entry name, "type": media type, "properties"}
Manifest = dict[str, dict[str, str]]

if TYPE_CHECKING:
    from lxml import etree


class _Zip:
    """The book's entries, read by name with a size limit; errors as one line naming the book."""

    def __init__(self, data: bytes, source: str) -> None:
        import io

        self.source = source
        self.text_bytes = 0
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
                ValueError, OSError) as exc:
            raise SourceError(f"{source} is not a readable EPUB (a damaged zip archive: "
                              f"{exc}): export it again") from exc
        if len(infos) > MAX_ENTRIES:
            raise SourceError(f"{source} holds {len(infos)} files, more than an EPUB needs "
                              f"({MAX_ENTRIES}): it is refused")
        self.names = {info.filename for info in infos}

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes | None:
        """An entry's bytes (None if absent); past `limit` bytes the book is refused."""
        if name not in self.names:
            return None
        try:
            with self.zip.open(name) as handle:
                data = handle.read(limit + 1)
        except RuntimeError as exc:  # a password-protected entry
            raise SourceError(f"{self.source} is encrypted: remove the password or DRM with "
                              "the software that made it, then build again") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
                OSError) as exc:
            raise SourceError(f"{self.source}: {name[:80]!r} is damaged ({exc}): export the "
                              "book again") from exc
        if len(data) > limit:
            raise SourceError(f"{self.source}: {name[:80]!r} unpacks to more than "
                              f"{limit // 2**20} MB: the book is refused")
        return data

    def document(self, name: str) -> str | None:
        data = self.read(name)
        if data is None:
            return None
        self.text_bytes += len(data)
        if self.text_bytes > MAX_TEXT_BYTES:
            raise SourceError(f"{self.source}: its documents unpack to more than "
                              f"{MAX_TEXT_BYTES // 2**20} MB of text: the book is refused")
        return clean_text(decode_bytes(data, f"{self.source}: {name[:80]}"))


def _xml(data: bytes, what: str, source: str) -> etree._Element:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, recover=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise SourceError(f"{source}: its {what} cannot be read ({exc}): the EPUB is damaged"
                          ) from exc
    if root is None:
        raise SourceError(f"{source}: its {what} is empty: the EPUB is damaged")
    return root


def _join(base: str, href: str) -> str | None:
    """An href relative to the document at `base` -> the entry name; None if it leaves the
    book (absolute, "../" past the top, a URL)."""
    href = unquote(urldefrag(href.strip())[0])
    if not href or "://" in href or href.startswith(("/", "\\")) or ":" in href.split("/")[0]:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), href))
    return None if joined.startswith("../") or joined in ("..", ".") else joined


def _package_path(book: _Zip) -> str:
    data = book.read("META-INF/container.xml")
    if data is None:
        raise SourceError(f"{book.source} is not an EPUB (no META-INF/container.xml): "
                          "give an EPUB 2 or 3 book")
    root = _xml(data, "container.xml", book.source)
    for element in root.iter("{*}rootfile"):
        path = _join("", element.get("full-path") or "")
        if path and path in book.names:
            return path
    raise SourceError(f"{book.source}: its container.xml names no package document: "
                      "the EPUB is damaged")


def _check_drm(book: _Zip, documents: set[str]) -> None:
    """Refuse a book whose documents are encrypted; obfuscated fonts are fine."""
    if "META-INF/rights.xml" in book.names and "META-INF/encryption.xml" in book.names:
        raise SourceError(f"{book.source} is protected by DRM: read it in the app it was "
                          "bought for; audioguide cannot read it")
    data = book.read("META-INF/encryption.xml")
    if data is None:
        return
    root = _xml(data, "encryption.xml", book.source)
    for encrypted in root.iter("{*}EncryptedData"):
        methods = [m.get("Algorithm") for m in encrypted.iter("{*}EncryptionMethod")]
        if methods and all(m in FONT_OBFUSCATION for m in methods):
            continue
        for reference in encrypted.iter("{*}CipherReference"):
            if _join("", reference.get("URI") or "") in documents:
                raise SourceError(f"{book.source} is encrypted (DRM): read it in the app it "
                                  "was bought for; audioguide cannot read it")


def _metadata(package: etree._Element, base: str, manifest: Manifest,
              book: _Zip) -> ArticleMeta:
    from .htmltree import html_text

    metadata = package.find(f"{OPF}metadata")
    if metadata is None:
        metadata = package.find("{*}metadata")
    if metadata is None:
        return ArticleMeta()

    def texts(tag: str) -> list[str]:
        return [squash(e.text or "") for e in metadata.iter(f"{DC}{tag}") if squash(e.text or "")]

    titles, creators, languages = texts("title"), texts("creator"), texts("language")
    dates = [day for day in map(iso_date, texts("date")) if day]
    descriptions = texts("description")
    return ArticleMeta(
        title=titles[0][:300] if titles else "",
        byline=", ".join(creators[:4])[:300],
        lang=langtag.tag(languages[0]) if languages else "",
        date=dates[0] if dates else "",
        description=html_text(descriptions[0])[:2000] if descriptions else "",
        image=_cover(metadata, manifest, book) or "",
    )


def _cover(metadata: etree._Element, manifest: Manifest, book: _Zip) -> str | None:
    """The cover image as a data: URI (PNG or JPEG only), or None."""
    path = next((item["path"] for item in manifest.values()
                 if "cover-image" in item["properties"].split()), None)
    if path is None:
        for element in metadata.iter("{*}meta"):
            content = element.get("content")
            if element.get("name") == "cover" and content is not None and content in manifest:
                path = manifest[content]["path"]
                break
    if path is None:
        return None
    try:
        data = book.read(path, MAX_COVER_BYTES)
    except SourceError:
        return None  # a bad cover is no reason to refuse the book: the made cover is used
    for magic, mime in IMAGE_MAGIC:
        if data and data.startswith(magic):
            return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    return None


def _package(book: _Zip) -> tuple[etree._Element, str, Manifest, list[str]]:
    """(package root, its path, manifest id -> {path, type, properties}, spine paths)."""
    opf_path = _package_path(book)
    data = book.read(opf_path)
    package = _xml(data or b"", "package document", book.source)
    manifest: Manifest = {}
    for item in package.iter(f"{OPF}item", "{*}item"):
        path = _join(opf_path, item.get("href") or "")
        item_id = item.get("id")
        if item_id and path:
            manifest[item_id] = {"path": path, "type": item.get("media-type") or "",
                                        "properties": item.get("properties") or ""}
    spine: list[str] = []
    for itemref in package.iter("{*}itemref"):
        entry = manifest.get(itemref.get("idref") or "")
        if entry and entry["type"] in XHTML_TYPES and itemref.get("linear") != "no" and \
                entry["path"] not in spine:
            spine.append(entry["path"])
    if not spine:
        raise SourceError(f"{book.source}: its package document lists no readable documents "
                          "(an empty spine): the EPUB is damaged")
    return package, opf_path, manifest, spine


def _nav_entries(book: _Zip, manifest: Manifest,
                 package: etree._Element) -> list[tuple[str, str, str]]:
    """Top-level table of contents entries: (title, entry name, fragment), in order."""
    nav = next((item["path"] for item in manifest.values()
                if "nav" in item["properties"].split()), None)
    if nav:
        entries = _nav_document(book, nav)
        if entries:
            return entries
    spine = package.find("{*}spine")
    ncx_id = spine.get("toc") if spine is not None else None
    ncx = manifest.get(ncx_id or "", {}).get("path") or next(
        (item["path"] for item in manifest.values()
         if item["type"] == "application/x-dtbncx+xml"), None)
    return _ncx_entries(book, ncx) if ncx else []


def _nav_document(book: _Zip, path: str) -> list[tuple[str, str, str]]:
    from .htmlelement import xpath_elements
    from .htmltree import element_text, parse_document

    text = book.document(path)
    tree = parse_document(text) if text else None
    if tree is None:
        return []
    navs = xpath_elements(tree, "//nav")
    toc = [n for n in navs if "toc" in (n.get("epub:type") or n.get("type") or "").split()]
    if not (toc or navs):
        return []
    top = (toc or navs)[0].find(".//ol")
    entries: list[tuple[str, str, str]] = []
    for li in top.iterchildren("li") if top is not None else ():
        link = li.find(".//a")
        label = li.find("a") if li.find("a") is not None else li.find("span")
        href = link.get("href") if link is not None else None
        if label is None or not href:
            continue
        target = _join(path, href)
        if target:
            entries.append((squash(element_text(label)), target, urldefrag(href)[1]))
    return entries


def _ncx_entries(book: _Zip, path: str) -> list[tuple[str, str, str]]:
    data = book.read(path)
    if not data:
        return []
    root = _xml(data, "NCX table of contents", book.source)
    nav_map = root.find(f"{NCX}navMap")
    entries: list[tuple[str, str, str]] = []
    for point in nav_map.iterchildren(f"{NCX}navPoint") if nav_map is not None else ():
        label = point.find(f"{NCX}navLabel/{NCX}text")
        content = point.find(f"{NCX}content")
        href = content.get("src") if content is not None else None
        target = _join(path, href) if href else None
        if target:
            text = label.text if label is not None else ""
            entries.append((squash(text or ""), target, str(urldefrag(href)[1])))
    return entries


def _as_main(text: str) -> str:
    """An XHTML document made ready for the HTML reader: read whole as the page's main content
    (a book has no page furniture), chapter <header>s kept, XML's <a/> closed for HTML."""
    from lxml import html as lxml_html

    from .htmltree import body_of, parse_document

    tree = parse_document(_SELF_CLOSED.sub(r"<\1\2></\1>", text))
    if tree is None:
        return text
    for header in tree.iter("header"):
        header.tag = "div"
    body = body_of(tree)
    if not body.text_content().strip():
        return ""  # a cover page: an image alone
    page = lxml_html.fromstring("<html><body><main></main></body></html>")
    for name in ("lang", "{http://www.w3.org/XML/1998/namespace}lang", "dir"):
        value = tree.get(name)
        if value:
            page.set("lang" if "lang" in name else name, value)
    main = page.find(".//main")
    assert main is not None  # (made just above)
    main.text = body.text
    for child in list(body):
        main.append(child)
    return lxml_html.tostring(page, encoding="unicode")


def _items(book: _Zip, path: str) -> list[Item]:
    from .html import parse_html

    text = book.document(path)
    page = _as_main(text) if text else ""
    return parse_html(page)[0] if page else []


def _split_at(items: list[Item], title: str) -> tuple[list[Item], list[Item]]:
    """Items before the heading named `title`, and from it on; (items, []) if none matches."""
    wanted = squash(title).casefold()
    for index, item in enumerate(items):
        if isinstance(item, Heading) and squash(item.text).casefold() == wanted:
            return items[:index], items[index:]
    return items, []


def _chapter(title: str, items: list[Item]) -> BookChapter:
    """The chapter's own heading (the first, when it says the title) is not read twice;
    its other headings are made relative to the chapter (1 = just below it)."""
    wanted = squash(title).casefold().strip(" .:")
    if items and isinstance(items[0], Heading) and (
            not wanted or squash(items[0].text).casefold().strip(" .:") in wanted
            or wanted in squash(items[0].text).casefold()):
        title = title or squash(items[0].text)
        items = items[1:]
    levels = [item.level for item in items if isinstance(item, Heading)]
    shift = min(levels, default=1) - 1
    items = [Heading(item.text, item.level - shift) if isinstance(item, Heading) else item
             for item in items]
    return BookChapter(title=title, items=tuple(items))


def _chapters(book: _Zip, spine: list[str],
              entries: list[tuple[str, str, str]]) -> list[BookChapter]:
    """Chapters from the TOC entries (documents before the first one left out); without a
    usable TOC, one chapter per spine document, named by its first heading."""
    order = {path: n for n, path in enumerate(spine)}
    entries = [entry for entry in entries if entry[1] in order]
    if not entries:
        return [_chapter("", _items(book, path)) for path in spine]
    starts: dict[str, list[str]] = {}
    for title, path, _fragment in entries:
        starts.setdefault(path, []).append(title)
    chapters: list[tuple[str, list[Item]]] = []
    first = min(order[path] for _t, path, _f in entries)
    for path in spine[first:]:
        items = _items(book, path)
        for number, title in enumerate(starts.get(path, [])):
            before, items_from = _split_at(items, title)
            if number and items_from:  # a second chapter inside one document
                chapters[-1][1].extend(before)
                items = items_from
            chapters.append((title, []))
        chapters[-1][1].extend(items)
    return [_chapter(title, items) for title, items in chapters]


def read_epub(path: Path, source: str) -> Book:
    """An EPUB 2 or 3 file -> Book (metadata and chapters)."""
    book = _Zip(read_limited(path, source), source)
    package, opf_path, manifest, spine = _package(book)
    _check_drm(book, set(spine) | {item["path"] for item in manifest.values()
                                   if item["type"] in XHTML_TYPES})
    meta = _metadata(package, opf_path, manifest, book)
    chapters = _chapters(book, spine, _nav_entries(book, manifest, package))
    return Book(chapters=tuple(c for c in chapters if c.title or c.items), meta=meta)
