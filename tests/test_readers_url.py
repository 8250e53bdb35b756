"""Reading URLs from a local http.server on 127.0.0.1: pages, errors, redirects, limits."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from audioguide.errors import SourceError
from audioguide.readers import read_source
from audioguide.readers.fetch import fetch
from audioguide.settings import Settings

PAGE = (
    "<html lang='en'><head><title>Served Page | Local</title></head><body><nav>Home About"
    "</nav><article><h1>Served Page</h1><p>The first paragraph of a page served over HTTP "
    "for the reader tests, long enough to be kept.</p><h2>Part One</h2><p>Text of the "
    "first part, again a full sentence so the extractor keeps it.</p><h2>Part Two</h2>"
    "<p>Text of the second part, which closes the served article.</p></article></body></html>"
)

ROUTES = {
    "/page": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode()),
    "/latin": (
        200,
        {"Content-Type": "text/html; charset=iso-8859-1"},
        "<html><body><h1>Caf\u00e9</h1><p>Cr\u00e8me br\u00fbl\u00e9e.</p></body></html>".encode(
            "latin-1"
        ),
    ),
    "/plain": (200, {"Content-Type": "text/plain"}, b"Plain Title\n\nJust some plain text.\n"),
    "/missing": (404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>"),
    "/loop": (302, {"Location": "/loop"}, b""),
    "/moved": (301, {"Location": "/page"}, b""),
    "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
    "/image": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n"),
    "/huge-declared": (200, {"Content-Type": "text/html", "Content-Length": str(6 * 1024**2)}, b""),
    "/long": (200, {"Content-Type": "text/plain"}, b"word " * 1000),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/trickle":  # one byte at a time: never times out, never ends
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            return
        status, headers, body = ROUTES.get(self.path, (404, {}, b""))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            with contextlib.suppress(OSError):
                self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_page(server):
    article = read_source(server + "/page", Settings(timeout=5))
    assert article.title == "Served Page"
    assert [s.title for s in article.sections] == ["", "Part One", "Part Two"]
    assert article.lang == "en"
    assert article.identity == server + "/page"


def test_redirect_followed(server):
    assert read_source(server + "/moved", Settings(timeout=5)).title == "Served Page"


def test_charset_from_header(server):
    article = read_source(server + "/latin", Settings(timeout=5))
    assert article.title == "Caf\u00e9"


def test_plain_text_type(server):
    article = read_source(server + "/plain", Settings(timeout=5))
    assert article.title == "Plain Title"


@pytest.mark.parametrize(
    "path,fragment",
    [
        ("/missing", "answered 404"),
        ("/loop", "more than 5 redirects"),
        ("/to-file", "only http"),
        ("/image", "image/png"),
        ("/huge-declared", "larger than 5 MB"),
    ],
)
def test_errors(server, path, fragment):
    with pytest.raises(SourceError) as info:
        read_source(server + path, Settings(timeout=5))
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_streamed_body_over_the_cap(server):
    with pytest.raises(SourceError) as info:
        fetch(server + "/long", timeout=5, max_bytes=1000)
    assert "larger than" in str(info.value)


def test_closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError) as info:
        read_source(f"http://127.0.0.1:{port}/x", Settings(timeout=5))
    assert "cannot connect" in str(info.value)


def test_trickling_server_is_cut_off_at_the_deadline(server):
    with pytest.raises(SourceError) as info:
        fetch(server + "/trickle", timeout=0.5, max_bytes=1000000)
    assert "took longer than 2 s" in str(info.value)
