"""Clips stored by a hash of everything that changes their sound.

An entry is one file, written atomically (temporary file + os.replace):

    b"AGC2" | rate: u32 | pcm length: u64 | sha256(pcm): 32 bytes
            | JSON length: u32 | JSON {"words": [[start, end], ...] or null} | FLAC of the PCM

The JSON block holds the clip's word timings (samples); its bytes are covered by the checksum
too. Entries of the first format (b"AGC1", no JSON block) still read, as clips without timings.

It is verified on read (length and checksum): a corrupt or truncated entry is a miss, reported
through `warn`, and rewritten by the next synthesis; it is never played. Reads refresh the
entry's mtime, so pruning drops the least recently used entries first.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import queue
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_open
from .models import Clip

MAGIC = b"AGC2"
MAGIC_V1 = b"AGC1"  # no word timings
HEADER = struct.Struct("<4sIQ32s")
JSON_LENGTH = struct.Struct("<I")
SUFFIX = ".clip"
MIB = 1024**2  # cache sizes are in MiB everywhere: the setting, `cache prune --max-mib`, output


def mib(size: int) -> str:
    """A size in bytes as the cache commands print it: "12.3 MiB"."""
    return f"{size / MIB:.1f} MiB"


def clip_key(identity: str, spoken: str) -> str:
    """The cache key: the engine's identity (engine, version, voice, lang, rate...) and text."""
    return hashlib.sha256(f"{identity}\n{spoken}".encode("utf-8", "surrogatepass")).hexdigest()


def _digest(pcm: bytes, block: bytes) -> bytes:
    return hashlib.sha256(pcm + block).digest() if block else hashlib.sha256(pcm).digest()


def encode_entry(clip: Clip) -> bytes:
    import numpy as np
    import soundfile

    samples = np.frombuffer(clip.pcm, dtype="<i2")
    flac = io.BytesIO()
    soundfile.write(flac, samples, clip.rate, format="FLAC", subtype="PCM_16")
    words = None if clip.words is None else [list(span) for span in clip.words]
    block = json.dumps({"words": words}, separators=(",", ":")).encode("ascii")
    return (HEADER.pack(MAGIC, clip.rate, len(clip.pcm), _digest(clip.pcm, block))
            + JSON_LENGTH.pack(len(block)) + block + flac.getvalue())


def _words(block: bytes) -> tuple[tuple[int, int], ...] | None:
    """The word spans of an entry's JSON block; ValueError if it is not one."""
    words = json.loads(block)["words"]
    if words is None:
        return None
    spans = tuple((int(start), int(end)) for start, end in words)
    if any(end < start for start, end in spans):
        raise ValueError("a word ends before it starts")
    return spans


def decode_entry(data: bytes) -> Clip | None:
    """The clip stored in `data`, or None when the entry is not intact."""
    if len(data) < HEADER.size:
        return None
    magic, rate, length, digest = HEADER.unpack_from(data)
    if magic not in (MAGIC, MAGIC_V1) or not 1000 <= rate <= 384000:
        return None
    start, block, words = HEADER.size, b"", None
    try:
        if magic == MAGIC:
            (size,) = JSON_LENGTH.unpack_from(data, start)
            start += JSON_LENGTH.size
            block = data[start : start + size]
            start += size
            words = _words(block)
        import soundfile

        samples, _ = soundfile.read(io.BytesIO(data[start:]), dtype="int16")
    except Exception:  # noqa: BLE001 - any decoder failure means a corrupt entry
        return None
    pcm = samples.astype("<i2").tobytes()
    if len(pcm) != length or _digest(pcm, block) != digest:
        return None
    return Clip(pcm=pcm, rate=rate, words=words)


@dataclass
class CacheInfo:
    path: Path
    entries: int
    bytes: int


class ClipCache:
    """A folder of clip entries. `enabled=False` turns it into a cache that holds nothing.

    ClipCache.at_url(url) keeps the same entries on object storage through fsspec (s3://,
    gs://...; see RemoteStore); a local or network folder stays a plain folder."""

    def __init__(self, root: Path, enabled: bool = True, warn: Callable[[str], None] | None = None):
        self.root = Path(root)
        self.enabled = enabled
        self.writable = enabled
        self.warn = warn or (lambda message: None)
        self.remote: RemoteStore | None = None

    @classmethod
    def at_url(cls, url: str, enabled: bool = True,
               warn: Callable[[str], None] | None = None) -> ClipCache:
        """The cache at an fsspec URL: a folder (a path or file://) or object storage."""
        if "://" not in url or url.startswith("file://"):
            return cls(Path(url.removeprefix("file://")).expanduser(), enabled, warn)
        cache = cls(Path(url.split("://", 1)[1]), enabled, warn)
        cache.remote = RemoteStore(url)
        return cache

    def _path(self, key: str) -> Path:
        return self.root / "clips" / key[:2] / (key + SUFFIX)

    def get(self, key: str) -> Clip | None:
        if not self.enabled:
            return None
        if self.remote is not None:
            return self.remote.get(key, self.warn)
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
        if self.remote is not None:
            return self.enabled and self.remote.exists(key)
        return self.enabled and self._path(key).is_file()

    def put(self, key: str, clip: Clip) -> None:
        if not self.writable:
            return
        if self.remote is not None:
            if not self.remote.put(key, encode_entry(clip)):
                self.writable = False
                self.warn(f"cache {self.remote.url} is not writable; building without saving "
                          "clips")
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # No fsync: a torn entry fails its digest when read and is made again (and the
            # wait, 7 ms of the 13 a clip's entry took here, held up the voice's next job).
            with atomic_open(path, "wb", durable=False) as handle:
                handle.write(encode_entry(clip))
        except OSError as exc:
            self.writable = False
            self.warn(f"cache folder {self.root} is not writable ({exc.strerror}); "
                      "building without saving clips")

    def entries(self) -> list[Path]:
        folder = self.root / "clips"
        return sorted(folder.glob(f"*/*{SUFFIX}")) if folder.is_dir() else []

    def info(self) -> CacheInfo:
        if self.remote is not None:
            sizes = [size for _, size, _ in self.remote.listing()]
            return CacheInfo(self.root, len(sizes), sum(sizes))
        sizes = [p.stat().st_size for p in self.entries()]
        return CacheInfo(self.root, len(sizes), sum(sizes))

    def prune(self, max_bytes: int) -> tuple[int, int]:
        """Remove least recently used entries until the cache holds at most max_bytes.

        Returns (entries removed, bytes freed)."""
        if self.remote is not None:
            return self.remote.prune(max_bytes)
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


