"""`audioguide serve`: the output folder served as a podcast host serves it.

GET and HEAD; one byte range per request (206 with Content-Range, 416 when it cannot be met),
as Apple Podcasts asks of hosts; strong ETags with If-None-Match (304) and If-Range; the MIME
types apps expect. Nothing outside the folder is served: no "..", no hidden files (the sync
state, staging folders), no symlink leading out, no directory listing.

The standard library's ThreadingHTTPServer with a handler of our own: a test and home host,
not a public web server (put a real one in front of it for that).
"""

from __future__ import annotations

import logging
import os
import socket
from email.utils import formatdate, parsedate_to_datetime
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from ..errors import OutputError, SourceError

log = logging.getLogger(__name__)

UTF8 = "; charset=utf-8"
# Suffix -> MIME type; a longer suffix wins (".chapters.json" before ".json").
MIME_TYPES = {
    ".chapters.json": "application/json+chapters",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".m4b": "audio/mp4",
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".xml": "application/xml" + UTF8,
    ".json": "application/json",
    ".vtt": "text/vtt" + UTF8,
    ".srt": "application/x-subrip" + UTF8,
    ".txt": "text/plain" + UTF8,
    ".html": "text/html" + UTF8,
    ".css": "text/css" + UTF8,
    ".js": "text/javascript" + UTF8,
    ".epub": "application/epub+zip",
    ".smil": "application/smil+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
FEED_TYPE = "application/rss+xml" + UTF8
CHUNK = 64 * 1024


def mime_type(name: str) -> str:
    """The Content-Type for a file name: feed.xml is RSS, unknown suffixes are bytes."""
    lower = name.lower()
    if lower == "feed.xml":
        return FEED_TYPE
    matches = [suffix for suffix in MIME_TYPES if lower.endswith(suffix)]
    return MIME_TYPES[max(matches, key=len)] if matches else "application/octet-stream"


def byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """The (first, last) bytes a Range header asks for; None to ignore it (absent, not
    bytes, several ranges, malformed: RFC 9110 lets a server send the whole file then);
    False when it cannot be met (416)."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = (part.strip() for part in spec.partition("-"))
    if not dash or not (first or last) or not (first + last).isdigit():
        return None
    if not first:  # a suffix: the last N bytes
        count = int(last)
        return (max(size - count, 0), size - 1) if count and size else False
    start = int(first)
    if last and int(last) < start:
        return None
    return (start, min(int(last or size - 1), size - 1)) if start < size else False


def _etag(stat: os.stat_result) -> str:
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def _etag_listed(header: str, etag: str) -> bool:
    """If-None-Match: "*" or the tag among those listed (weak comparison, RFC 9110 13.1.2)."""
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def _not_modified_since(header: str, stat: os.stat_result) -> bool:
    try:
        return int(stat.st_mtime) <= parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False


class PodcastHostHandler(BaseHTTPRequestHandler):
    """Serves the files under `root` (a resolved folder) to GET and HEAD."""

    server_version = "audioguide"
    protocol_version = "HTTP/1.1"

    # request, client address and server, passed on to BaseHTTPRequestHandler as they come
    def __init__(self, *args: Any, root: Path, **kwargs: Any) -> None:
        self.root = root
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        target = self._target()
        path = self._local_path(target)
        if path is None:
            self._refuse(HTTPStatus.NOT_FOUND)
        elif path.is_dir() and not target.endswith("/"):
            self._redirect("/" + target.lstrip("/") + "/")
        else:
            self._send_file(path / "index.html" if path.is_dir() else path, body)

    def _target(self) -> str:
        """The request's path, without query or fragment, still percent-encoded."""
        target = self.path.split("?", 1)[0].split("#", 1)[0]
        if target.startswith(("http://", "https://")):  # absolute-form, as proxies send
            return urlsplit(target).path or "/"
        return target

    def _local_path(self, target: str) -> Path | None:
        """The file or page folder a request path names inside root, or None."""
        if not target.startswith("/"):
            return None
        parts = [part for part in unquote(target).split("/") if part]
        if any(part.startswith(".") or "\\" in part or "\0" in part for part in parts):
            return None  # "..", hidden files and folders, Windows separators
        try:
            path = self.root.joinpath(*parts).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not path.is_relative_to(self.root):  # a symlink that leads out
            return None
        if path.is_dir():
            return path if (path / "index.html").is_file() else None
        return path if path.is_file() else None

    def _redirect(self, location: str) -> None:
        """A folder's address without its slash: its page's relative links need the slash.
        One leading slash only, so the Location never names another host."""
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _refuse(self, status: HTTPStatus, headers: dict[str, str] | None = None) -> None:
        text = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain" + UTF8)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(text)

    def _send_file(self, path: Path, body: bool) -> None:
        try:
            handle = path.open("rb")
        except OSError:
            self._refuse(HTTPStatus.NOT_FOUND)
            return
        with handle:
            stat = os.fstat(handle.fileno())
            self._send_open_file(handle, stat, mime_type(path.name), body)

    def _send_open_file(self, handle: BinaryIO, stat: os.stat_result, kind: str,
                        body: bool) -> None:
        etag, size = _etag(stat), stat.st_size
        validators = {"ETag": etag, "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
                      "Accept-Ranges": "bytes", "Cache-Control": "no-cache"}
        if self._not_modified(etag, stat):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._headers(validators)
            self.end_headers()
            return
        wanted = self._wanted_range(etag, validators["Last-Modified"], size)
        if wanted is False:
            self._refuse(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                         {"Content-Range": f"bytes */{size}", **validators})
            return
        start, end = wanted if isinstance(wanted, tuple) else (0, size - 1)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if wanted else HTTPStatus.OK)
        self._headers(validators)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(end - start + 1))
        if wanted:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if body:
            self._copy(handle, start, end - start + 1)

    def _headers(self, headers: dict[str, str]) -> None:
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Access-Control-Allow-Origin", "*")  # web players read chapters, VTT
        self.send_header("X-Content-Type-Options", "nosniff")

    def _not_modified(self, etag: str, stat: os.stat_result) -> bool:
        if "If-None-Match" in self.headers:
            return _etag_listed(self.headers["If-None-Match"], etag)
        since = self.headers.get("If-Modified-Since")
        return since is not None and _not_modified_since(since, stat)

    def _wanted_range(self, etag: str, modified: str, size: int) -> tuple[int, int] | None | bool:
        header = self.headers.get("Range")
        if header is None:
            return None
        condition = self.headers.get("If-Range")
        if condition is not None and condition.strip() not in (etag, modified):
            return None  # the file changed since the client's copy: send it whole
        return byte_range(header, size)

    def _copy(self, handle: BinaryIO, start: int, length: int) -> None:
        handle.seek(start)
        try:
            while length > 0:
                chunk = handle.read(min(CHUNK, length))
                if not chunk:
                    break
                self.wfile.write(chunk)
                length -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # players drop range requests as they seek


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server for folder on host:port (port 0: any free port), not yet serving."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise SourceError(f"{folder}: no such folder; build episodes into it first")
    handler = partial(PodcastHostHandler, root=root.resolve())
    server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
    try:
        return server_class((host, port), handler)
    except OSError as exc:
        raise OutputError(f"cannot listen on {host} port {port}: {exc.strerror or exc}; "
                          "pick another --port or --host") from exc


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def lan_address() -> str | None:
    """This machine's address on its local network (the one its default route leaves by),
    or None without one. Connecting a UDP socket sends nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never answered, only routed
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith(("127.", "0.")) else address


def server_urls(server: ThreadingHTTPServer, host: str) -> tuple[str, str | None]:
    """(the URL this machine reaches the folder at, the URL a phone on the LAN uses or None)."""
    port = server.server_address[1]
    if host in ("0.0.0.0", "::", ""):
        lan = lan_address()
        return f"http://127.0.0.1:{port}/", (f"http://{lan}:{port}/" if lan else None)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/", None


def serve(server: ThreadingHTTPServer) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM: KeyboardInterrupt), then close the socket."""
    try:
        server.serve_forever()
    finally:
        server.server_close()


