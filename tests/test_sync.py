"""audioguide sync against a small blog served on 127.0.0.1 by the test: an RSS feed whose
entries link to HTML pages with navigation and footers (one entry carries its full text in
content:encoded), answering conditional GETs with 304. espeak is the engine (fast, offline)."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from audioguide.cli import cli

DATA = Path(__file__).parent / "data" / "sync"
BASE = "https://podcast.example.org/blog"

POSTS = {
    "kettle": ("Descaling a Kettle", "Mira Okafor", [
        ("Why scale forms", "Hard water leaves chalk behind when it boils. The layer slows "
         "the heating and wastes power."),
        ("The lemon method", "Fill the kettle halfway with water and lemon juice. Boil it, "
         "let it stand for an hour, then rinse twice."),
    ]),
    "bicycle": ("Oiling a Bicycle Chain", "Tomas Lindqvist", [
        ("Clean first", "Wipe the chain with a dry rag while turning the pedals backwards."),
        ("One drop per link", "Put a single drop on each roller. Wipe off the excess after "
         "ten minutes, or it will collect grit."),
    ]),
}
FULL_TEXT = ("Storing Winter Squash", "Ana Ferreira", [
    ("Cure them", "Leave the squash in a warm room for ten days so the skin hardens."),
    ("Keep them cool", "A dry shelf at twelve degrees keeps them for months."),
])


def page_html(title: str, author: str, sections, with_date: bool = False) -> str:
    """An article page with the furniture a real blog has around it."""
    body = "".join(f"<h2>{escape(h)}</h2><p>{escape(p)}</p>" for h, p in sections)
    date = '<meta name="date" content="2025-01-02">' if with_date else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} | Household Notes</title>{date}</head><body>
<nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/shop">Shop our mugs</a></nav>
<header><p>Household Notes: small jobs, done well</p></header>
<main><article><h1>{escape(title)}</h1><p class="byline">By {escape(author)}</p>{body}
</article></main>
<aside><h3>Subscribe</h3><p>Get every new note by e-mail, free of charge forever.</p></aside>
<footer><p>Copyright Household Notes. All rights reserved. Privacy policy. Cookie settings.</p>
</footer></body></html>"""


def content_html(sections) -> str:
    return "".join(f"<h2>{escape(h)}</h2><p>{escape(p)}</p>" for h, p in sections)


class Blog:
    """A blog on 127.0.0.1: pages by path, a log of (path, status) answered."""

    def __init__(self):
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.log: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.items: list[dict] = []

    def put(self, path: str, body: str | bytes, mime: str = "text/html; charset=utf-8"):
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self.lock:
            self.pages[path] = (data, mime)

    def _handler(blog):  # noqa: N805 - the handler closes over the blog
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with blog.lock:
                    page = blog.pages.get(self.path)
                if page is None:
                    return self._answer(404, b"not here", "text/plain")
                data, mime = page
                etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._answer(304, b"", mime, etag)
                return self._answer(200, data, mime, etag)

            def _answer(self, status, data, mime, etag=None):
                with blog.lock:
                    blog.log.append((self.path, status))
                self.send_response(status)
                if status != 304:
                    self.send_header("Content-Type", mime)
                    self.send_header("Content-Length", str(len(data)))
                if etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", "Mon, 05 Jan 2026 10:00:00 GMT")
                self.end_headers()
                if status != 304:
                    self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler

    # -- the feed ------------------------------------------------------------------------

    def post(self, slug: str, title: str, author: str, sections, day: int,
             full_text: bool = False) -> None:
        """Publish a post: its page (or its full text in the feed) and its feed entry."""
        link = f"{self.url}/posts/{slug}.html"
        if not full_text:
            self.put(f"/posts/{slug}.html", page_html(title, author, sections))
        self.items = [i for i in self.items if i["link"] != link]
        self.items.append({"link": link, "title": title, "author": author, "day": day,
                           "content": content_html(sections) if full_text else None})
        self.publish_feed()

    def remove(self, slug: str) -> None:
        self.items = [i for i in self.items if not i["link"].endswith(f"/{slug}.html")]
        self.publish_feed()

    def publish_feed(self) -> None:
        self.put("/feed.xml", rss(self.items), "application/rss+xml; charset=utf-8")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def rss(items: list[dict]) -> str:
    start = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
    entries = []
    for item in sorted(items, key=lambda i: -i["day"]):
        content = (f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
                   if item["content"] else "")
        entries.append(
            f"<item><title>{escape(item['title'])}</title><link>{item['link']}</link>"
            f"<guid>{item['link']}</guid><dc:creator>{escape(item['author'])}</dc:creator>"
            f"<pubDate>{format_datetime(start + timedelta(days=item['day']))}</pubDate>"
            f"<description>A short teaser only.</description>{content}</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Household Notes'
            '</title><link>http://blog/</link><description>Notes</description>'
            '<language>en</language>' + "".join(entries) + "</channel></rss>")


