"""audioguide sync's driver on a big feed: everything a first run and a no-op rerun spend outside
the voice.

    python benchmarks/sync_scale.py [--entries 10000] [--latency 0] [--serial]

A feed of N entries is served on 127.0.0.1 (a ThreadingHTTPServer: 9 in 10 entries link to a
small HTML page answered with an ETag and 304 on a conditional GET, 1 in 10 carry their full
text), and synced into a temporary folder by audioguide.sync.sync with the real driver: the
feed read and parsed, the pages downloaded (sources.Fetcher), read (trafilatura) and hashed,
each episode's folder chosen (outdir.Output's index), published (staging folder, renames), the
state saved and feed.xml and the series page written. Only the voice and the encode are left
out: Builder is replaced by a stand-in that writes a real manifest and a 1 KB audio file per
episode (its time is printed apart, as "stand-in build"). --latency adds that many seconds to
every page answer (a slow site); --serial downloads one page at a time (the old driver).
Then the same feed is synced again: the no-op (one conditional GET per page, 304, nothing
written), and once more with --recheck 1d (no page asked: each was found unchanged within
the day). Prints a table. Not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from audioguide.manifest import Files, Manifest, episode_guid, now_iso
from audioguide.models import EpisodeResult, Loudness
from audioguide.pipeline import result_from
from audioguide.settings import FeedSettings, Settings
from audioguide.sync import run as sync_run
from audioguide.sync import sources

BASE = "https://podcast.example.org/scale"
WORDS = ["kettle", "lemon", "chain", "towel", "squash", "bread", "knife", "stone", "shelf",
         "cloth", "window", "garden"]


class Site:
    """The feed and its pages; counts the answers by status. It runs in a process of its own,
    as a real site is not in the driver's process (sharing its GIL, it made the driver look
    twice as slow); /_counts answers the counts as JSON and /_reset clears them."""

    def __init__(self, entries: int, latency: float):
        self.latency, self.counts, self.lock = latency, {}, threading.Lock()
        self.pages = {f"/p/{n}.html": page(n) for n in range(entries)}
        self.pages["/feed.xml"] = feed(entries, self.url_base())
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        self.server.request_queue_size = 1024
        self.process = multiprocessing.get_context("fork").Process(
            target=self.server.serve_forever, daemon=True)
        self.process.start()
        self.server.socket.close()  # the child serves; this process only asks

    def _control(self, path: str) -> dict:
        import json
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as got:
            return {int(k): v for k, v in json.loads(got.read()).items()}

    def read_counts(self) -> dict:
        return self._control("/_counts")

    def reset(self) -> None:
        self._control("/_reset")

    def stop(self) -> None:
        self.process.terminate()
        self.process.join()

    def url_base(self) -> str:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        return f"http://127.0.0.1:{self.port}"

    def _handler(site):  # noqa: N805
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # as nginx (tcp_nodelay): no 40 ms stall per page

            def do_GET(self):
                if self.path in ("/_counts", "/_reset"):
                    if self.path == "/_reset":
                        site.counts.clear()
                    data = json.dumps(site.counts).encode()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                body = site.pages.get(self.path)
                if site.latency and self.path != "/feed.xml":
                    time.sleep(site.latency)
                status = 404 if body is None else 200
                etag = '"' + hashlib.sha1(body or b"").hexdigest()[:16] + '"'
                if body is not None and self.headers.get("If-None-Match") == etag:
                    status = 304
                with site.lock:
                    site.counts[status] = site.counts.get(status, 0) + 1
                self.send_response(status)
                self.send_header("ETag", etag)
                kind = "application/rss+xml" if self.path == "/feed.xml" else "text/html"
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                data = b"" if status == 304 else (body or b"no")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


def page(n: int) -> bytes:
    word, other = WORDS[n % len(WORDS)], WORDS[(n * 7 + 3) % len(WORDS)]
    return (f"<!doctype html><html lang=en><head><title>Note {n}</title></head><body><nav>"
            f"<a href=/>Home</a></nav><main><article><h1>Household note {n}: the {word}</h1>"
            f"<p>Check the {word} before you start, and put the {other} back where it "
            f"lives.</p><h2>Finishing</h2><p>Wipe it dry. Note {n} ends here.</p></article>"
            "</main><footer>Copyright</footer></body></html>").encode()


def feed(entries: int, base: str) -> bytes:
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    items = []
    for n in range(entries):
        date = format_datetime(start + timedelta(hours=n))
        text = (f"<content:encoded><![CDATA[<p>Full note {n}: rinse the "
                f"{WORDS[n % len(WORDS)]}.</p>]]></content:encoded>" if n % 10 == 0 else "")
        items.append(f"<item><title>Household note {n}</title><link>{base}/p/{n}.html</link>"
                     f"<guid>{base}/p/{n}.html</guid><pubDate>{date}</pubDate>{text}</item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content='
            '"http://purl.org/rss/1.0/modules/content/"><channel><title>Notes</title>'
            f"<link>{base}/</link><description>d</description>{''.join(items)}"
            "</channel></rss>").encode()


class StandIn:
    """Builder's place: a real folder choice, manifest and publish; no voice, no encode."""

    seconds = 0.0
    built = 0

    def __init__(self, settings, reporter=None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def build(self, article, output, taken, read_seconds=0.0) -> EpisodeResult:
        started = time.perf_counter()
        slug = output.choose_slug(article, taken)
        taken.add(slug)
        staging = output.staging(slug)
        audio = staging / f"{slug}.mp3"
        audio.write_bytes(b"ID3" + bytes(1021))
        manifest = Manifest(slug=slug, title=article.title, identity=article.identity,
                            guid=episode_guid(article.identity), first_built=now_iso(),
                            built=now_iso(), source=article.source, engine="stand-in",
                            files=Files(audio=audio.name), bytes=1024, duration_ms=1000,
                            loudness=Loudness(None, None, "stand-in"))
        manifest.write(staging)
        output.publish(staging, slug, article.identity)
        StandIn.seconds += time.perf_counter() - started
        StandIn.built += 1
        return result_from(manifest, output.location(slug))


@contextmanager
def serial_downloads(on: bool):
    if not on:
        yield
        return
    original = sources.PARALLEL
    sources.PARALLEL = 1
    sync_run.Fetcher.__init__.__defaults__ = (1, 1)
    try:
        yield
    finally:
        sources.PARALLEL = original
        sync_run.Fetcher.__init__.__defaults__ = (sources.PARALLEL, sources.PER_HOST)


def timed_sync(url: str, settings: Settings, recheck: float = 0.0
               ) -> tuple[float, object, dict[str, float]]:
    """(wall seconds, the report, seconds by phase) of one sync."""
    phases: dict[str, float] = {}

    def clocked(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - started
        return wrapper

    names = ("read_entries", "publish_feed", "examine_all", "read_pages")
    originals = {name: getattr(sync_run, name) for name in names}
    sync_run.read_entries = clocked("feed read and parsed", originals["read_entries"])
    sync_run.publish_feed = clocked("feed.xml and page written", originals["publish_feed"])
    sync_run.examine_all = clocked("pages fetched", originals["examine_all"])
    sync_run.read_pages = clocked("pages read", originals["read_pages"])
    started, cpu = time.perf_counter(), _cpu()
    try:
        report = sync_run.sync(url, settings, sync_run.SyncOptions(recheck=recheck))
    finally:
        for name, function in originals.items():
            setattr(sync_run, name, function)
    phases["cpu"] = _cpu() - cpu
    return time.perf_counter() - started, report, phases


def _cpu() -> float:
    """CPU seconds of this process (the driver) and its ended children (the page readers):
    the figure a loaded machine changes least."""
    import os

    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--serial", action="store_true")
    args = parser.parse_args()
    site = Site(args.entries, args.latency)
    sync_run.Builder = StandIn  # the voice and the encode left out
    rows = []
    with tempfile.TemporaryDirectory(prefix="audioguide-scale-") as tmp, \
            serial_downloads(args.serial):
        settings = Settings(output_dir=Path(tmp) / "podcast", cache_dir=Path(tmp) / "cache",
                            feed=FeedSettings(base_url=BASE))
        url = f"http://127.0.0.1:{site.port}/feed.xml"
        for case, recheck in (("first run", 0.0), ("no-op rerun", 0.0),
                              ("no-op rerun, --recheck 1d", 86400.0)):
            site.reset()
            StandIn.seconds, StandIn.built = 0.0, 0
            wall, report, phases = timed_sync(url, settings, recheck)
            rows.append((case, wall, StandIn.seconds, report, site.read_counts(), phases))
    mode = "one at a time" if args.serial else (
        f"{sources.PARALLEL} at once, {sources.PER_HOST} per host")
    print(f"{args.entries} entries (1 in 10 with full text), pages answered locally "
          f"+ {args.latency:g} s each, downloads {mode}\n")
    print("| case | wall s | CPU s | stand-in builds s | outside the voice s | built | unchanged "
          "| pages 200 | pages 304 | feed read s | pages fetched and examined s "
          "| then waiting for readings s | feed written s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for case, wall, builds, report, counts, phases in rows:
        print(f"| {case} | {wall:.1f} | {phases['cpu']:.1f} | {builds:.1f} | "
              f"{wall - builds:.1f} | {report.built} | {report.unchanged} | "
              f"{counts.get(200, 0) - 1} | {counts.get(304, 0)} | "
              f"{phases.get('feed read and parsed', 0):.1f} | "
              f"{phases.get('pages fetched', 0):.1f} | "
              f"{phases.get('pages read', 0):.1f} | "
              f"{phases.get('feed.xml and page written', 0):.1f} |")
    site.stop()


if __name__ == "__main__":
    sys.exit(main())
