"""Atomic writes: a temporary file in the same folder, then os.replace.

atomic_open raises what the system raises (the clip cache copes with it); the write_* functions
turn a failure into one OutputError line that says what happened to which folder."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import OutputError


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "wb", durable: bool = True) -> Iterator[IO[Any]]:
    """A file handle whose contents replace `path` (os.replace) only when the block ends
    without an exception; otherwise the temporary file is removed and `path` is untouched.
    `durable`: the contents reach the disk (fsync) before the rename, so that a crash leaves
    the old file or the new one; a file its reader checks (the clip cache's digests) can skip
    that wait."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        text = "b" not in mode  # text: UTF-8, and "\n" stays "\n"
        with os.fdopen(fd, mode, encoding="utf-8" if text else None,
                       newline="" if text else None) as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _output(path: Path, mode: str) -> Iterator[IO[Any]]:
    """atomic_open, its errors as one OutputError line that names the file and what to do."""
    try:
        with atomic_open(path, mode) as handle:
            yield handle
    except OSError as exc:
        raise OutputError(write_problem(path, exc)) from exc


def write_problem(path: Path, exc: OSError) -> str:
    """One line for an OSError met while writing `path`: a full disk, a read-only or vanished
    folder, missing rights, or anything else the system said."""
    folder = Path(path).parent
    while folder.name.startswith(".") and folder.name.endswith(".partial"):
        folder = folder.parent  # a build's staging folder: name the output folder
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{folder}: the disk is full; free some space or choose another output folder"
    if exc.errno == errno.EROFS:
        return f"{folder}: the folder is read-only; choose another output folder"
    if exc.errno == errno.ENOENT:
        return f"{folder}: the folder has gone away; create it again or choose another"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{folder}: no permission to write here; choose another output folder"
    return f"{path}: cannot write ({exc.strerror}); check the folder, space and rights"


def write_bytes(path: Path, data: bytes | str) -> Path:
    """Write `data` (str as UTF-8) through a temporary file in the same folder and os.replace;
    errors as one OutputError line."""
    path = Path(path)
    with _output(path, "wb") as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def write_parts(path: Path, parts: Iterable[str]) -> Path:
    """write_bytes for text made piece by piece: the pieces go to the file as they come, so a
    long episode's page is never held whole in memory."""
    path = Path(path)
    with _output(path, "w") as handle:
        handle.writelines(parts)
    return path


def write_json(path: Path, document: object, indent: int = 1, newline: bool = False) -> Path:
    """`document` as strict JSON (UTF-8, indented; no NaN or Infinity), streamed to the file
    as it is encoded: an episode of 7,000 cues would otherwise hold some 200,000 small strings
    at once (+7 MB)."""
    path = Path(path)
    with _output(path, "w") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=indent, allow_nan=False)
        if newline:
            handle.write("\n")
    return path
