"""Atomic writes: a temporary file in the same folder, then os.replace."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "wb"):
    """A file handle whose contents replace `path` (os.replace) only when the block ends
    without an exception; otherwise the temporary file is removed and `path` is untouched."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        text = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}  # "\n" stays "\n"
        with os.fdopen(fd, mode, **text) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and os.replace."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, document, indent: int = 1, newline: bool = False) -> None:
    """`document` as JSON (UTF-8, indented), streamed to the file as it is encoded: an episode
    of 7,000 cues would otherwise hold some 200,000 small strings at once (+7 MB)."""
    with atomic_open(path, "w") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=indent)
        if newline:
            handle.write("\n")
