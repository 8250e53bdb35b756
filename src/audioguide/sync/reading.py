"""Reading the downloaded pages and the feed's full texts into Articles, on every core.

    with Readers(settings) as readers:
        future = readers.read(body, fmt, source)   # a Future[Article]
        article = future.result()                  # or the AudioguideError that stopped it

A sync reads thousands of pages (decode, HTML parse, the content and its roles): CPU work in
Python that, in the driver's process, waits its turn with the download threads for the GIL.
The first INLINE_READS are read in the calling thread (a small sync starts no process); after
that a process pool of one worker per CPU reads them while the driver downloads the next pages.
One CPU: always inline. Workers start by forkserver (engines.base.worker_context: never a fork
of this threaded process) and exit with the driver.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

from ..errors import AudioguideError
from ..models import Article
from ..readers import decode_bytes, read_text, sniff_format
from ..settings import Settings

INLINE_READS = 32  # readings done in the caller before a pool is worth its start


def read_page(data: bytes | str, fmt: str | None, source: str, settings: Settings) -> Article:
    """A page's bytes (decoded as readers do) or a feed's text, read as an Article."""
    text = decode_bytes(data, source) if isinstance(data, bytes) else data
    return read_text(text, fmt or sniff_format(text), source, settings)


class Readers:
    """read_page on a process pool (see the module's docstring)."""

    def __init__(self, settings: Settings, workers: int | None = None):
        self.settings = settings
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.count = 0
        self.pool: ProcessPoolExecutor | None = None

    def read(self, data: bytes | str, fmt: str | None, source: str) -> Future[Article]:
        self.count += 1
        if self.workers > 1 and self.count > INLINE_READS:
            return self._pool().submit(read_page, data, fmt, source, self.settings)
        future: Future[Article] = Future()
        try:
            future.set_result(read_page(data, fmt, source, self.settings))
        except AudioguideError as exc:
            future.set_exception(exc)
        return future

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            from ..engines.base import exit_with_parent, worker_context

            self.pool = ProcessPoolExecutor(self.workers, mp_context=worker_context(),
                                            initializer=exit_with_parent)
        return self.pool

    def __enter__(self) -> Readers:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=exc is None, cancel_futures=True)
