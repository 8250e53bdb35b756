"""Small helpers shared by the publishers: atomic writes and text that is safe in markup."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from pathlib import Path

from ..atomic import atomic_open
from ..errors import OutputError

# Characters XML 1.0 forbids (lxml refuses them) and lone surrogates.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Bidirectional overrides and isolates: they can make a title read differently than it is.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def clean_text(text: object) -> str:
    """Text as it may appear in XML or HTML: no control characters, no lone surrogates."""
    return _NOT_XML.sub("", str(text or ""))


def clean_title(text: object) -> str:
    """A title for tags and headings: clean text, without bidi controls, on one line."""
    return " ".join(_BIDI.sub("", clean_text(text)).split())


@contextlib.contextmanager
def _atomic_output(path: Path, mode: str):
    """atomic_open, its errors as one OutputError line."""
    try:
        with atomic_open(path, mode) as handle:
            yield handle
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot write ({exc.strerror}); check the folder, space and rights"
        )


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write through a temporary file in the same folder and os.replace; errors as OutputError."""
    path = Path(path)
    with _atomic_output(path, "wb") as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def write_atomic_parts(path: Path, parts: Iterable[str]) -> Path:
    """write_atomic for text made piece by piece: the pieces go to the file as they come, so a
    long episode's page is never held whole in memory."""
    path = Path(path)
    with _atomic_output(path, "w") as handle:
        handle.writelines(parts)
    return path
