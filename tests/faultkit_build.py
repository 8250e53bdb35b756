"""Run the audioguide command line with a fault injected, for the drills in test_reliability.py.

    python tests/faultkit_build.py build ARTICLE -o OUT --engine piper

Faults, chosen by environment variables (none set: the plain command line):

    FAULTKIT_HOLD_AFTER_PUTS=K  after K clips are stored in the cache, every later store blocks
                                forever, so the drill can kill the process at a known point
    FAULTKIT_HOLD_AT_REPLACE=N  the Nth os.replace of audioguide.outdir (publishing the
                                episode) blocks forever before it happens
    FAULTKIT_MARKER=PATH        written (with the hold's name) when a hold starts
    FAULTKIT_ENOSPC=1           every durable atomic write (audioguide.atomic) fails with
                                ENOSPC as it is flushed to disk (for machines where no small
                                tmpfs can be mounted); the clip cache's are not flushed
"""

from __future__ import annotations

import errno
import os
import threading
import time
import types


def _hold(what: str) -> None:
    marker = os.environ.get("FAULTKIT_MARKER")
    if marker:
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write(what)
    while True:  # until the drill kills the process
        time.sleep(3600)


def _install() -> None:
    from audioguide import atomic, cache, outdir

    after_puts = os.environ.get("FAULTKIT_HOLD_AFTER_PUTS")
    if after_puts is not None:
        limit = int(after_puts)
        stored = [0]
        lock = threading.Lock()
        original_put = cache.ClipCache.put

        def held_put(self, key, clip):
            with lock:
                if stored[0] >= limit:
                    hold = True
                else:
                    original_put(self, key, clip)
                    stored[0] += 1
                    hold = False
            if hold:
                _hold(f"after {limit} puts")

        cache.ClipCache.put = held_put

    at_replace = os.environ.get("FAULTKIT_HOLD_AT_REPLACE")
    if at_replace is not None:
        target = int(at_replace)
        calls = [0]

        def held_replace(src, dst, *args, **kwargs):
            calls[0] += 1
            if calls[0] == target:
                _hold(f"at replace {target}: {src} -> {dst}")
            return os.replace(src, dst, *args, **kwargs)

        outdir.os = _os_with(replace=held_replace)  # type: ignore[assignment]

    if os.environ.get("FAULTKIT_ENOSPC"):

        def full(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        atomic.os = _os_with(fsync=full)  # type: ignore[assignment]


def _os_with(**replaced):
    """The os module with some functions replaced, for one module of audioguide to use."""
    proxy = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os)
                                     if not name.startswith("__")})
    for name, function in replaced.items():
        setattr(proxy, name, function)
    return proxy


if __name__ == "__main__":
    _install()
    from audioguide.cli import main

    main()
