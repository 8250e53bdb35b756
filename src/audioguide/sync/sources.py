"""A sync's SOURCE -> Entries: an RSS 2.0 or Atom feed (feedparser), a sitemap.xml, or a
folder of articles; a feed or sitemap given as an http(s) URL or as a local file.

A feed never makes audioguide read a local file it was not given: an entry's link is read only
when it is an http(s) address (a file:// link or a relative path in a local feed is refused).
A bad source (unreachable, not XML, an HTML page, no entries) raises SourceError before the
output folder is touched; a bad entry (no link and no content, a link refused) carries its
`problem` and fails alone.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import SourceError
from ..readers import MAX_BYTES, expand_sources, is_url, sniff_format
from ..readers.fetch import (
    TYPES,
    Fetched,
    _check_scheme,
    _headers,
    fetch_conditional,
    follow,
)
from ..settings import Settings

if TYPE_CHECKING:
    from concurrent.futures import Future

    import requests
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
    updated: str | None = None  # when the feed says the entry last changed (Atom <updated>)
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
        # a feed the fast reading is not sure of: feedparser's
        entries = fast_feed_entries(root, base) or feed_entries(data, base)
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


# -- the same entries without feedparser, for the usual feeds ------------------------------
#
# feedparser reads a 10,000-entry feed in 10 to 20 s; lxml has parsed it already. The fast
# reading below takes only what it reads exactly as feedparser does: UTF-8 RSS 2.0 or Atom 1.0
# without DTD, xml:base or (but on an Atom feed's root) xml:lang, whose entries hold only the
# elements of FAST_RSS / FAST_ATOM, at most once each where feedparser would keep one of
# several, and no text feedparser would take for markup in a title, link, id or author. Any
# other feed returns None and is read by feedparser. The contents go through feedparser's own
# relative-link resolution and sanitizer, as they do inside feedparser.parse.
# tests/test_sync_scale.py checks both readings give the same entries.

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
FAST_RSS = {"title", "link", "guid", "description", f"{{{CONTENT_NS}}}encoded",
            f"{{{DC_NS}}}creator", "author", "pubDate", f"{{{DC_NS}}}date", "category",
            "comments", "enclosure", "{http://wellformedweb.org/CommentAPI/}commentRss",
            "{http://purl.org/rss/1.0/modules/slash/}comments"}
FAST_ATOM = {f"{{{ATOM_NS}}}{name}" for name in (
    "title", "id", "link", "author", "name", "email", "uri", "published", "updated",
    "summary", "content", "category")}
ONCE = {"title", "guid", "description", f"{{{CONTENT_NS}}}encoded", f"{{{DC_NS}}}creator",
        "author", "pubDate", f"{{{DC_NS}}}date", "enclosure", "link",
        *(f"{{{ATOM_NS}}}{name}" for name in ("title", "id", "author", "name", "published",
                                             "updated", "summary", "content"))}


class NotFast(Exception):
    """The feed has something the fast reading does not read as feedparser does."""


def fast_feed_entries(root: etree._Element, base: str | None) -> list[Entry] | None:
    """The feed's entries as feed_entries gives them, or None for feedparser to read."""
    try:
        _fast_document(root)
        if root.tag == "rss":
            channel = root.find("channel")
            if channel is None or root.get("version", "2.0") != "2.0":
                return None
            lang = _plain(_last_text(channel, ("language", f"{{{DC_NS}}}language"))) or None
            items = channel.findall("item")
            return [_rss_entry(item, lang, base or "", n) for n, item in enumerate(items, 1)]
        if root.tag != f"{{{ATOM_NS}}}feed":
            return None
        lang = (root.get(f"{{{XML_NS}}}lang") or "").replace("_", "-") or None
        entries = root.findall(f"{{{ATOM_NS}}}entry")
        return [_atom_entry(entry, lang, base or "", n) for n, entry in enumerate(entries, 1)]
    except NotFast:
        return None


