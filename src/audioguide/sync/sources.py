"""A sync's SOURCE -> Entries: an RSS 2.0 or Atom feed (feedparser), a sitemap.xml, or a
folder of articles; a feed or sitemap given as an http(s) URL or as a local file.

A feed never makes audioguide read a local file it was not given: an entry's link is read only
when it is an http(s) address (a file:// link or a relative path in a local feed is refused).
A bad source (unreachable, not XML, an HTML page, no entries) raises SourceError before the
output folder is touched; a bad entry (no link and no content, a link refused) carries its
`problem` and fails alone.
"""

from __future__ import annotations

import io
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import SourceError
from ..readers import MAX_BYTES, expand_sources, is_url, sniff_format
from ..readers.fetch import TYPES, fetch_conditional
from ..settings import Settings

if TYPE_CHECKING:
    from lxml import etree

XML_TYPES = {
    "application/rss+xml": "xml",
    "application/atom+xml": "xml",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
}
FEED_KINDS = {**TYPES, **XML_TYPES}
HTML_CONTENT = ("text/html", "application/xhtml+xml")
FEED_ROOTS = ("rss", "feed", "RDF")


@dataclass(frozen=True)
class Entry:
    """One article of the source."""

    link: str  # its identity: the entry's link, else its guid; a folder's file path
    url: str | None = None  # the http(s) page to read when the feed carries no full text
    title: str = ""
    author: str = ""
    date: str | None = None  # ISO 8601
    lang: str | None = None
    content: str | None = None  # the full text the feed carries
    content_format: str = "html"  # "html" or "txt"
    path: str | None = None  # a folder source's file
    chapter: int | None = None  # with --per-chapter, a book's chapter (from 1) in `path`
    problem: str | None = None  # why it cannot be read; it fails alone


def read_entries(source: str, settings: Settings) -> list[Entry]:
    """The entries of SOURCE, in its order; SourceError (one line) for a bad source."""
    if is_url(source):
        got = fetch_conditional(source, settings.timeout, MAX_BYTES, kinds=FEED_KINDS)
        return parse_document(got.body, source, base=source)
    path = Path(source).expanduser()
    if path.is_dir():
        return folder_entries(source)
    return parse_document(_read_file(path, source), source, base=None)


def _read_file(path: Path, source: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise SourceError(f"{source} does not exist: give a feed's URL or file, a sitemap.xml "
                          "or a folder of articles") from exc
    except OSError as exc:
        raise SourceError(f"{source} cannot be read ({exc.strerror}): check the path") from exc
    if len(data) > MAX_BYTES:
        raise SourceError(f"{source} is larger than {MAX_BYTES // 1024**2} MB: "
                          "give a smaller feed")
    return data


def folder_entries(source: str) -> list[Entry]:
    """A folder's article files (as `audioguide build FOLDER` takes them), one entry each."""
    return [Entry(link=str(Path(path).expanduser().resolve()), path=path)
            for path in expand_sources([source])]


def _root(data: bytes, source: str) -> etree._Element:
    """The document's root element, parsed safely (no entities, no network)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        text = data[:8192].decode("utf-8", "replace")
        if sniff_format(text) == "html":
            raise SourceError(_html_page(source)) from exc
        reason = " ".join(str(exc).split())[:80] or "empty"
        raise SourceError(f"{source} is not XML ({reason}): give an RSS or Atom feed, "
                          "a sitemap.xml or a folder of articles") from exc


def _html_page(source: str) -> str:
    return (f"{source} is an HTML page, not a feed: give the address of the site's RSS or "
            "Atom feed (often /feed or /rss.xml) or its sitemap.xml")


def parse_document(data: bytes, source: str, base: str | None) -> list[Entry]:
    """A feed's or a sitemap's entries; `base` (the document's URL) resolves relative links."""
    from lxml import etree

    root = _root(data, source)
    name = etree.QName(root).localname
    if name == "html":
        raise SourceError(_html_page(source))
    if name == "sitemapindex":
        raise SourceError(f"{source} is a sitemap index: give one of the sitemaps it lists")
    if name == "urlset":
        entries = sitemap_entries(root)
    elif name in FEED_ROOTS:
        entries = feed_entries(data, base)
    else:
        raise SourceError(f"{source}: <{name[:40]}> is not an RSS or Atom feed nor a sitemap; "
                          "give the site's feed or sitemap.xml")
    if not entries:
        raise SourceError(f"{source} has no entries: nothing to sync")
    return entries


def sitemap_entries(root: etree._Element) -> list[Entry]:
    entries: list[Entry] = []
    for url in root.iterfind("{*}url"):
        loc = (url.findtext("{*}loc") or "").strip()
        date = _iso((url.findtext("{*}lastmod") or "").strip())
        entries.append(Entry(link=loc, url=loc, date=date, problem=_link_problem(loc, None)))
    return entries


def _iso(value: str) -> str | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()


def feed_entries(data: bytes, base: str | None) -> list[Entry]:
    import feedparser

    headers = {"content-location": base} if base else {}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    feed_lang = _text(parsed.feed.get("language")) or None
    return [_feed_entry(entry, feed_lang, n) for n, entry in enumerate(parsed.entries, 1)]


def _text(value: object) -> str:
    return " ".join(str(value or "").split())


def _feed_entry(entry: Mapping[str, Any], feed_lang: str | None, number: int) -> Entry:
    link, guid = _text(entry.get("link")), _text(entry.get("id"))
    content, fmt, content_lang = _full_text(entry)
    title = _text(entry.get("title"))
    author = _text((entry.get("author_detail") or {}).get("name") or entry.get("author"))
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    date = (datetime(*stamp[:6], tzinfo=timezone.utc).isoformat()
            if isinstance(stamp, time.struct_time) else None)
    identity = link or guid or (f"entry:{title}" if title else f"entry {number}")
    problem = None
    if not content:
        problem = _link_problem(link, title or f"entry {number}")
    return Entry(link=identity, url=None if content else link, title=title, author=author,
                 date=date, lang=content_lang or feed_lang, content=content,
                 content_format=fmt, problem=problem)


def _full_text(entry: Mapping[str, Any]) -> tuple[str | None, str, str | None]:
    """(text, "html" or "txt", language) of content:encoded / Atom content, if carried."""
    for part in entry.get("content") or []:
        value = str(part.get("value") or "")
        if not value.strip():
            continue
        fmt = "html" if part.get("type", "text/html") in HTML_CONTENT else "txt"
        return value, fmt, _text(part.get("language")) or None
    return None, "html", None


def _link_problem(link: str, name: str | None) -> str | None:
    """Why an entry's link cannot be read (None when it is an http(s) address)."""
    if not link:
        return (f"{name}: the entry has no link and no content; nothing to read"
                if name else "an entry has no address; nothing to read")
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return (f"{link}: only http:// and https:// links are read from a feed "
                "(a feed never makes audioguide read a local file)")
    return None
