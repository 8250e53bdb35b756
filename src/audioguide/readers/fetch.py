"""Fetch an article over http(s): a time-out, a size cap, bounded redirects, the content type.
The session is http_session's: the user's proxies and CA bundle, never .netrc credentials."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from ..errors import SourceError

if TYPE_CHECKING:
    import requests

MAX_REDIRECTS = 5
TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "txt",
    "text/markdown": "md",
    "text/x-markdown": "md",
}


def _check_scheme(url: str, original: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(f"{original}: only http:// and https:// addresses can be fetched "
                          f"(not {scheme}://); give a URL or a local file path")
    if not urlsplit(url).hostname:
        raise SourceError(f"{original}: the address has no host name; check the URL")


@dataclass(frozen=True)
class Fetched:
    """What a conditional GET found: 200 with a body, or 304 (not modified, no body)."""

    status: int
    body: bytes = b""
    fmt: str | None = None  # a value of `kinds` ("html", "txt", "md", "xml"...), None if untyped
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None


def fetch(url: str, timeout: float = 15.0, max_bytes: int = 5 * 1024 * 1024
          ) -> tuple[bytes, str | None, str | None]:
    """Download `url`: (body bytes, "html"/"txt"/"md" or None if untyped, charset or None)."""
    got = fetch_conditional(url, timeout, max_bytes)
    return got.body, got.fmt, got.charset


def fetch_conditional(url: str, timeout: float = 15.0, max_bytes: int = 5 * 1024 * 1024,
                      etag: str | None = None, last_modified: str | None = None,
                      kinds: dict[str, str] | None = None) -> Fetched:
    """GET `url` with If-None-Match / If-Modified-Since when `etag` / `last_modified` are
    given: a Fetched with status 304 and no body when the server says nothing changed.
    `kinds` maps the content types accepted to a format (default: TYPES, web pages and text)."""
    from ..http_session import open_session

    _check_scheme(url, url)
    with open_session(timeout, _headers(etag, last_modified)) as session:
        return follow(session, url, timeout, max_bytes, kinds or TYPES)


def follow(session: requests.Session, url: str, timeout: float, max_bytes: int,
           kinds: dict[str, str], on_answer: Callable[[requests.Response], None] | None = None
           ) -> Fetched:
    """The GET of `url` on `session` and its redirects (MAX_REDIRECTS at most, http(s)
    only), read within 4 x `timeout`. `on_answer` sees the final response first and may
    raise (the sync's Busy on a 429 or 503). A redirect's or a 304's body is read to its end
    (when short), so a kept-alive connection serves the next page."""
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
            if on_answer is not None:
                on_answer(response)
            got = _answer(response, url, max_bytes, deadline, timeout, kinds)
            if got.status == 304:
                _drain(response)
            return got
    raise SourceError(f"{url}: more than {MAX_REDIRECTS} redirects; check the address")


DRAIN_BYTES = 64 * 1024


def _drain(response: requests.Response) -> None:
    """Read the (small) rest of an answer, so its connection goes back to the pool instead of
    being closed; a long one is left and its connection closed."""
    with contextlib.suppress(Exception):
        response.raw.read(DRAIN_BYTES, decode_content=False)


def _headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {
        "Accept-Encoding": "identity",  # no decompression bombs
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _get(session: requests.Session, current: str, url: str, timeout: float
         ) -> requests.Response:
    import requests

    try:
        return session.get(current, stream=True, allow_redirects=False)
    except requests.exceptions.Timeout as exc:
        raise SourceError(f"{url}: no answer within {timeout:g} s; "
                          "check the address or try again later") from exc
    except requests.exceptions.InvalidURL as exc:
        raise SourceError(f"{url}: not a valid address; check the URL") from exc
    except requests.exceptions.RequestException as exc:
        raise SourceError(f"{url}: cannot connect ({_reason(exc)}); "
                          "check the address and your network") from exc


def _answer(response: requests.Response, url: str, max_bytes: int, deadline: float, timeout: float,
            kinds: dict[str, str]) -> Fetched:
    """The final (non-redirect) response as a Fetched, or the one-line error it means."""
    etag = response.headers.get("ETag") or None
    modified = response.headers.get("Last-Modified") or None
    if response.status_code == 304:
        return Fetched(304, etag=etag, last_modified=modified)
    if response.status_code >= 400:
        raise SourceError(f"{url}: the server answered {response.status_code} "
                          f"{response.reason or ''}".rstrip() + "; check the address")
    fmt, charset = _content_type(response.headers.get("Content-Type", ""), url, kinds)
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise SourceError(_too_large(url, max_bytes))
    body = _body(response, url, max_bytes, deadline, timeout)
    return Fetched(response.status_code, body, fmt, charset, etag, modified)


def _reason(exc: Exception) -> str:
    text = str(exc)
    for pattern in (r"Connection refused", r"Name or service not known",
                    r"Temporary failure in name resolution", r"No route to host",
                    r"Network is unreachable", r"certificate verify failed",
                    r"Connection reset by peer", r"Connection aborted"):
        if re.search(pattern, text, re.IGNORECASE):
            return pattern.lower() if pattern[0].islower() else pattern
    return exc.__class__.__name__


def _content_type(header: str, url: str, kinds: dict[str, str] = TYPES
                  ) -> tuple[str | None, str | None]:
    mime = header.split(";")[0].strip().lower()
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", header, re.IGNORECASE)
    charset = match.group(1) if match else None
    if not mime:
        return None, charset
    if mime in kinds:
        return kinds[mime], charset
    if mime.startswith("text/") or mime in ("application/octet-stream",):
        return None, charset
    raise SourceError(f"{url} is {mime}, not a web page or text: give the address of an article")


def _too_large(url: str, max_bytes: int) -> str:
    return f"{url} is larger than {max_bytes // (1024 * 1024)} MB: give a smaller page"


def _chunks(response: requests.Response) -> Iterator[bytes]:
    """What the server has sent so far, chunk by chunk: one socket read each, never waiting to
    fill a chunk (so a server trickling one byte at a time still meets the deadline check)."""
    read1 = getattr(response.raw, "read1", None)  # urllib3 >= 2
    if read1 is None:
        yield from response.iter_content(chunk_size=65536)
        return
    while True:
        chunk = read1(65536, decode_content=True)
        if not chunk:
            return
        yield chunk


def _body(response: requests.Response, url: str, max_bytes: int, deadline: float,
          timeout: float) -> bytes:
    import requests
    import urllib3

    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in _chunks(response):
            size += len(chunk)
            if size > max_bytes:
                raise SourceError(_too_large(url, max_bytes))
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise SourceError(f"{url}: the download took longer than {4 * timeout:g} s; "
                                  "try again later")
    except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise SourceError(
            f"{url}: the download failed ({_reason(exc)}); try again later") from exc
    return b"".join(chunks)
