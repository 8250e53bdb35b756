"""The podcast written to object storage (moto's S3 server on 127.0.0.1, every request logged),
to file:// and to a folder; the sync's downloads in parallel and polite (a local server that
counts requests at once and answers 429 once); the identity -> folder index.

espeak is the engine (fast, offline, deterministic)."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from audioguide.cli import cli
from test_sync import BASE, POSTS, Blog, run_sync, runner, tree

pytest.importorskip("s3fs")
SECRET = "sEcReT-audioguide-test-9f3b1c"  # the secret key moto is given: must never be written


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RequestLog:
    """WSGI middleware: (method, path) of every request moto answers, in order."""

    def __init__(self, app):
        self.app, self.requests, self.lock = app, [], threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.requests.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        return self.app(environ, start_response)

    def writes(self) -> list[tuple[str, str]]:
        with self.lock:
            return [r for r in self.requests if r[0] in ("PUT", "POST", "DELETE")]


@pytest.fixture
def s3(monkeypatch):
    """moto's S3 server with a bucket `pod` (as tests/test_sync_ray.py's, plus a request log)."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    log = RequestLog(server._server.app)
    server._server.app = log
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": SECRET,
                        "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}.items():
        monkeypatch.setenv(name, value)
    import boto3

    client = boto3.client("s3")
    client.create_bucket(Bucket="pod")
    client.log = log
    yield client
    server.stop()


def objects(s3, prefix: str = "") -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket="pod", Prefix=prefix).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket="pod", Key=o["Key"])["Body"].read() for o in listed}


@pytest.fixture
def blog():
    blog = Blog()
    for day, slug in enumerate(POSTS, 1):
        title, author, sections = POSTS[slug]
        blog.post(slug, title, author, sections, day=day)
    yield blog
    blog.close()


def test_sync_to_s3_writes_everything_then_nothing(s3, blog, tmp_path, monkeypatch):
    feed = f"{blog.url}/feed.xml"
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "cache-one"))
    code, report, err = run_sync(feed, "s3://pod/show")
    assert (code, report["built"], report["failed"]) == (0, 2, []), err
    stored = objects(s3, "show/")
    assert not list(tmp_path.glob("s3*")) and not Path("s3:").exists()  # no folder named s3:
    slugs = sorted({key.split("/")[1] for key in stored if key.endswith("/episode.json")})
    assert len(slugs) == 2
    for slug in slugs:
        manifest = json.loads(stored[f"show/{slug}/episode.json"])
        audio = stored[f"show/{slug}/{manifest['files']['audio']}"]
        assert audio[:3] == b"ID3" and len(audio) == manifest["bytes"]
    assert {"show/feed.xml", "show/index.html", "show/.audioguide-sync.json"} <= set(stored)
    feed_xml = stored["show/feed.xml"].decode()
    assert all(f"{BASE}/{slug}/" in feed_xml for slug in slugs)

    # the order of the uploads: each episode's audio before its manifest, feed.xml last
    puts = [path.removeprefix("/pod/") for method, path in s3.log.writes() if method == "PUT"]
    for slug in slugs:
        audio = json.loads(stored[f"show/{slug}/episode.json"])["files"]["audio"]
        assert puts.index(f"show/{slug}/{audio}") < puts.index(f"show/{slug}/episode.json")
    feed_at = puts.index("show/feed.xml")
    assert puts.index("show/index.html") < feed_at
    assert all(puts.index(f"show/{slug}/episode.json") < feed_at for slug in slugs)
    assert [p for p in puts[feed_at + 1:] if p != "show/.audioguide-sync.json"] == []

    # another machine: another working folder and an empty cache; the state is in the bucket
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "cache-two"))
    s3.log.requests.clear()
    code, report, err = run_sync(feed, "s3://pod/show")
    assert (code, report["built"], report["unchanged"]) == (0, 0, 2), err
    assert s3.log.writes() == []  # an unchanged sync writes nothing to the bucket
    assert objects(s3, "show/") == stored
    assert list(elsewhere.iterdir()) == []

    # an edited post: that episode and the feed are uploaded again, nothing else
    title, author, sections = POSTS["kettle"]
    blog.post("kettle", title, author, [*sections, ("Dry it", "Leave the lid open.")], day=1)
    s3.log.requests.clear()
    code, report, err = run_sync(feed, "s3://pod/show")
    assert (code, report["built"], report["unchanged"]) == (0, 1, 1), err
    written = {path.removeprefix("/pod/show/").split("/")[0] for _, path in s3.log.writes()}
    kettle = next(slug for slug in slugs if "kettle" in slug)
    assert written == {kettle, "feed.xml", "index.html", ".audioguide-sync.json"}