def _fast_document(root: etree._Element) -> None:
    tree = root.getroottree()
    doctype = tree.docinfo.doctype  # type: ignore[attr-defined]  # lxml-stubs lack it
    if doctype or (tree.docinfo.encoding or "UTF-8").upper() not in ("UTF-8",
                                                                                  "UTF8"):
        raise NotFast
    if root.xpath("//@xml:base | //@base | //@lang | /*/*//@xml:lang"):
        raise NotFast
    if root.tag == "rss" and root.get(f"{{{XML_NS}}}lang") is not None:
        raise NotFast
    if any(not isinstance(node.tag, str) for node in root.iter()):  # comments, PIs, entities
        raise NotFast


def _children(item: etree._Element, allowed: set[str]) -> dict[str, etree._Element]:
    """The entry's elements by tag; NotFast for one not allowed, or twice where ONCE."""
    found: dict[str, etree._Element] = {}
    for child in item.iterdescendants():
        tag = str(child.tag)
        if tag not in allowed or (tag in ONCE and tag in found):
            raise NotFast
        found[tag] = child
    return found


LOOKS_LIKE_MARKUP = re.compile(r"</\w+>|&#?\w+;")


def _plain(value: str | None) -> str:
    """`value` stripped, when feedparser would keep it as it is; else NotFast."""
    value = (value or "").strip()
    if LOOKS_LIKE_MARKUP.search(value) or not _same_in_feedparser(value):
        raise NotFast
    return value


def _same_in_feedparser(value: str) -> bool:
    """False where feedparser rewrites a text: UTF-8 read as Latin-1 and re-encoded, or
    C1 controls taken for Windows-1252."""
    if value.isascii():
        return True
    if any("\x80" <= char <= "\x9f" for char in value):
        return False
    try:
        value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return True
    return False


def _last_text(parent: etree._Element, tags: tuple[str, ...]) -> str | None:
    found = [child.text or "" for child in parent if child.tag in tags]
    return found[-1] if found else None


def _resolve(base: str, uri: str) -> str:
    """feedparser's resolution of a link against the feed's address."""
    from feedparser.urls import _urljoin

    if "&" in uri:
        raise NotFast  # feedparser repairs some query strings, not others
    return str(_urljoin(base, uri))


def _date(*elements: etree._Element | None) -> str | None:
    """The first element's date feedparser can read, as ISO 8601 (UTC)."""
    from feedparser.datetimes import _parse_date

    for element in elements:
        if element is not None:
            stamp = _parse_date(_plain(element.text))
            if stamp is not None:
                year, month, day, hour, minute, second = stamp[:6]
                return datetime(year, month, day, hour, minute, second,
                                tzinfo=timezone.utc).isoformat()
    return None


def _content(element: etree._Element | None, kind: str, base: str) -> str | None:
    """A content element's text as feedparser gives it (links resolved, markup sanitized)."""
    from feedparser.sanitizer import _sanitize_html
    from feedparser.urls import resolve_relative_uris

    if element is None or len(element):
        if element is not None:
            raise NotFast  # inline XHTML
        return None
    value = (element.text or "").strip()
    if not _same_in_feedparser(value):
        raise NotFast
    if kind == "text/html" and value:
        value = _sanitize_html(resolve_relative_uris(value, base, "utf-8", kind), "utf-8", kind)
        if not _same_in_feedparser(value):
            raise NotFast
    return value


def _entry(identity_parts: tuple[str, str, str], number: int, content: str | None,
           fmt: str, **fields: Any) -> Entry:
    link, guid, title = identity_parts
    content = content if content and content.strip() else None
    identity = link or guid or (f"entry:{title}" if title else f"entry {number}")
    problem = None if content else _link_problem(link, title or f"entry {number}")
    return Entry(link=identity, url=None if content else link, title=title,
                 content=content, content_format=fmt if content else "html", problem=problem,
                 **fields)