@pytest.fixture
def blog():
    site = Blog()
    for day, (slug, (title, author, sections)) in enumerate(POSTS.items(), 1):
        site.post(slug, title, author, sections, day)
    site.post("squash", *FULL_TEXT, day=3, full_text=True)
    yield site
    site.close()


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click 8.1; 8.2 always keeps stderr apart
    except TypeError:
        return CliRunner()


def run_sync(source: str, out: Path, *extra: str) -> tuple[int, dict, str]:
    """`audioguide sync --json` in this process: (exit code, the JSON, stderr)."""
    result = runner().invoke(cli, ["sync", source, "-o", str(out), "--base-url", BASE,
                                      "--engine", "espeak", "--json", "-q", *extra])
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {}
    return result.exit_code, report, result.stderr


def tree(folder: Path) -> dict[str, tuple]:
    """Every file and folder under `folder` (itself included): its hash and mtime."""
    found = {".": ("dir", folder.stat().st_mtime_ns)}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        stat = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        found[key] = (digest, stat.st_mtime_ns)
    return found


def feed_items(out: Path) -> list[dict]:
    import feedparser
    import podcastparser

    raw = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.bozo_exception
    podcast = podcastparser.parse(f"{BASE}/feed.xml", io.BytesIO(raw))
    assert len(podcast["episodes"]) == len(parsed.entries)
    return [{"title": e.title, "guid": e.id, "published": e.published_parsed}
            for e in parsed.entries]


