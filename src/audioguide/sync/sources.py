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
import io
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ..errors import SourceError
from ..readers import MAX_BYTES, expand_sources, is_url, sniff_format
from ..readers.fetch import TYPES, Fetched, _check_scheme, _headers, fetch_conditional
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


# -- downloading the entries' pages: in parallel, politely ---------------------------------

PARALLEL = 16  # pages downloaded at once
PER_HOST = 4  # of which at most this many from one host
RETRIES = 3  # a 429 or 503 answer is retried this many times
LONGEST_WAIT = 120.0  # seconds: a longer Retry-After or crawl-delay fails the entry (next sync)
DRAIN_BYTES = 64 * 1024  # a redirect's or 304's body read to keep its connection open
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
    return _follow(session, request.url, timeout)


def _follow(session: requests.Session, url: str, timeout: float) -> Fetched:
    """The GET and its redirects (MAX_REDIRECTS at most, http(s) only)."""
    from ..readers.fetch import MAX_REDIRECTS, _answer, _get

    deadline = time.monotonic() + 4 * timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        response = _get(session, current, url, timeout)
        with response:
            if response.is_redirect:
                _drain(response)
                current = urljoin(current, response.headers.get("Location", ""))
                _check_scheme(current, url)
                continue
            if response.status_code in (429, 503):
                wait = retry_after(response.headers.get("Retry-After"))
                raise Busy(f"{url}: the server answered {response.status_code} (busy)"
                           + (f" and asked to wait {wait:.0f} s" if wait else "")
                           + "; the next sync tries again", wait)
            got = _answer(response, url, max_bytes=MAX_BYTES, deadline=deadline,
                          timeout=timeout, kinds=TYPES)
            if got.status == 304:
                _drain(response)
            return got
    raise SourceError(f"{url}: more than {MAX_REDIRECTS} redirects; check the address")


def _drain(response: requests.Response) -> None:
    """Read the (small) rest of an answer, so its connection goes back to the pool instead of
    being closed; a long one is left and its connection closed."""
    with contextlib.suppress(Exception):
        response.raw.read(DRAIN_BYTES, decode_content=False)


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
