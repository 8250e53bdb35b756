"""The sync driver at scale: the fast feed reading (lxml) gives the entries feedparser gives,
and falls back to feedparser for what it does not read the same way; the download threads
keep their connections; the pages are read on a process pool with the same result."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from audioguide.settings import Settings
from audioguide.sync.reading import INLINE_READS, Readers, read_page
from audioguide.sync.sources import (
    Fetcher,
    PageRequest,
    _root,
    fast_feed_entries,
    feed_entries,
    parse_document,
)

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS.parent / "benchmarks"))

from sync_scale import feed as scale_feed  # noqa: E402
from sync_scale import page as scale_page  # noqa: E402

from test_sync import DATA, FULL_TEXT, POSTS, content_html, rss  # noqa: E402

BLOG = "http://127.0.0.1:8765"
FEED_URL = f"{BLOG}/feed.xml"
RSS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title>'
            '<link>http://blog/</link><description>d</description><language>en-GB</language>')
ATOM_HEAD = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
             'xml:lang="pt_BR"><title>T</title><id>urn:x</id><updated>2026-01-01T00:00:00Z'
             '</updated>')


def rss_feed(*items: str) -> bytes:
    return (RSS_HEAD + "".join(f"<item>{i}</item>" for i in items)
            + "</channel></rss>").encode("utf-8")


def atom_feed(*entries: str) -> bytes:
    return (ATOM_HEAD + "".join(f"<entry>{e}</entry>" for e in entries)
            + "</feed>").encode("utf-8")


def blog_feed() -> bytes:
    items = [{"link": f"{BLOG}/posts/{slug}.html", "title": title, "author": author,
              "day": day, "content": None}
             for day, (slug, (title, author, _)) in enumerate(POSTS.items(), 1)]
    items.append({"link": f"{BLOG}/posts/squash.html", "title": FULL_TEXT[0],
                  "author": FULL_TEXT[1], "day": 3, "content": content_html(FULL_TEXT[2])})
    return rss(items).encode("utf-8")


def data_feed(name: str) -> bytes:
    return (DATA / name).read_text(encoding="utf-8").replace("{BLOG}", BLOG).replace(
        "{SECRET}", "file:///etc/passwd").encode("utf-8")


# Feeds the fast reading reads itself: (name, bytes).
FAST = [
    ("the sync tests' blog", blog_feed()),
    ("tests/data/sync/atom.xml", data_feed("atom.xml")),
    ("tests/data/sync/bad_entries.xml", data_feed("bad_entries.xml")),
    ("the scale benchmark's feed", scale_feed(40, BLOG)),
    ("titles with & and <, accents, no title", rss_feed(
        "<title>Salt &amp; pepper &lt; 3</title><link>/rel/a.html</link>",
        "<title>Caf\u00e9 cr\u00e8me \u20ac</title><link>https://x.example/b</link>",
        "<link>https://x.example/c</link><pubDate>2026-02-03T04:05:06Z</pubDate>",
        "<title>   spaced\n  out  </title><link>  https://x.example/d  </link>")),
    ("guids with and without isPermaLink, empty links", rss_feed(
        "<title>g1</title><guid>https://x.example/g1</guid>",
        '<title>g2</title><guid isPermaLink="false">tag:x,2026:g2</guid>',
        '<title>g3</title><guid isPermaLink="false">tag:x,2026:g3</guid><link></link>',
        "<title>g4</title><guid>relative/g4</guid>",
        "<guid>https://x.example/g5</guid><link>https://x.example/l5</link>",
        "<title>nothing</title><description>teaser</description>")),
    ("dates feedparser reads, and one it does not", rss_feed(
        "<title>d1</title><link>https://x.example/1</link>"
        "<pubDate>Tue, 10 Feb 2026 08:00:00 +0200</pubDate>",
        "<title>d2</title><link>https://x.example/2</link><dc:date>2026-01-02</dc:date>",
        "<title>d3</title><link>https://x.example/3</link><pubDate>not a date</pubDate>"
        "<dc:date>2026-01-02T03:04:05-05:00</dc:date>",
        "<title>d4</title><link>https://x.example/4</link><pubDate>soon</pubDate>")),
    ("full texts: relative links, scripts, whitespace, empty", rss_feed(
        "<title>c1</title><link>https://x.example/c1</link><content:encoded><![CDATA[  "
        '<p>See <a href="/other">this</a><script>alert(1)</script> <img src="i.png"'
        ' onerror="x()"></p>  ]]></content:encoded>',
        "<title>c2</title><link>https://x.example/c2</link><content:encoded>   "
        "</content:encoded><dc:creator>Ana</dc:creator>",
        "<title>c3</title><content:encoded>&lt;h2&gt;Escaped&lt;/h2&gt;&lt;p&gt;Body "
        "&amp;amp; more&lt;/p&gt;</content:encoded><author>Rui Costa</author>")),
    ("Atom: links, ids, text content, language", atom_feed(
        '<title>a1</title><id>https://x.example/a1</id><link href="/a1.html"/>'
        '<link rel="enclosure" href="/a1.mp3"/><author><name>Mira</name></author>'
        "<updated>2026-01-02T09:00:00Z</updated>",
        "<title>a2</title><id>urn:uuid:1234</id><content>Plain text here.</content>",
        '<title>a3</title><id>https://x.example/a3</id><link rel="alternate" '
        'type="text/html" href="https://x.example/a3.html"/><link rel="alternate" '
        'type="application/pdf" href="https://x.example/a3.pdf"/><content type="html">'
        "&lt;p&gt;Hi&lt;/p&gt;</content><published>2026-03-01T10:00:00+01:00</published>",
        "<id>relative-id</id>")),
]

# Feeds the fast reading leaves to feedparser.
SLOW = [
    ("a title that looks like markup", rss_feed(
        "<title>&lt;b&gt;Bold&lt;/b&gt; news</title><link>https://x.example/1</link>")),
    ("a query string", rss_feed("<title>q</title><link>https://x.example/?a=1&amp;b=2</link>")),
    ("an enclosure", rss_feed('<title>e</title><enclosure url="https://x.example/e.mp3" '
                              'type="audio/mpeg" length="1"/>')),
    ("media:title", rss_feed("<title>m</title><link>https://x.example/m</link>"
                             "<media:title>Other</media:title>")),
    ("an author's e-mail", rss_feed("<title>a</title><link>https://x.example/a</link>"
                                    "<author>rui@x.example (Rui Costa)</author>")),
    ("two descriptions", rss_feed("<title>t</title><link>https://x.example/t</link>"
                                  "<description>one</description><description>two"
                                  "</description>")),
    ("xml:base", rss_feed('<title>b</title><link xml:base="https://y.example/">b</link>')),
    ("UTF-8 read as Latin-1", rss_feed("<title>Caf\u00c3\u00a9</title>"
                                       "<link>https://x.example/l</link>")),
    ("Atom XHTML content", atom_feed(
        '<title>x</title><id>urn:x1</id><content type="xhtml"><div xmlns='
        '"http://www.w3.org/1999/xhtml"><p>Inline</p></div></content>')),
    ("Atom entry language", atom_feed(
        '<title>l</title><id>urn:l</id><content xml:lang="fr">Bonjour.</content>')),
    ("Atom author without a name", atom_feed(
        "<title>n</title><id>urn:n</id><author><email>n@x.example</email></author>")),
    ("RSS 0.91", b'<rss version="0.91"><channel><title>T</title><item><title>x</title>'
                 b"<link>https://x.example/x</link></item></channel></rss>"),
    ("a comment in an item", rss_feed("<title>c</title><!-- hi --><link>https://x.example/c"
                                      "</link>")),
]


@pytest.mark.parametrize(("name", "data"), FAST, ids=[n for n, _ in FAST])
@pytest.mark.parametrize("base", [FEED_URL, None], ids=["remote", "local file"])
def test_fast_reading_gives_feedparsers_entries(name, data, base):
    fast = fast_feed_entries(_root(data, name), base)
    assert fast is not None, f"{name}: left to feedparser"
    assert fast == feed_entries(data, base)
    assert parse_document(data, name, base) == fast


@pytest.mark.parametrize(("name", "data"), SLOW, ids=[n for n, _ in SLOW])
def test_feeds_read_otherwise_are_left_to_feedparser(name, data):
    assert fast_feed_entries(_root(data, name), FEED_URL) is None
    assert parse_document(data, name, FEED_URL) == feed_entries(data, FEED_URL)


def test_what_the_fast_reading_found():
    """Not only equal to feedparser: the entries are the ones meant."""
    entries = fast_feed_entries(_root(FAST[1][1], "atom"), FEED_URL)
    assert entries is not None
    knife, kettle = entries
    assert knife.link == f"{BLOG}/posts/knife.html" and knife.url is None
    assert knife.content is not None and knife.content.startswith("<h2>Soak the stone</h2>")
    assert (knife.author, knife.lang, knife.date) == ("Rui Costa", "en",
                                                      "2026-02-10T08:00:00+00:00")
    assert kettle.url == f"{BLOG}/posts/kettle.html" and kettle.content is None
    guids = fast_feed_entries(_root(FAST[5][1], "g"), FEED_URL)
    assert guids is not None
    assert [e.link for e in guids[:3]] == ["https://x.example/g1", "tag:x,2026:g2",
                                           "tag:x,2026:g3"]
    assert guids[0].url == "https://x.example/g1" and guids[0].problem is None
    assert guids[1].problem == "g2: the entry has no link and no content; nothing to read"
    assert guids[3].url == f"{BLOG}/relative/g4"
    assert guids[4].url == "https://x.example/l5"


class Counting(ThreadingHTTPServer):
    daemon_threads = True


def test_download_threads_keep_their_connections():
    """250 pages (200s, 304s and redirects) over at most one connection per thread."""
    ports: set[int] = set()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            ports.add(self.client_address[1])
            if self.path.startswith("/moved"):
                self.send_response(302)
                self.send_header("Location", "/p0")
                self.send_header("Content-Length", "5")
                self.end_headers()
                self.wfile.write(b"moved")
                return
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
                return
            body = scale_page(int(self.path[2:]) if self.path[2:].isdigit() else 0)
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = Counting(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        requests = [PageRequest(f"{base}/p{n}", '"v1"' if n % 2 else None) for n in range(200)]
        requests += [PageRequest(f"{base}/moved{n}") for n in range(50)]
        fetcher = Fetcher(timeout=10, parallel=4, per_host=4)
        got = list(fetcher.fetch_all(requests))
    finally:
        server.shutdown()
        server.server_close()
    assert [g.status for g in got[:200]] == [200, 304] * 100
    assert all(g.status == 200 and b"Household note 0" in g.body for g in got[200:])
    assert len(ports) <= 4 + 1  # the four threads' connections (and robots.txt's)
    assert fetcher.sessions == []  # closed at the end


def test_pool_reads_as_the_driver_did():
    """Past INLINE_READS the pages are read by worker processes: the same Articles, and a
    page that cannot be read fails with its one-line error."""
    settings = Settings()
    pages = [scale_page(n) for n in range(INLINE_READS + 6)]
    with Readers(settings, workers=2) as readers:
        futures = [readers.read(body, "html", f"{BLOG}/p/{n}.html")
                   for n, body in enumerate(pages)]
        empty = readers.read(b"   ", "html", f"{BLOG}/empty.html")
        assert readers.pool is not None
        articles = [f.result() for f in futures]
        with pytest.raises(Exception, match="empty"):
            empty.result()
    assert articles == [read_page(body, "html", f"{BLOG}/p/{n}.html", settings)
                        for n, body in enumerate(pages)]
    assert articles[-1].title.startswith(f"Household note {INLINE_READS + 5}")
