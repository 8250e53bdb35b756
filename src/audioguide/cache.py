"""Clips stored by a hash of everything that changes their sound.

An entry is one file, written atomically (temporary file + os.replace):

    b"AGC1" | rate: u32 | pcm length: u64 | sha256(pcm): 32 bytes | FLAC of the PCM

It is verified on read (length and checksum): a corrupt or truncated entry is a miss, reported
through `warn`, and rewritten by the next synthesis; it is never played. Reads refresh the
entry's mtime, so pruning drops the least recently used entries first.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_open
from .models import Clip

MAGIC = b"AGC1"
HEADER = struct.Struct("<4sIQ32s")
SUFFIX = ".clip"


def clip_key(identity: str, spoken: str) -> str:
    """The cache key: the engine's identity (engine, version, voice, lang, rate...) and text."""
    return hashlib.sha256(f"{identity}\n{spoken}".encode("utf-8", "surrogatepass")).hexdigest()


def encode_entry(clip: Clip) -> bytes:
    import numpy as np
    import soundfile

    samples = np.frombuffer(clip.pcm, dtype="<i2")
    flac = io.BytesIO()
    soundfile.write(flac, samples, clip.rate, format="FLAC", subtype="PCM_16")
    digest = hashlib.sha256(clip.pcm).digest()
    return HEADER.pack(MAGIC, clip.rate, len(clip.pcm), digest) + flac.getvalue()


def decode_entry(data: bytes) -> Clip | None:
    """The clip stored in `data`, or None when the entry is not intact."""
    if len(data) < HEADER.size:
        return None
    magic, rate, length, digest = HEADER.unpack_from(data)
    if magic != MAGIC or not 1000 <= rate <= 384000:
        return None
    try:
        import soundfile

        samples, _ = soundfile.read(io.BytesIO(data[HEADER.size :]), dtype="int16")
    except Exception:  # noqa: BLE001 - any decoder failure means a corrupt entry
        return None
    pcm = samples.astype("<i2").tobytes()
    if len(pcm) != length or hashlib.sha256(pcm).digest() != digest:
        return None
    return Clip(pcm=pcm, rate=rate)


@dataclass
class CacheInfo:
    path: Path
    entries: int
    bytes: int


class ClipCache:
    """A folder of clip entries. `enabled=False` turns it into a cache that holds nothing."""

    def __init__(self, root: Path, enabled: bool = True, warn: Callable[[str], None] | None = None):
        self.root = Path(root)
        self.enabled = enabled
        self.writable = enabled
        self.warn = warn or (lambda message: None)

    def _path(self, key: str) -> Path:
        return self.root / "clips" / key[:2] / (key + SUFFIX)

    def get(self, key: str) -> Clip | None:
        if not self.enabled:
            return None
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:  # missing (the usual miss) or unreadable
            return None
        clip = decode_entry(data)
        if clip is None:
            self.warn(f"cache entry {path.name} is corrupt; synthesizing that sentence again")
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        return clip

    def has(self, key: str) -> bool:
        return self.enabled and self._path(key).is_file()

    def put(self, key: str, clip: Clip) -> None:
        if not self.writable:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_open(path, "wb") as handle:
                handle.write(encode_entry(clip))
        except OSError as exc:
            self.writable = False
            self.warn(f"cache folder {self.root} is not writable ({exc.strerror}); "
                      "building without saving clips")

    def entries(self) -> list[Path]:
        folder = self.root / "clips"
        return sorted(folder.glob(f"*/*{SUFFIX}")) if folder.is_dir() else []

    def info(self) -> CacheInfo:
        sizes = [p.stat().st_size for p in self.entries()]
        return CacheInfo(self.root, len(sizes), sum(sizes))

    def prune(self, max_bytes: int) -> tuple[int, int]:
        """Remove least recently used entries until the cache holds at most max_bytes.

        Returns (entries removed, bytes freed)."""
        stats = []
        for path in self.entries():
            try:
                st = path.stat()
            except OSError:
                continue
            stats.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in stats)
        removed = freed = 0
        for _, size, path in sorted(stats):
            if total <= max_bytes:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size
            removed += 1
            freed += size
        return removed, freed

    def clear(self) -> tuple[int, int]:
        return self.prune(0)