def _rss_entry(item: etree._Element, lang: str | None, base: str, number: int) -> Entry:
    found = _children(item, FAST_RSS)
    if "author" in found and f"{{{DC_NS}}}creator" in found:
        raise NotFast
    if any(child.attrib for tag, child in found.items() if tag not in ("category", "comments")
           and not (tag == "guid" and set(child.attrib) <= {"isPermaLink"})):
        raise NotFast
    if "enclosure" in found:  # feedparser takes its address for the id, and more
        raise NotFast
    guid_element = found.get("guid")
    permalink = guid_element is not None and guid_element.get("isPermaLink", "true") == "true"
    guid = _plain(guid_element.text if guid_element is not None else "")
    guid = _resolve(base, guid) if guid and permalink else guid
    link = _plain(found["link"].text) if "link" in found else None
    link = _resolve(base, link) if link else (guid if permalink and link is None else "")
    author = _plain((found.get("author") if "author" in found
                     else found.get(f"{{{DC_NS}}}creator", None)).text  # type: ignore[union-attr]
                    if ("author" in found or f"{{{DC_NS}}}creator" in found) else "")
    if "@" in author or "(" in author:
        raise NotFast  # feedparser splits e-mail addresses out
    content = _content(found.get(f"{{{CONTENT_NS}}}encoded"), "text/html", base)
    title = _plain(found["title"].text) if "title" in found else ""
    return _entry((_text(link), _text(guid), _text(title)), number, content, "html",
                  author=_text(author), date=_date(found.get("pubDate"),
                                                    found.get(f"{{{DC_NS}}}date")),
                  updated=_date(found.get(f"{{{DC_NS}}}date")), lang=lang)  # as feedparser