def slugs(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


# -- the loop ------------------------------------------------------------------------------


def test_first_run_builds_every_entry_and_the_feed(blog, tmp_path):
    out = tmp_path / "podcast"
    code, report, err = run_sync(f"{blog.url}/feed.xml", out)
    assert (code, report) == (0, {"seen": 3, "built": 3, "unchanged": 0, "not_asked": 0,
                                  "kept": 0, "failed": []}), err
    items = feed_items(out)
    # newest first by the entry's date (the feed's pubDate: the pages give none)
    assert [i["title"] for i in items] == ["Storing Winter Squash", "Oiling a Bicycle Chain",
                                           "Descaling a Kettle"]
    from audioguide.manifest import read_series

    series = {e.manifest.title: e.manifest for e in read_series(out)}
    kettle = series["Descaling a Kettle"]
    spoken = " ".join(c.text for c in kettle.cues)
    assert "lemon juice" in spoken and "Shop our mugs" not in spoken  # no furniture read
    assert "All rights reserved" not in spoken and "Subscribe" not in spoken
    assert kettle.byline == "Mira Okafor" and kettle.identity == f"{blog.url}/posts/kettle.html"
    squash = series["Storing Winter Squash"]  # full text from content:encoded
    assert squash.byline == "Ana Ferreira" and "twelve degrees" in " ".join(
        c.text for c in squash.cues)
    assert [c.title for c in squash.chapters][-2:] == ["Cure them", "Keep them cool"]
    assert ("/posts/squash.html", 200) not in blog.log  # never fetched: the feed had it all


def test_recheck_asks_a_page_again_only_after_its_window(blog, tmp_path):
    """--recheck 1d: pages found unchanged within the window are not asked (nothing written);
    an edit is then seen only without it, or once the window has passed."""
    out, feed = tmp_path / "podcast", f"{blog.url}/feed.xml"
    assert run_sync(feed, out)[0] == 0
    before = tree(out)
    blog.log.clear()
    code, report, _ = run_sync(feed, out, "--recheck", "1d")
    assert (code, report["built"], report["unchanged"], report["not_asked"]) == (0, 0, 3, 2)
    assert blog.log == [("/feed.xml", 200)] and tree(out) == before

    title, author, sections = POSTS["kettle"]
    blog.post("kettle", title, author, [*sections, ("Rinse", "Rinse it twice more.")], day=1)
    assert run_sync(feed, out, "--recheck", "1d")[1]["built"] == 0  # within the window
    state_file = out / ".audioguide-sync.json"
    state = json.loads(state_file.read_text())
    for record in state["entries"].values():  # two days later
        if "checked" in record:
            record["checked"] -= 2 * 86400
    state_file.write_text(json.dumps(state))
    blog.log.clear()
    code, report, _ = run_sync(feed, out, "--recheck", "1d")
    assert (code, report["built"], report["not_asked"]) == (0, 1, 0)
    assert sorted(blog.log) == [("/feed.xml", 200), ("/posts/bicycle.html", 304),
                                ("/posts/kettle.html", 200)]
    stamped = json.loads(state_file.read_text())["entries"]
    assert all(time.time() - r["checked"] < 600 for r in stamped.values() if "checked" in r)
    assert len([r for r in stamped.values() if "checked" in r]) == 2  # the two linked pages


def test_recheck_window_is_spread_and_follows_the_feeds_updated(tmp_path):
    from audioguide.sync.run import recently_checked
    from audioguide.sync.sources import Entry
    from audioguide.sync.state import Record

    now, day = 1_800_000_000.0, 86400.0
    windows = []
    for n in range(200):
        entry = Entry(link=f"https://example.org/p/{n}", updated="2026-01-01T00:00:00+00:00")
        record = Record("slug", "b", "m", checked=now, updated=entry.updated)
        fresh = [recently_checked(record, entry, day, now + hours * 3600)
                 for hours in range(0, 25)]
        assert fresh[0] and not fresh[24] and fresh == sorted(fresh, reverse=True)
        windows.append(fresh.count(True))
    assert min(windows) >= 12 and len(set(windows)) > 8  # half a day to a day, spread
    entry = Entry(link="https://example.org/p/1", updated="2026-02-01T00:00:00+00:00")
    assert not recently_checked(Record("s", "b", "m", checked=now,
                                       updated="2026-01-01T00:00:00+00:00"), entry, day, now)
    assert not recently_checked(Record("s", "b", "m"), entry, day, now)  # never stamped
    assert not recently_checked(None, entry, day, now)


def test_recheck_refuses_what_is_not_a_length_of_time(blog, tmp_path):
    result = runner().invoke(cli, ["sync", f"{blog.url}/feed.xml", "-o", str(tmp_path / "o"),
                                   "--base-url", BASE, "--recheck", "soon"])
    assert result.exit_code == 2 and "'soon' is not a length of time" in result.stderr
    assert not (tmp_path / "o").exists()


def test_lifecycle_unchanged_new_edited_removed_pruned(blog, tmp_path):
    out = tmp_path / "podcast"
    feed = f"{blog.url}/feed.xml"
    assert run_sync(feed, out)[0] == 0
    before = tree(out)
    guids = {i["title"]: i["guid"] for i in feed_items(out)}

    blog.log.clear()  # unchanged: no byte changed, no page downloaded again
    code, report, _ = run_sync(feed, out)
    assert (code, report["built"], report["unchanged"]) == (0, 0, 3)
    assert tree(out) == before
    assert sorted(blog.log) == [("/feed.xml", 200), ("/posts/bicycle.html", 304),
                                ("/posts/kettle.html", 304)]

    blog.post("bread", "Keeping Bread Fresh", "Ines Roy",  # new: one episode
              [("Wrap it", "Wrap the loaf in a cotton cloth, never in plastic.")], day=4)
    code, report, _ = run_sync(feed, out)
    assert (code, report["built"], report["unchanged"]) == (0, 1, 3)
    after_new = tree(out)
    kettle_files = {k: v for k, v in before.items() if k.startswith("descaling")}
    assert all(after_new[k] == v for k, v in kettle_files.items())
    assert feed_items(out)[0]["title"] == "Keeping Bread Fresh"

    title, author, sections = POSTS["kettle"]  # edited: that episode alone, same folder, guid
    blog.post("kettle", title, author, [*sections, ("Vinegar works too",
              "White vinegar does the same job but smells stronger.")], day=1)
    code, report, _ = run_sync(feed, out)
    assert (code, report["built"], report["unchanged"]) == (0, 1, 3)
    edited = tree(out)
    assert edited["descaling-a-kettle/episode.json"] != after_new["descaling-a-kettle/episode.json"]
    assert all(edited[k] == v for k, v in after_new.items() if k.startswith("oiling"))
    assert {i["title"]: i["guid"] for i in feed_items(out)}["Descaling a Kettle"] == guids[
        "Descaling a Kettle"]

    blog.remove("bicycle")  # removed: kept in the podcast
    code, report, _ = run_sync(feed, out)
    assert (code, report) == (0, {"seen": 3, "built": 0, "unchanged": 3, "not_asked": 0,
                                  "kept": 1, "failed": []})
    assert "Oiling a Bicycle Chain" in [i["title"] for i in feed_items(out)]
    code, report, _ = run_sync(feed, out, "--prune")  # --prune: gone from folder and feed
    assert (code, report["kept"]) == (0, 0)
    assert "oiling-a-bicycle-chain" not in slugs(out)
    assert "Oiling a Bicycle Chain" not in [i["title"] for i in feed_items(out)]


def test_a_404_entry_fails_alone_and_is_retried(blog, tmp_path):
    out = tmp_path / "podcast"
    blog.post("gone", "A Missing Post", "Nobody", [("x", "y")], day=5)
    del blog.pages["/posts/gone.html"]
    code, report, err = run_sync(f"{blog.url}/feed.xml", out)
    assert code == 1 and report["built"] == 3
    assert report["failed"] == [{"link": f"{blog.url}/posts/gone.html", "error":
                                 f"{blog.url}/posts/gone.html: the server answered 404 Not "
                                 "Found; check the address"}]
    assert err.count("\n") == 1 and "404" in err
    assert len(feed_items(out)) == 3
    blog.post("gone", "A Missing Post", "Nobody", [("Back", "It came back online today.")],
              day=5)
    code, report, _ = run_sync(f"{blog.url}/feed.xml", out)
    assert (code, report["built"], report["unchanged"], report["failed"]) == (0, 1, 3, [])


def test_a_held_lock_makes_the_second_run_wait_then_fail(blog, tmp_path):
    out = tmp_path / "podcast"
    out.mkdir()
    with open(out / ".audioguide-sync.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, _, err = run_sync(f"{blog.url}/feed.xml", out, "--wait", "0.5")
    assert code == 1
    assert err.strip() == f"audioguide: error: another sync is running in {out}"
    assert sorted(p.name for p in out.iterdir()) == [".audioguide-sync.lock"]


def _has_open(pid: int, path: Path) -> bool:
    """Whether process `pid` holds `path` open (Linux: /proc/PID/fd)."""
    try:
        return any(os.path.realpath(fd) == str(path.resolve())
                   for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # the process is gone, or closed an fd while we looked
        return False


def test_a_waiting_run_goes_on_when_the_lock_is_released(blog, tmp_path):
    """Inside --wait, a run holds off while the lock is held (it has the lock file open and has
    written nothing), and builds everything once the other run lets go."""
    out = tmp_path / "podcast"
    out.mkdir()
    lock = out / ".audioguide-sync.lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        process = _spawn(f"{blog.url}/feed.xml", out, "--wait", "600")
        while process.poll() is None and not _has_open(process.pid, lock):
            time.sleep(0.01)
        assert process.poll() is None, process.communicate()
        assert sorted(p.name for p in out.iterdir()) == [lock.name]
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert json.loads(stdout)["built"] == 3 and len(slugs(out)) == 3


def _spawn(feed: str, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "audioguide", "sync", feed, "-o", str(out), "--base-url", BASE,
         "--engine", "espeak", "--json", "-q", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_concurrent_runs_never_write_at_once(blog, tmp_path):
    out = tmp_path / "podcast"
    first, second = _spawn(f"{blog.url}/feed.xml", out), _spawn(f"{blog.url}/feed.xml", out)
    reports = []
    for process in (first, second):
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        reports.append(json.loads(stdout))
    assert sorted(r["built"] for r in reports) == [0, 3]  # the second waited, found all done
    assert len(feed_items(out)) == 3 and len(slugs(out)) == 3


def test_kill_9_mid_run_then_a_rerun_completes(blog, tmp_path):
    out = tmp_path / "podcast"
    process = _spawn(f"{blog.url}/feed.xml", out)
    while process.poll() is None and not list(out.glob(".*.partial")):
        time.sleep(0.01)
    # killed mid-run: still running when the signal came, an episode left half made, not all
    # three done (a kill after the run had ended would test nothing)
    assert process.poll() is None, ("the run ended before an episode was in progress",
                                    process.communicate())
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.communicate()
    assert list(out.glob(".*.partial"))
    done = slugs(out)
    assert len(done) < 3
    assert not (out / "feed.xml").exists() or feed_items(out)
    code, report, err = run_sync(f"{blog.url}/feed.xml", out)
    assert code == 0, err
    assert (report["built"], report["unchanged"], report["failed"]) == (3 - len(done),
                                                                        len(done), [])
    assert len(feed_items(out)) == 3 and len(slugs(out)) == 3
    assert not list(out.glob(".*.partial"))
    code, report, _ = run_sync(f"{blog.url}/feed.xml", out)
    assert (code, report["built"], report["unchanged"]) == (0, 0, 3)


# -- other sources ---------------------------------------------------------------------------


def test_atom_feed(blog, tmp_path):
    atom = (DATA / "atom.xml").read_text(encoding="utf-8").replace("{BLOG}", blog.url)
    blog.put("/atom.xml", atom, "application/atom+xml")
    out = tmp_path / "podcast"
    code, report, err = run_sync(f"{blog.url}/atom.xml", out)
    assert (code, report["built"], report["failed"]) == (0, 2, []), err
    items = feed_items(out)
    assert [i["title"] for i in items] == ["Sharpening a Kitchen Knife", "Descaling a Kettle"]
    from audioguide.manifest import read_series

    knife = next(e.manifest for e in read_series(out) if e.manifest.title.startswith("Sharp"))
    assert knife.byline == "Rui Costa" and knife.lang == "en"
    assert "whetstone" in " ".join(c.text for c in knife.cues)


def test_sitemap_source_from_a_file(blog, tmp_path):
    sitemap = (DATA / "sitemap.xml").read_text(encoding="utf-8").replace("{BLOG}", blog.url)
    path = tmp_path / "sitemap.xml"
    path.write_text(sitemap, encoding="utf-8")
    out = tmp_path / "podcast"
    code, report, err = run_sync(str(path), out)
    assert (code, report["built"], report["failed"]) == (0, 2, []), err
    assert [i["title"] for i in feed_items(out)] == ["Oiling a Bicycle Chain",
                                                     "Descaling a Kettle"]  # lastmod order


def test_folder_source(tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "one.md").write_text("---\ntitle: Folding Towels\ndate: 2025-03-01\n---\n\n"
                                   "Fold them in thirds so they stand on the shelf.\n")
    (folder / "two.txt").write_text("Airing Duvets\n\nHang the duvet outside on a dry day.\n")
    out = tmp_path / "podcast"
    code, report, err = run_sync(str(folder), out)
    assert (code, report["built"]) == (0, 2), err
    before = tree(out)
    assert run_sync(str(folder), out)[1]["unchanged"] == 2 and tree(out) == before
    (folder / "two.txt").write_text("Airing Duvets\n\nHang the duvet outside on a windy day.\n")
    assert run_sync(str(folder), out)[1]["built"] == 1


# -- bad sources ----------------------------------------------------------------------------


@pytest.mark.parametrize("path, body, mime, fragment", [
    ("/page.html", "<!doctype html><html><body><p>Hello</p></body></html>", "text/html",
     "is an HTML page, not a feed"),
    ("/notxml", "this is just words, not a feed", "text/plain", "is not XML"),
    ("/empty.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
     "</channel></rss>", "application/rss+xml", "has no entries"),
    ("/other.xml", '<?xml version="1.0"?><catalog><book/></catalog>', "application/xml",
     "is not an RSS or Atom feed nor a sitemap"),
    ("/feed.pdf", b"%PDF-1.4 binary", "application/pdf", "is application/pdf"),
])
def test_bad_sources_one_line_nothing_written(blog, tmp_path, path, body, mime, fragment):
    blog.put(path, body, mime)
    out = tmp_path / "podcast"
    code, report, err = run_sync(f"{blog.url}{path}", out)
    assert code == 1 and report == {}
    assert err.count("\n") == 1 and fragment in err and err.startswith("audioguide: error:")
    assert not out.exists()


def test_unreachable_feed(tmp_path):
    code, _, err = run_sync("http://127.0.0.1:9/feed.xml", tmp_path / "out")
    assert code == 1 and "cannot connect" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_bad_entries_fail_alone(blog, tmp_path):
    """No link and no content, a PDF, an image, a file:// link, a relative link in a local
    feed: one line each; the good entry is built; no local file is ever read."""
    secret = tmp_path / "secret.html"
    secret.write_text("<html><body><h1>Secret</h1><p>Never read this.</p></body></html>")
    blog.put("/paper.pdf", b"%PDF-1.4\n...", "application/pdf")
    blog.put("/photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
    feed = (DATA / "bad_entries.xml").read_text(encoding="utf-8").replace(
        "{BLOG}", blog.url).replace("{SECRET}", secret.as_uri())
    path = tmp_path / "feed.xml"
    path.write_text(feed, encoding="utf-8")
    out = tmp_path / "podcast"
    code, report, err = run_sync(str(path), out)
    assert code == 1 and report["built"] == 1 and len(report["failed"]) == 5
    errors = "\n".join(f["error"] for f in report["failed"])
    assert "no link and no content" in errors and "application/pdf" in errors
    assert "image/png" in errors and errors.count("never makes audioguide read a local") == 2
    assert len(err.strip().splitlines()) == 5
    assert [i["title"] for i in feed_items(out)] == ["Descaling a Kettle"]


def test_base_url_is_required(blog, tmp_path):
    result = runner().invoke(cli, ["sync", f"{blog.url}/feed.xml", "-o", str(tmp_path / "o"),
                                      "--engine", "espeak"])
    assert result.exit_code == 2 and "--base-url" in result.stderr
    assert not (tmp_path / "o").exists()