class Kept(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_no_secret_is_ever_written(s3, blog, tmp_path, monkeypatch):
    """Not in the bucket, the output, the messages, the logs (--debug: every library's) or any
    local file."""
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    feed = f"{blog.url}/feed.xml"
    kept = Kept()  # on the libraries' loggers: --debug replaces the root's handlers
    names = ("audioguide", "botocore", "aiobotocore", "s3fs", "fsspec", "urllib3")
    for name in names:
        logging.getLogger(name).addHandler(kept)
    result = runner().invoke(cli, ["sync", feed, "-o", "s3://pod/show", "--base-url", BASE,
                                      "--engine", "espeak", "--debug"])
    assert result.exit_code == 0, result.output
    missing = runner().invoke(cli, ["sync", feed, "-o", "s3://no-such-bucket/x",
                                       "--base-url", BASE, "--engine", "espeak"])
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1
    assert "no-such-bucket" in missing.stderr and "Traceback" not in missing.stderr
    for name in names:
        logging.getLogger(name).removeHandler(kept)
    logs = "\n".join(kept.lines)
    written = [*objects(s3).values(), result.output.encode(), result.stderr.encode(),
               missing.stderr.encode(), logs.encode()]
    written += [p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) > 10 and len(kept.lines) > 50  # botocore logged every request
    assert not any(SECRET.encode() in data for data in written)


def test_build_and_feed_to_s3(s3, tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    article = tmp_path / "hinge.txt"
    article.write_text("Quieting a Door Hinge\n\nA squeaking hinge wants oil, not force.\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["build", str(article), "-o", "s3://pod/books",
                                 "--engine", "espeak", "-q"])
    assert result.exit_code == 0, result.output
    stored = objects(s3, "books/")
    (manifest_key,) = [key for key in stored if key.endswith("/episode.json")]
    slug = manifest_key.split("/")[1]
    assert f"books/{slug}/{slug}.mp3" in stored and "books/feed.xml" not in stored
    s3.log.requests.clear()
    again = runner.invoke(cli, ["build", str(article), "-o", "s3://pod/books", "--engine",
                                "espeak"])
    assert again.exit_code == 0 and "unchanged s3://pod/books/" in again.output, again.output
    assert s3.log.writes() == []
    result = runner.invoke(cli, ["feed", "s3://pod/books", "--base-url", BASE])
    assert result.exit_code == 0 and "wrote s3://pod/books/feed.xml" in result.output
    import feedparser

    parsed = feedparser.parse(objects(s3, "books/")["books/feed.xml"])
    (item,) = parsed.entries
    (enclosure,) = item.enclosures
    assert enclosure.href == f"{BASE}/{slug}/{slug}.mp3"
    assert int(enclosure.length) == len(stored[f"books/{slug}/{slug}.mp3"])
    assert "books/index.html" in objects(s3, "books/")


def test_file_url_is_the_folder(blog, tmp_path, monkeypatch):
    """file://DIR writes what -o DIR writes: a rerun through the plain path changes nothing."""
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "podcast"
    code, report, err = run_sync(f"{blog.url}/feed.xml", f"file://{out}")
    assert (code, report["built"]) == (0, 2), err
    assert (out / "feed.xml").is_file() and (out / ".audioguide-sync.json").is_file()
    before = tree(out)
    code, report, err = run_sync(f"{blog.url}/feed.xml", str(out))
    assert (code, report["built"], report["unchanged"]) == (0, 0, 2), err
    assert tree(out) == before
    assert not (tmp_path / "file:").exists() and not Path("file:").exists()


# -- downloads in parallel, politely --------------------------------------------------------


class Site:
    """Pages on 127.0.0.1 that take a moment to answer: counts requests at once, answers
    429 with Retry-After: 1 the first time a page named in `busy` is asked for."""

    def __init__(self, pages: int, robots: str | None = None, busy: tuple[str, ...] = ()):
        self.now = self.most = 0
        self.lock = threading.Lock()
        self.log: list[tuple[str, int]] = []
        self.busy = set(busy)
        self.robots, self.pages = robots, pages
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(site):  # noqa: N805
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with site.lock:
                    site.now += 1
                    site.most = max(site.most, site.now)
                try:
                    time.sleep(0.05)  # long enough for requests to overlap
                    self._answer()
                finally:
                    with site.lock:
                        site.now -= 1

            def _answer(self):
                if self.path == "/robots.txt" and site.robots is not None:
                    return self._send(200, site.robots.encode(), "text/plain")
                if self.path in site.busy:
                    site.busy.discard(self.path)
                    return self._send(429, b"slow down", "text/plain", {"Retry-After": "1"})
                if self.path.startswith("/p/"):
                    n = self.path.removeprefix("/p/").removesuffix(".html")
                    body = f"<html><body><h1>Page {n}</h1><p>Text {n}.</p></body></html>"
                    return self._send(200, body.encode(), "text/html; charset=utf-8")
                return self._send(404, b"no", "text/plain")

            def _send(self, status, body, mime, headers=None):
                with site.lock:
                    site.log.append((self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", mime)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def close(self):
        self.server.shutdown()


def test_downloads_run_in_parallel_bounded_per_host_and_wait_when_asked():
    from audioguide.readers.fetch import Fetched
    from audioguide.sync.sources import PER_HOST, Fetcher, PageRequest

    site = Site(pages=24, robots="User-agent: *\nDisallow:\n", busy=("/p/5.html",))
    try:
        requests = [PageRequest(f"{site.url}/p/{n}.html") for n in range(24)]
        got = list(Fetcher(timeout=10).fetch_all([*requests[:3], None, *requests[3:]]))
    finally:
        site.close()
    assert got[3] is None and len(got) == 25
    pages = [g for g in got if g is not None]
    assert all(isinstance(g, Fetched) and g.status == 200 for g in pages), pages
    assert [f"Page {n}" in g.body.decode() for n, g in enumerate(pages)] == [True] * 24
    assert 1 < site.most <= PER_HOST  # several at once, never more than the host's bound
    assert site.log.count(("/p/5.html", 429)) == 1 and site.log.count(("/p/5.html", 200)) == 1
    assert site.log.count(("/robots.txt", 200)) == 1  # read once: the host has many pages


def test_a_few_pages_do_not_read_robots_and_crawl_delay_is_read():
    from audioguide.sync.sources import ROBOTS_AFTER, Fetcher, PageRequest, robots_delay

    site = Site(pages=3, robots="User-agent: *\nCrawl-delay: 2\n")
    try:
        list(Fetcher(timeout=10).fetch_all([PageRequest(f"{site.url}/p/{n}.html")
                                            for n in range(ROBOTS_AFTER)]))
        assert not any(path == "/robots.txt" for path, _ in site.log)
        assert robots_delay(f"{site.url}/p/1.html", 10) == 2.0
    finally:
        site.close()


def test_a_429_entry_is_built_after_the_wait_not_failed(tmp_path, monkeypatch):
    from test_sync import page_html

    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    blog = Blog()
    site_busy = {"/posts/kettle.html"}
    handler = blog.server.RequestHandlerClass
    original = handler.do_GET

    def do_get(self):
        if self.path in site_busy:
            site_busy.discard(self.path)
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return original(self)

    handler.do_GET = do_get
    try:
        title, author, sections = POSTS["kettle"]
        blog.post("kettle", title, author, sections, day=1)
        assert page_html(title, author, sections)
        code, report, err = run_sync(f"{blog.url}/feed.xml", tmp_path / "out")
    finally:
        blog.close()
    assert (code, report["built"], report["failed"]) == (0, 1, []), err
    assert not site_busy  # it did answer 429 first


# -- the identity -> folder index -----------------------------------------------------------


def _episode(folder: Path, identity: str) -> None:
    folder.mkdir(parents=True)
    (folder / "episode.json").write_text(json.dumps({"identity": identity}))


def test_choosing_a_folder_reads_no_manifest_with_the_index(tmp_path, monkeypatch):
    from audioguide import outdir
    from audioguide.models import Article
    from audioguide.store import open_store

    for n in range(30):
        _episode(tmp_path / f"note-{n}", f"https://x.example/{n}")
    reads: list[str] = []
    real = outdir._identity
    monkeypatch.setattr(outdir, "_identity", lambda data: reads.append("read") or real(data))
    index = {f"https://x.example/{n}": f"note-{n}" for n in range(30)}
    output = outdir.Output(open_store(tmp_path), index)
    known = Article(title="Anything", sections=[], identity="https://x.example/7")
    new = Article(title="Note 3", sections=[], identity="https://x.example/new")
    assert output.choose_slug(known, set()) == "note-7"
    assert output.choose_slug(new, {"note-3"}) == "note-3-2"
    assert reads == []
    # without an index each manifest is read once for the run, not once per article
    output = outdir.Output(open_store(tmp_path))
    for n in range(30):
        article = Article(title=f"T{n}", sections=[], identity=f"https://x.example/{n}")
        assert output.choose_slug(article, set()) == f"note-{n}"
    assert len(reads) == 30


def test_choose_slug_on_a_bare_folder_sees_other_writers(tmp_path):
    from audioguide.models import Article
    from audioguide.outdir import choose_slug

    article = Article(title="Late", sections=[], identity="https://x.example/late")
    assert choose_slug(tmp_path, article, set()) == "late"
    time.sleep(0.01)  # (a new folder changes the folder's mtime; ordering, not a timing check)
    _episode(tmp_path / "late-arrival", "https://x.example/late")
    os.utime(tmp_path, ns=(0, time.time_ns() + 10**9))
    assert choose_slug(tmp_path, article, set()) == "late-arrival"


def test_an_upload_cut_short_is_taken_over_not_left_beside(s3, tmp_path, monkeypatch):
    """A machine lost while uploading an episode leaves its audio without its manifest (no
    reader lists it: the manifest goes last). The next build of that article writes the same
    folder and removes what the cut upload left; a folder that is not an episode's is never
    taken over."""
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    # (a prefix of its own: moto's buckets outlive a test's server)
    article = tmp_path / "hinge.txt"
    article.write_text("Quieting a Door Hinge\n\nA squeaking hinge wants oil, not force.\n")
    slug = "quieting-a-door-hinge"
    s3.put_object(Bucket="pod", Key=f"cut/{slug}/{slug}.mp3", Body=b"ID3" + bytes(500))
    s3.put_object(Bucket="pod", Key=f"cut/{slug}/{slug}.old-part.vtt", Body=b"WEBVTT\n")
    s3.put_object(Bucket="pod", Key="cut/notes/notes.mp3", Body=b"ID3" + bytes(10))
    s3.put_object(Bucket="pod", Key="cut/notes/my-own-file.txt", Body=b"mine")
    result = CliRunner().invoke(cli, ["build", str(article), "-o", "s3://pod/cut",
                                      "--engine", "espeak", "-q"])
    assert result.exit_code == 0, result.output
    stored = objects(s3, "cut/")
    assert f"cut/{slug}/episode.json" in stored and f"cut/{slug}-2/episode.json" not in stored
    assert len(stored[f"cut/{slug}/{slug}.mp3"]) > 503
    assert f"cut/{slug}/{slug}.old-part.vtt" not in stored
    other = tmp_path / "notes.txt"
    other.write_text("Notes\n\nA folder of someone else's notes is left alone.\n")
    result = CliRunner().invoke(cli, ["build", str(other), "-o", "s3://pod/cut",
                                      "--engine", "espeak", "-q"])
    assert result.exit_code == 0, result.output
    stored = objects(s3, "cut/")
    assert stored["cut/notes/my-own-file.txt"] == b"mine"
    assert "cut/notes-2/episode.json" in stored