def _atom_entry(entry: etree._Element, lang: str | None, base: str, number: int) -> Entry:
    """An Atom entry: its alternate HTML link, id, title, author's name and content."""
    link = ""
    for child in entry.iterfind(f"{{{ATOM_NS}}}link"):
        rel, kind = child.get("rel", "alternate"), child.get("type", "text/html")
        if rel == "alternate" and kind in ("text/html", "application/xhtml+xml", "html"):
            href = child.get("href")
            if href is None:
                raise NotFast
            link = _resolve(base, _plain(href))
    found = _children(entry, FAST_ATOM | {f"{{{ATOM_NS}}}link"})
    for tag, child in found.items():
        if child.attrib and tag not in (f"{{{ATOM_NS}}}link", f"{{{ATOM_NS}}}content",
                                        f"{{{ATOM_NS}}}title", f"{{{ATOM_NS}}}summary",
                                        f"{{{ATOM_NS}}}category"):
            raise NotFast
    title_element = found.get(f"{{{ATOM_NS}}}title")
    if title_element is not None and title_element.get("type", "text") != "text":
        raise NotFast
    name = found.get(f"{{{ATOM_NS}}}name")
    kind = (found[f"{{{ATOM_NS}}}content"].get("type", "text")
            if f"{{{ATOM_NS}}}content" in found else "text")
    if kind not in ("text", "html") or f"{{{ATOM_NS}}}content" in found and set(
            found[f"{{{ATOM_NS}}}content"].attrib) - {"type"}:
        raise NotFast
    content = _content(found.get(f"{{{ATOM_NS}}}content"),
                       "text/html" if kind == "html" else "text/plain", base)
    guid = _plain(found[f"{{{ATOM_NS}}}id"].text) if f"{{{ATOM_NS}}}id" in found else ""
    guid = _resolve(base, guid) if guid else ""  # an Atom id is taken for a permalink
    link = link or guid
    if f"{{{ATOM_NS}}}author" in found and name is None:
        raise NotFast  # an author without a name: feedparser shows the e-mail address
    title = _plain(title_element.text) if title_element is not None else ""
    return _entry((_text(link), _text(guid), _text(title)), number, content,
                  "html" if kind == "html" else "txt",
                  author=_text(_plain(name.text) if name is not None else ""),
                  date=_date(found.get(f"{{{ATOM_NS}}}published"),
                             found.get(f"{{{ATOM_NS}}}updated")),
                  updated=_date(found.get(f"{{{ATOM_NS}}}updated")), lang=lang)


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
    changed = dict(entry).get("updated_parsed")  # as given: feedparser's get falls back
    updated = (datetime(*changed[:6], tzinfo=timezone.utc).isoformat()
               if isinstance(changed, time.struct_time) else None)
    identity = link or guid or (f"entry:{title}" if title else f"entry {number}")
    problem = None
    if not content:
        problem = _link_problem(link, title or f"entry {number}")
    return Entry(link=identity, url=None if content else link, title=title, author=author,
                 date=date, updated=updated, lang=content_lang or feed_lang, content=content,
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


# -- downloading the entries' pages: in parallel, politely ---------------------------------

PARALLEL = 16  # pages downloaded at once
PER_HOST = 4  # of which at most this many from one host
RETRIES = 3  # a 429 or 503 answer is retried this many times
LONGEST_WAIT = 120.0  # seconds: a longer Retry-After or crawl-delay fails the entry (next sync)
ROBOTS_AFTER = 8  # robots.txt is read for a host with more pages than this in one run


@dataclass(frozen=True)
class PageRequest:
    """A page to download, with the validators of its last good download."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


class Busy(SourceError):
    """The host answered 429 or 503; `wait` is the seconds it asked for (None: not said)."""

    def __init__(self, message: str, wait: float | None):
        super().__init__(message)
        self.wait = wait


def retry_after(value: str | None) -> float | None:
    """Retry-After's seconds: a number of seconds or an HTTP date; None when absent or bad."""
    from email.utils import parsedate_to_datetime

    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


class Host:
    """One host's turn-taking: PER_HOST requests at once, request starts spaced by its
    crawl-delay, and none before a Retry-After it gave has passed."""

    def __init__(self, per_host: int):
        self.slots = threading.BoundedSemaphore(per_host)
        self.lock = threading.Lock()
        self.delay: float | None = None  # None: robots.txt not read (or not needed)
        self.next_start = 0.0

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self.slots:
            while True:
                with self.lock:
                    now = time.monotonic()
                    if now >= self.next_start:
                        self.next_start = now + (self.delay or 0.0)
                        break
                    wait = self.next_start - now
                time.sleep(wait)
            yield

    def pause(self, seconds: float) -> None:
        with self.lock:
            self.next_start = max(self.next_start, time.monotonic() + seconds)


class Fetcher:
    """Downloads pages on a bounded thread pool (PARALLEL at once, PER_HOST per host), honours
    Retry-After on 429 and 503 (the whole host waits, then the page is asked for again) and
    robots.txt's Crawl-delay for a host with many pages, and hands the answers back in the
    order asked."""

    def __init__(self, timeout: float, parallel: int = PARALLEL, per_host: int = PER_HOST):
        self.timeout, self.parallel, self.per_host = timeout, parallel, per_host
        self.hosts: dict[str, Host] = {}
        self.lock = threading.Lock()
        self.crowded: set[str] = set()  # hosts whose robots.txt is read
        self.local = threading.local()  # each download thread's own session (keep-alive)
        self.sessions: list[requests.Session] = []

    def fetch_all(self, requests: list[PageRequest | None]
                  ) -> Iterator[Fetched | SourceError | None]:
        """Each request's Fetched or the SourceError that stopped it (None for None), in order;
        at most 4 x PARALLEL answers are held ahead of the caller."""
        from collections import Counter
        from concurrent.futures import ThreadPoolExecutor

        counts = Counter(_host_key(r.url) for r in requests if r is not None)
        self.crowded = {host for host, count in counts.items() if count > ROBOTS_AFTER}
        pending: deque[Future[Fetched | SourceError] | None] = deque()
        try:
            with ThreadPoolExecutor(self.parallel,
                                    thread_name_prefix="audioguide-fetch") as pool:
                for request in requests:
                    pending.append(None if request is None
                                   else pool.submit(self._safe, request))
                    while len(pending) > 4 * self.parallel:
                        yield _result(pending.popleft())
                while pending:
                    yield _result(pending.popleft())
        finally:
            self.close()

    def session(self) -> requests.Session:
        """This thread's session: its connections are kept open between the pages it asks
        for (one TCP and TLS handshake per host and thread, not one per page)."""
        session = getattr(self.local, "session", None)
        if session is None:
            from ..http_session import open_session

            session = self.local.session = open_session(self.timeout,
                                                        pool_size=self.per_host)
            with self.lock:
                self.sessions.append(session)
        return session

    def close(self) -> None:
        with self.lock:
            sessions, self.sessions = self.sessions, []
        for session in sessions:
            session.close()

    def _safe(self, request: PageRequest) -> Fetched | SourceError:
        try:
            return self.fetch(request)
        except SourceError as exc:
            return exc

    def host(self, url: str) -> Host:
        key = _host_key(url)
        with self.lock:
            host = self.hosts.setdefault(key, Host(self.per_host))
        if key in self.crowded:
            with host.lock:
                if host.delay is None:
                    host.delay = min(robots_delay(url, self.timeout) or 0.0, LONGEST_WAIT)
        return host

    def fetch(self, request: PageRequest) -> Fetched:
        """One page; after a 429 or 503 the host waits (Retry-After, else 1, 2, 4 s) and the page
        is asked for again, RETRIES times at most."""
        host = self.host(request.url)
        for attempt in range(RETRIES + 1):
            try:
                with host.turn():
                    return fetch_page(request, self.timeout, self.session())
            except Busy as busy:
                wait = busy.wait if busy.wait is not None else float(2**attempt)
                if attempt == RETRIES or wait > LONGEST_WAIT:
                    raise
                host.pause(wait)
        raise AssertionError("unreachable")


def _result(future: Future[Fetched | SourceError] | None) -> Fetched | SourceError | None:
    return None if future is None else future.result()


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}"


