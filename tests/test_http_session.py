"""The one HTTP session (audioguide/http_session.py) through a real forwarding proxy on 127.0.0.1.

Every test starts a local origin (http, or https with a trustme certificate) and a small proxy
that forwards absolute-URI requests and tunnels CONNECT, logging what passed through. The
user's own proxy, CA and .netrc settings are cleared first, so only what a test sets applies.
"""

from __future__ import annotations

import contextlib
import http.client
import select
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import trustme
from click.testing import CliRunner

from audioguide.cli import cli
from audioguide.engines.gtts import GTTSEngine, probe
from audioguide.http_session import USER_AGENT, open_session
from audioguide.settings import Settings
from audioguide.sync.sources import read_entries
from fake_google import FakeGoogle

ARTICLE = (
    b"<html lang='en'><head><title>Proxy Notes</title></head><body><article>"
    b"<h1>Proxy Notes</h1><p>An article served on the far side of a proxy, long enough to be "
    b"kept by the reader.</p><h2>Through The Tunnel</h2><p>The first part, a full sentence about "
    b"tunnels.</p><h2>Around The Bypass</h2><p>The second part, a full sentence about bypasses."
    b"</p></article></body></html>"
)
FEED = (
    b"<?xml version='1.0'?><rss version='2.0'><channel><title>Notes</title>"
    b"<item><title>One</title><link>https://example.org/one</link></item></channel></rss>"
)
SECTIONS = ("Through The Tunnel", "Around The Bypass")
ENVIRONMENT = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE",
               "CURL_CA_BUNDLE", "NETRC")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    """No proxy, CA bundle or .netrc of the machine's; HOME is an empty folder."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))


# -- the servers ------------------------------------------------------------------------------
class Origin(BaseHTTPRequestHandler):
    """The article, a feed and a redirect; every request's path and headers are logged."""

    seen: list[tuple[str, dict[str, str]]]

    def do_GET(self) -> None:
        self.seen.append((self.path, dict(self.headers)))
        if self.path == "/away":  # to the same server under its other name
            port = self.server.server_address[1]
            self._send(302, b"", {"Location": f"http://127.0.0.1:{port}/article.html"})
        elif self.path == "/hang":  # answers after 5 s, or when the client gives up
            self.connection.settimeout(5)
            with contextlib.suppress(OSError):
                self.rfile.read(1)
            self._send(200, ARTICLE, {"Content-Type": "text/html"})
        else:
            body, kind = (FEED, "application/rss+xml") if self.path == "/feed.xml" else (
                ARTICLE, "text/html; charset=utf-8")
            self._send(200, body, {"Content-Type": kind})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Proxy(BaseHTTPRequestHandler):
    """A forwarding proxy: absolute-URI GET/POST forwarded, CONNECT tunnelled; all logged as
    (method, target, headers)."""

    seen: list[tuple[str, str, dict[str, str]]]

    def do_CONNECT(self) -> None:
        self.seen.append(("CONNECT", self.path, dict(self.headers)))
        host, port = self.path.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as upstream:
            self.send_response(200, "Connection established")
            self.end_headers()
            _pipe(self.connection, upstream)
        self.close_connection = True

    def do_GET(self) -> None:
        self._forward(b"")

    def do_POST(self) -> None:
        self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _forward(self, body: bytes) -> None:
        self.seen.append((self.command, self.path, dict(self.headers)))
        target = urlsplit(self.path)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("proxy-connection", "connection", "keep-alive")}
        upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
        path = target.path + (f"?{target.query}" if target.query else "")
        upstream.request(self.command, path, body=body or None, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    def log_message(self, *args: object) -> None:
        pass


def _pipe(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until one side closes."""
    sockets = [client, upstream]
    while True:
        readable, _, _ = select.select(sockets, [], [], 10)
        if not readable:
            return
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            (upstream if sock is client else client).sendall(data)


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler], tls: trustme.LeafCert | None = None
            ) -> Iterator[tuple[str, list]]:
    """(base URL, the handler's log) of a server on 127.0.0.1 for the with-block."""
    seen: list = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Logged", (handler,), {"seen": seen}))
    server.daemon_threads = True
    if tls is not None:
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.configure_cert(context)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    scheme = "https" if tls else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def origin() -> Iterator[tuple[str, list]]:
    with serving(Origin) as served:
        yield served


@pytest.fixture
def proxy() -> Iterator[tuple[str, list]]:
    with serving(Proxy) as served:
        yield served


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_origin(authority) -> Iterator[tuple[str, list]]:
    with serving(Origin, authority.issue_cert("127.0.0.1")) as served:
        yield served


@pytest.fixture
def ca_file(authority, tmp_path) -> str:
    path = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return str(path)


def sections(url: str) -> str:
    """`audioguide sections URL`'s output; it must succeed."""
    result = CliRunner().invoke(cli, ["sections", url])
    assert result.exit_code == 0, result.output
    return result.output


def through(proxy_log: list) -> list[tuple[str, str]]:
    return [(method, target) for method, target, _ in proxy_log]


# -- (a) plain http through the proxy ---------------------------------------------------------
@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_sections_of_a_url_go_through_http_proxy(origin, proxy, monkeypatch, variable):
    (base, served), (proxy_url, passed) = origin, proxy
    monkeypatch.setenv(variable, proxy_url)
    output = sections(f"{base}/article.html")
    assert all(title in output for title in SECTIONS)
    assert through(passed) == [("GET", f"{base}/article.html")]
    assert [path for path, _ in served] == ["/article.html"]
    assert served[0][1]["User-Agent"] == USER_AGENT


# -- (b) https through CONNECT, trusted by the CA bundle variables ----------------------------
@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_https_goes_through_connect_and_trusts_the_ca_bundle(tls_origin, proxy, ca_file,
                                                             monkeypatch, variable):
    (base, served), (proxy_url, passed) = tls_origin, proxy
    monkeypatch.setenv("HTTPS_PROXY", proxy_url)
    monkeypatch.setenv(variable, ca_file)
    output = sections(f"{base}/article.html")
    assert all(title in output for title in SECTIONS)
    assert through(passed) == [("CONNECT", base.removeprefix("https://"))]
    assert [path for path, _ in served] == ["/article.html"]


def test_an_untrusted_certificate_is_one_line_and_no_page(tls_origin, proxy, monkeypatch):
    (base, served), (proxy_url, passed) = tls_origin, proxy
    monkeypatch.setenv("HTTPS_PROXY", proxy_url)
    result = CliRunner().invoke(cli, ["sections", f"{base}/article.html"])
    assert result.exit_code != 0
    assert "certificate verify failed" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert through(passed) == [("CONNECT", base.removeprefix("https://"))] and served == []


# -- (c) NO_PROXY -----------------------------------------------------------------------------
@pytest.mark.parametrize("variable", ["NO_PROXY", "no_proxy"])
def test_no_proxy_bypasses_the_proxy(origin, proxy, monkeypatch, variable):
    (base, served), (proxy_url, passed) = origin, proxy
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    monkeypatch.setenv(variable, "127.0.0.1")
    output = sections(f"{base}/article.html")
    assert all(title in output for title in SECTIONS)
    assert passed == [] and [path for path, _ in served] == ["/article.html"]


def test_a_redirect_out_of_no_proxy_goes_back_through_the_proxy(origin, proxy, monkeypatch):
    """The first host is bypassed, the host it redirects to is not: the second hop is proxied
    (requests' rebuild_proxies, with the environment's proxies put back)."""
    (base, served), (proxy_url, passed) = origin, proxy
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    monkeypatch.setenv("NO_PROXY", "localhost")
    port = urlsplit(base).port
    with open_session(5.0) as session:
        response = session.get(f"http://localhost:{port}/away")
    assert response.status_code == 200 and response.content == ARTICLE
    assert through(passed) == [("GET", f"{base}/article.html")]
    assert [path for path, _ in served] == ["/away", "/article.html"]


def test_a_prepared_request_sent_directly_uses_the_proxy(origin, proxy, monkeypatch):
    (base, _), (proxy_url, passed) = origin, proxy
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    with open_session(5.0) as session:
        prepared = session.prepare_request(requests.Request("GET", f"{base}/article.html"))
        assert session.send(prepared).content == ARTICLE
    assert through(passed) == [("GET", f"{base}/article.html")]


# -- (d) .netrc is never read -----------------------------------------------------------------
def write_netrc(path: Path) -> None:
    path.write_text("machine 127.0.0.1 login alice password s3cret\n"
                    "machine localhost login alice password s3cret\n", encoding="utf-8")
    path.chmod(0o600)


@pytest.mark.parametrize("where", ["HOME", "NETRC"])
def test_netrc_credentials_are_never_sent(origin, proxy, monkeypatch, tmp_path, where):
    (base, served), (proxy_url, passed) = origin, proxy
    if where == "HOME":
        write_netrc(tmp_path / "home" / ".netrc")
    else:
        write_netrc(tmp_path / "credentials")
        monkeypatch.setenv("NETRC", str(tmp_path / "credentials"))
    # The file is one requests would use: a plain requests.Session sends it.
    with requests.Session() as plain:
        plain.get(f"{base}/article.html", timeout=5)
    assert served.pop()[1].get("Authorization", "").startswith("Basic ")
    sections(f"{base}/article.html")  # direct
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    sections(f"{base}/article.html")  # through the proxy
    port = urlsplit(base).port
    with open_session(5.0) as session:  # and across a redirect (requests' rebuild_auth)
        session.get(f"http://localhost:{port}/away")
    assert [path for path, _ in served] == ["/article.html", "/article.html", "/away",
                                            "/article.html"]
    assert all("Authorization" not in headers for _, headers in served)
    assert passed and all("Authorization" not in headers for _, _, headers in passed)


# -- (e) gTTS and sync use the same session ---------------------------------------------------
def test_gtts_engine_goes_through_connect_to_an_https_endpoint(authority, proxy, ca_file,
                                                               monkeypatch, tmp_path):
    proxy_url, passed = proxy
    leaf = authority.issue_cert("127.0.0.1")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    monkeypatch.setenv("HTTPS_PROXY", proxy_url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca_file)
    with FakeGoogle(tls=(str(cert), str(key))) as fake:
        engine = GTTSEngine(Settings(gtts_url=fake.url, timeout=5.0, retries=1), "en")
        engine.start()
        try:
            clip = engine.synthesize("Through the proxy, please.")
        finally:
            engine.close()
        assert clip.duration_ms > 500 and fake.total == 1
        assert through(passed) == [("CONNECT", f"127.0.0.1:{fake.port}")]


def test_gtts_probe_goes_through_the_http_proxy(fake_google, proxy, monkeypatch):
    proxy_url, passed = proxy
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    assert probe(Settings(gtts_url=fake_google.url)) is None
    assert through(passed) == [("POST", fake_google.url)] and fake_google.total == 1
    assert passed[0][2]["User-Agent"] == GTTSEngine.HEADERS["User-Agent"]


def test_sync_reads_a_feed_through_the_proxy(origin, proxy, monkeypatch):
    (base, _), (proxy_url, passed) = origin, proxy
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    entries = read_entries(f"{base}/feed.xml", Settings(timeout=5.0))
    assert [entry.url for entry in entries] == ["https://example.org/one"]
    assert through(passed) == [("GET", f"{base}/feed.xml")]


def test_the_session_times_out_by_default(origin):
    base, _ = origin
    with open_session(timeout=0.3) as session, pytest.raises(requests.exceptions.Timeout):
        session.get(f"{base}/hang")
