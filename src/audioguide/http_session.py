"""The one HTTP session every client of the project opens (URL sources, sync feeds, gTTS).

It honours the user's network settings: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY (either
case) and a CA bundle in REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE. It never sends credentials from
~/.netrc (or $NETRC): a page an article links to must not receive the user's passwords.

How, in requests' terms: `trust_env` is the one switch requests reads before every .netrc
lookup (in `Session.prepare_request` and, on redirects, `Session.rebuild_auth`), and the same
switch turns on proxies and the CA bundle. So the session keeps `trust_env = False`, which keeps
every .netrc read off (and any environment feature a later requests adds, until we choose it),
and puts back just the proxies and the CA bundle in the three places requests reads them:
`merge_environment_settings` (each request), `rebuild_proxies` (each redirect) and `send`
(a prepared request sent directly), through requests' own `get_environ_proxies`, so NO_PROXY
matching is requests' own. The alternative, `trust_env = True` with the .netrc lookups
overridden, cannot work cleanly: `prepare_request` reads .netrc inline, with no hook to turn off.

This module imports requests; import it inside the function that makes a request, so commands
that never touch the network start without it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies

from .version import __version__

if TYPE_CHECKING:
    from requests.sessions import _Settings  # the typed dict types-requests gives the answer

USER_AGENT = f"audioguide/{__version__} (+https://pypi.org/project/audioguide/)"
TIMEOUT = 15.0  # seconds to connect, and again between bytes of the answer
CA_BUNDLE_ENV = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def environment_proxies(url: str, proxies: Mapping[str, str] | None = None) -> dict[str, str]:
    """`proxies` with the environment's proxies for `url` added where not already set (none
    when NO_PROXY covers the host)."""
    merged = dict(proxies or {})
    for key, value in get_environ_proxies(url, no_proxy=merged.get("no_proxy")).items():
        merged.setdefault(key, value)
    return merged


def environment_ca_bundle() -> str | None:
    """The CA bundle file named by REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, if any."""
    for name in CA_BUNDLE_ENV:
        if os.environ.get(name):
            return os.environ[name]
    return None


class Session(requests.Session):
    """A requests.Session with proxies and the CA bundle from the environment, never .netrc,
    and a default (connect, read) time-out for requests that give none."""

    def __init__(self, timeout: float = TIMEOUT) -> None:
        super().__init__()
        self.trust_env = False  # the switch in front of every .netrc read; see the module doc
        self.timeout = (timeout, timeout)
        self.headers["User-Agent"] = USER_AGENT

    def merge_environment_settings(self, url: str | bytes | None, proxies: Any, stream: Any,
                                   verify: Any, cert: Any) -> _Settings:
        if verify is True or verify is None:  # as requests does: an explicit verify wins
            verify = environment_ca_bundle() or verify
        return super().merge_environment_settings(
            url, environment_proxies(_text(url), proxies), stream, verify, cert)

    def rebuild_proxies(self, prepared_request: requests.PreparedRequest,
                        proxies: Any) -> dict[str, str]:
        url = _text(prepared_request.url)
        return super().rebuild_proxies(prepared_request, environment_proxies(url, proxies))

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if "proxies" not in kwargs:
            kwargs["proxies"] = environment_proxies(_text(request.url), self.proxies)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def _text(url: str | bytes | None) -> str:
    return url.decode("utf-8", "replace") if isinstance(url, bytes) else str(url or "")


def open_session(timeout: float = TIMEOUT, headers: Mapping[str, str] | None = None,
                 pool_size: int | None = None) -> requests.Session:
    """A new Session: the project's User-Agent (unless `headers` sets another), `timeout`
    seconds to connect and to wait for the answer's next bytes, proxies and the CA bundle from
    the environment, no .netrc; `pool_size` connections kept per host when given. Use it as a
    context manager, or close it."""
    session = Session(timeout)
    session.headers.update(headers or {})
    if pool_size is not None:
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    return session