def fetch_page(request: PageRequest, timeout: float,
               session: requests.Session | None = None) -> Fetched:
    """readers.fetch's conditional GET (same checks and limits), with 429 and 503 as Busy;
    on `session` (kept open for the next page) when given, else on a session of its own."""
    from ..http_session import open_session

    if session is None:
        with open_session(timeout) as own:
            return fetch_page(request, timeout, own)
    _check_scheme(request.url, request.url)
    headers = _headers(request.etag, request.last_modified)
    for name in ("If-None-Match", "If-Modified-Since"):  # the last page's validators go
        session.headers.pop(name, None)
    session.headers.update(headers)
    return follow(session, request.url, timeout, MAX_BYTES, TYPES,
                  on_answer=functools.partial(_busy, request.url))


def _busy(url: str, response: requests.Response) -> None:
    """A 429 or 503 for `url` is Busy: the host waits (Retry-After), the page is asked again."""
    if response.status_code in (429, 503):
        wait = retry_after(response.headers.get("Retry-After"))
        raise Busy(f"{url}: the server answered {response.status_code} (busy)"
                   + (f" and asked to wait {wait:.0f} s" if wait else "")
                   + "; the next sync tries again", wait)


def robots_delay(url: str, timeout: float) -> float | None:
    """The Crawl-delay (or Request-rate) robots.txt gives audioguide or every agent, in
    seconds; None when there is none or robots.txt cannot be read."""
    from urllib.robotparser import RobotFileParser

    from ..http_session import USER_AGENT, open_session

    parts = urlsplit(url)
    try:
        with open_session(timeout) as session:
            response = session.get(f"{parts.scheme}://{parts.netloc}/robots.txt")
            if response.status_code != 200:
                return None
            text = response.content[:512 * 1024].decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - no robots.txt to read: no delay asked for
        return None
    robots = RobotFileParser()
    robots.parse(text.splitlines())
    agent = USER_AGENT.split("/")[0]
    delay, rate = robots.crawl_delay(agent), robots.request_rate(agent)
    if delay is not None:
        return float(delay)
    return rate.seconds / rate.requests if rate is not None and rate.requests else None