def feed_base(folder: Path) -> str | None:
    """The address feed.xml says its files are at (its atom:link rel="self" without
    "feed.xml"), or None when there is no readable feed."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.parse(str(Path(folder) / "feed.xml"), parser).getroot()
    except (OSError, etree.XMLSyntaxError):
        return None
    for link in root.iterfind("channel/{http://www.w3.org/2005/Atom}link"):
        href = link.get("href") or ""
        if link.get("rel") == "self" and href.endswith("/feed.xml"):
            return href[: -len("feed.xml")]
    return None


def _same_place(feed_base_url: str, served: str) -> bool:
    """The feed's base is the served address (localhost, 127.0.0.1 and ::1 are one place)."""
    loopback = {"localhost", "127.0.0.1", "::1"}
    feed, here = urlsplit(feed_base_url), urlsplit(served)
    hosts = {feed.hostname, here.hostname}
    same_host = len(hosts) == 1 or hosts <= loopback
    return same_host and feed.port == here.port and feed.path.rstrip("/") == ""


def startup(folder: Path, server: ThreadingHTTPServer, host: str) -> tuple[str, str | None]:
    """The line `audioguide serve` prints (where to subscribe), and a warning or None when
    feed.xml is missing or sends apps to another address."""
    local, lan = server_urls(server, host)
    url = lan or local
    has_feed = (Path(folder) / "feed.xml").is_file()
    line = f"serving {folder} at {url}{'feed.xml' if has_feed else ''}"
    if lan:
        line += f" for this network (the feed's --base-url must be {url.rstrip('/')})"
    elif host in ("0.0.0.0", "::", ""):
        line += " (no network address found: other devices cannot reach it)"
    line += "; Ctrl-C stops"
    fix = f"audioguide feed {folder} --base-url {url.rstrip('/')}"
    base = feed_base(folder) if has_feed else None
    if not has_feed:
        return line, f"no feed.xml yet: run {fix}"
    if base is not None and not _same_place(base, url):
        return line, f"feed.xml sends apps to {base} for the episodes; for this server run {fix}"
    return line, None
