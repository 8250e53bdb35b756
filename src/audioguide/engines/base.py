"""The one small interface every engine adapter implements.

An adapter is cheap to construct (no heavy imports); `start()` loads the voice once per build;
`synthesize_many()` yields clips in the order of the texts given, however they are scheduled.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from importlib import metadata
from typing import TYPE_CHECKING, ClassVar, TypeVar

from ..errors import EngineError
from ..models import Clip, EngineName
from ..settings import Settings

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

T = TypeVar("T")
R = TypeVar("R")
E = TypeVar("E", bound="Engine")


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


def ordered_results(
    submit: Callable[[T], Future], items: Iterable[T], window: int
) -> Iterator:
    """Submit items as futures, at most `window` in flight; yield their results in order.

    On an error (or when the consumer stops early) the futures not yet started are cancelled."""
    pending: deque[Future] = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """Like map(fn, items) on `jobs` threads: results in input order, at most 2*jobs in flight."""
    if jobs <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="audioguide") as pool:
        yield from ordered_results(lambda item: pool.submit(fn, item), items, 2 * jobs)


def worker_context() -> BaseContext:
    """The start method for worker processes: forkserver where there is one.

    Never plain fork: a fork while another thread holds a lock (an import, a logging handler)
    can hang the worker, and forked workers keep the pool's pipes open, so they would outlive
    a parent killed with -9."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def exit_with_parent(interval_s: float = 1.0) -> None:
    """In a worker process: exit as soon as the process that started it is gone (kill -9),
    and leave Ctrl-C to it. The terminal sends SIGINT to the whole group: the build stops
    its workers itself (pool shutdown, the parts' abort flag), and an idle worker waiting for
    work would die of it with a traceback on the terminal."""
    import os
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="audioguide-parent-watch").start()


def pooled_clips(
    pool: Executor,
    worker: Callable[[str], tuple],
    texts: Sequence[str],
    on_clip: Callable[[int, Clip], None] | None,
    window: int,
) -> Iterator[Clip]:
    """Clips made by `worker(text) -> (pcm, rate[, words])` on a process pool, in order.

    `on_clip` sees each clip as soon as its worker finishes (see Engine.synthesize_many)."""

    def submit(item: tuple[int, str]) -> Future:
        future = pool.submit(worker, item[1])
        if on_clip is not None:

            def finished(done: Future, index: int = item[0]) -> None:
                if not done.cancelled() and done.exception() is None:
                    on_clip(index, Clip(*done.result()))

            future.add_done_callback(finished)
        return future

    try:
        for made in ordered_results(submit, enumerate(texts), window):
            yield Clip(*made)
    except BrokenExecutor as exc:
        raise EngineError(f"the voice's worker processes stopped ({exc}); run again, or with "
                          "--jobs 1 to synthesize in one process") from exc


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, as taskset or a container sets it)."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13
    if counter is not None:
        return max(1, counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def available_memory() -> int | None:
    """Bytes of memory available to new processes (Linux's MemAvailable), None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def local_workers(worker_bytes: int, cpus: int | None = None,
                  memory: int | None = None) -> int:
    """Worker processes for a local voice: one per usable CPU (more would only take turns),
    and no more than half the available memory holds at `worker_bytes` each."""
    cpus = usable_cpus() if cpus is None else cpus
    memory = available_memory() if memory is None else memory
    if memory is not None:
        cpus = min(cpus, max(1, memory // 2 // worker_bytes))
    return max(1, cpus)


class Engine:
    """Base adapter. Subclasses set the class attributes and implement `synthesize`."""

    name: ClassVar[EngineName]
    offline: bool = True
    default_jobs: int = 1
    # Set for engines that run worker processes: the memory each needs. Their default is
    # then one worker per usable CPU, bounded by memory (local_workers).
    worker_bytes: ClassVar[int | None] = None

    def __init__(self, settings: Settings, lang: str):
        self.settings = settings
        self.lang = lang
        default = local_workers(self.worker_bytes) if self.worker_bytes else self.default_jobs
        self.jobs = settings.jobs or default

    # -- cheap: no voice loaded, no heavy import ---------------------------------------
    def voice_name(self) -> str:
        """The voice, as printed, tagged and recorded in the manifest."""
        raise NotImplementedError

    def version(self) -> str:
        """The engine's version: part of every cache key."""
        raise NotImplementedError

    def sound_params(self) -> dict:
        """Everything besides the text that changes the sound of a clip."""
        return {"rate": self.settings.rate}

    def identity(self) -> str:
        return json.dumps(
            {
                "engine": self.name,
                "version": self.version(),
                "voice": self.voice_name(),
                "lang": self.lang,
                **self.sound_params(),
            },
            sort_keys=True,
        )

    def credit(self) -> str:
        """Engine, voice and licence, for the ID3 comment, manifest, feed and page."""
        return f"{self.name} {self.version()}, voice {self.voice_name()}"

    @classmethod
    def languages(cls) -> list[str]:
        return []

    @classmethod
    def available(cls) -> str | None:
        """None when usable here, else a one-line reason with the fix."""
        return None

    # -- heavy ------------------------------------------------------------------------
    def start(self) -> None:
        """Load the voice (once per build)."""

    def synthesize(self, text: str) -> Clip:
        raise NotImplementedError

    def synthesize_many(
        self, texts: Sequence[str], on_clip: Callable[[int, Clip], None] | None = None
    ) -> Iterator[Clip]:
        """Clips for `texts`, in order; adapters may run them concurrently.

        `on_clip(index, clip)` is called as soon as each clip is made, in any order and from
        any thread, so that finished work is kept (cached) even when a later one fails."""

        def make(item: tuple[int, str]) -> Clip:
            clip = self.synthesize(item[1])
            if on_clip is not None:
                on_clip(item[0], clip)
            return clip

        return ordered_map(make, enumerate(texts), self.jobs)

    def close(self) -> None:
        """Release the voice and any workers."""

    def __enter__(self: E) -> E:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
