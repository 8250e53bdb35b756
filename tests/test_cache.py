"""The clip cache: round trip, verification, corruption, unwritable folders, LRU pruning."""

from __future__ import annotations

import os
import time

from audioguide.cache import CacheWriter, ClipCache, clip_key, decode_entry, encode_entry
from audioguide.models import Clip


def tone(n: int = 2205, rate: int = 22050) -> Clip:
    import math
    import struct

    samples = [int(8000 * math.sin(i / 7)) for i in range(n)]
    return Clip(pcm=struct.pack(f"<{n}h", *samples), rate=rate)


def test_round_trip_is_exact_and_compressed(tmp_path):
    cache = ClipCache(tmp_path)
    clip = tone(22050)
    cache.put("k" * 64, clip)
    assert cache.get("k" * 64) == clip
    (entry,) = cache.entries()
    assert entry.stat().st_size < len(clip.pcm), "stored compressed (FLAC)"


def test_key_covers_identity_and_text():
    assert clip_key("piper 1.8 rate=1", "Hello.") != clip_key("piper 1.8 rate=1.5", "Hello.")
    assert clip_key("piper 1.8 rate=1", "Hello.") != clip_key("piper 1.8 rate=1", "Hello!")
    assert clip_key("a", "b") == clip_key("a", "b")


def test_corrupt_and_truncated_entries_are_misses(tmp_path):
    warnings = []
    cache = ClipCache(tmp_path, warn=warnings.append)
    cache.put("a" * 64, tone())
    cache.put("b" * 64, tone())
    path_a, path_b = cache.entries()
    data = path_a.read_bytes()
    path_a.write_bytes(data[: len(data) // 2])
    flipped = bytearray(path_b.read_bytes())
    flipped[-10] ^= 0xFF
    path_b.write_bytes(bytes(flipped))
    assert cache.get("a" * 64) is None
    assert cache.get("b" * 64) is None
    assert len(warnings) == 2 and "corrupt" in warnings[0]
    assert cache.entries() == [], "corrupt entries are removed"


def test_random_bytes_never_decode():
    assert decode_entry(os.urandom(100)) is None
    assert decode_entry(b"") is None
    good = encode_entry(tone())
    assert decode_entry(good) == tone()
    assert decode_entry(good[:-1]) is None


def test_unwritable_cache_builds_without_it(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    warnings = []
    cache = ClipCache(blocker / "cache", warn=warnings.append)
    cache.put("c" * 64, tone())
    cache.put("d" * 64, tone())
    assert len(warnings) == 1 and "not writable" in warnings[0]
    assert cache.get("c" * 64) is None


def test_disabled_cache_holds_nothing(tmp_path):
    cache = ClipCache(tmp_path, enabled=False)
    cache.put("e" * 64, tone())
    assert cache.get("e" * 64) is None and cache.entries() == []


def test_prune_drops_least_recently_used_first(tmp_path):
    cache = ClipCache(tmp_path)
    for n, key in enumerate("abc"):
        cache.put(key * 64, tone())
        stamp = time.time() - 1000 + n * 100
        os.utime(cache._path(key * 64), (stamp, stamp))
    cache.get("a" * 64)  # a read makes "a" the most recent
    size = cache._path("a" * 64).stat().st_size
    removed, _ = cache.prune(size * 2)
    assert removed == 1
    assert cache.get("b" * 64) is None and cache.get("a" * 64) is not None
    assert cache.clear()[0] == 2 and cache.info().entries == 0


def test_the_writer_stores_every_clip_before_close_returns(tmp_path):
    """CacheWriter: more clips than its queue holds, each readable once close() returns."""
    cache = ClipCache(tmp_path)
    writer = CacheWriter(cache)
    clips = {clip_key("writer", str(i)): tone(2205 + i) for i in range(CacheWriter.QUEUED * 2)}
    for key, clip in clips.items():
        writer.put(key, clip)
    writer.close()
    assert len(cache.entries()) == len(clips)
    assert all(cache.get(key) == clip for key, clip in clips.items())
    writer.close()  # twice: nothing left to wait for
    late = clip_key("writer", "late")  # a worker's clip after the build stopped waiting
    writer.put(late, tone(999))
    assert cache.get(late) == tone(999), "stored at once, not queued for a thread that is gone"


def test_the_writer_gives_up_with_one_warning(tmp_path, monkeypatch):
    """A failure the cache does not expect (not an OSError) is said once; the clips after it
    are dropped, and close() still returns."""
    warnings: list[str] = []
    cache = ClipCache(tmp_path, warn=warnings.append)
    monkeypatch.setattr("audioguide.cache.encode_entry", lambda clip: 1 / 0)
    writer = CacheWriter(cache)
    for i in range(5):
        writer.put(clip_key("broken", str(i)), tone())
    writer.close()
    assert len(warnings) == 1 and "cannot write the clip cache" in warnings[0]
    assert cache.entries() == [] and not cache.writable