class CacheWriter:
    """Puts clips in the cache from a thread of its own, so that whoever hands a clip over
    does not wait for its FLAC encoding and file (a voice's pool hands its workers their next
    sentences from the same thread that delivers their clips: with espeak, a clip's entry took
    as long as making the clip). At most QUEUED clips wait, so a slow cache slows the build
    rather than filling memory. close() waits until every clip handed over is stored."""

    QUEUED = 64

    def __init__(self, cache: ClipCache):
        self.cache = cache
        self._queue: queue.Queue[tuple[str, Clip] | None] = queue.Queue(maxsize=self.QUEUED)
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name="audioguide-cache-writer")
        self._thread.start()

    def put(self, key: str, clip: Clip) -> None:
        """Queue the clip; once closed (a worker's clip arriving after the build stopped
        waiting for it), store it here and now."""
        with self._lock:
            if not self._closed:
                self._queue.put((key, clip))
                return
        self._store(key, clip)

    def _store(self, key: str, clip: Clip) -> None:
        if not self.cache.writable:
            return  # the cache said why once; the rest are dropped
        try:
            self.cache.put(key, clip)
        except Exception as exc:  # noqa: BLE001 - a clip not kept is made again next time
            self.cache.writable = False
            self.cache.warn(f"cannot write the clip cache ({exc}); building without "
                            "saving clips")

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            self._store(*item)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join()


class RemoteStore:
    """Cache entries on object storage through fsspec (`pip install 'audioguide[cluster]'`).

    An entry is written with one put (an object appears whole or not at all, never half
    written) and verified by its checksum on read like a local one; a corrupt entry is removed
    and made again. Modification times are the upload's: pruning drops the oldest uploads.
    Credentials and endpoints come from the usual places (AWS_* variables, ~/.aws, fsspec's
    FSSPEC_S3_* configuration)."""

    def __init__(self, url: str):
        import fsspec

        self.url = url
        # A filesystem of its own: fsspec's shared instances keep the endpoint and credentials
        # of the first use (a cache opened after the environment changed would reuse them).
        self.fs, root = fsspec.core.url_to_fs(url, skip_instance_cache=True)
        self.root = str(root).rstrip("/")

    def _path(self, key: str) -> str:
        return f"{self.root}/clips/{key[:2]}/{key}{SUFFIX}"

    def get(self, key: str, warn: Callable[[str], None]) -> Clip | None:
        try:
            data = self.fs.cat_file(self._path(key))
        except Exception:  # noqa: BLE001 - missing (the usual miss) or unreachable: a miss
            return None
        clip = decode_entry(data)
        if clip is None:
            warn(f"cache entry {key}{SUFFIX} is corrupt; synthesizing that sentence again")
            with contextlib.suppress(Exception):
                self.fs.rm_file(self._path(key))
        return clip

    def exists(self, key: str) -> bool:
        try:
            return bool(self.fs.exists(self._path(key)))
        except Exception:  # noqa: BLE001 - unreachable storage: a miss
            return False

    def put(self, key: str, data: bytes) -> bool:
        """Store one entry with a single put; False when the storage refuses it."""
        try:
            self.fs.pipe_file(self._path(key), data)
        except Exception:  # noqa: BLE001 - any storage failure: build on without saving
            return False
        return True

    def listing(self) -> list[tuple[float, int, str]]:
        """(modified time, size, path) of every entry."""
        try:
            found = self.fs.find(f"{self.root}/clips", detail=True)
        except Exception:  # noqa: BLE001 - nothing stored yet, or unreachable
            return []
        rows = []
        for path, info in found.items():
            if str(path).endswith(SUFFIX):
                moment = info.get("LastModified") or info.get("mtime") or info.get("created")
                stamp = moment.timestamp() if hasattr(moment, "timestamp") else float(moment or 0)
                rows.append((stamp, int(info.get("size") or 0), str(path)))
        return sorted(rows)

    def prune(self, max_bytes: int) -> tuple[int, int]:
        rows = self.listing()
        total = sum(size for _, size, _ in rows)
        removed = freed = 0
        for _, size, path in rows:
            if total <= max_bytes:
                break
            with contextlib.suppress(Exception):
                self.fs.rm_file(path)
                total -= size
                removed += 1
                freed += size
        return removed, freed
