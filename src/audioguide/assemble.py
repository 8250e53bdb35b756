"""The timeline (pure arithmetic on clip lengths) and the audio join.

Clips are prepared one at a time with pydub (silence trimmed, short fades, loudness set per
clip) and streamed as float samples into one ffmpeg process that resamples to 44.1 kHz, runs a
true-peak limiter and encodes. The episode is never held in memory.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import queue
import re
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import ffmpeg
from .errors import FFmpegError, OutputError
from .loudness import integrated_loudness, sliding_min
from .models import Chapter, Clip, Cue, Timeline, Utterance

OUTPUT_RATE = 44100
FADE_MS = 8  # fades at every clip edge: no clicks where clips meet silence
SILENCE_THRESHOLD_DB = -45.0  # below the clip's peak: what counts as the engine's silence
KEEP_MS = 15  # keep this much of the engine's silence next to the speech (soft consonants)
MIN_CLIP_LOUDNESS_S = 0.4  # BS.1770 needs one 400 ms block to measure


# -- timeline: pure arithmetic -----------------------------------------------------------


def samples_to_ms(samples: int, rate: int) -> int:
    return round(samples * 1000 / rate)


def pause_samples(pause_ms: int, rate: int, tempo: float = 1.0) -> int:
    """Silence after an utterance; faster speech (--rate) gets proportionally shorter pauses."""
    return round(pause_ms / tempo * rate / 1000)


def build_timeline(
    utterances: Sequence[Utterance],
    speech_samples: Sequence[int],
    chapter_titles: Sequence[str],
    rate: int,
    lead_samples: int = 0,
    tail_samples: int = 0,
    tempo: float = 1.0,
) -> Timeline:
    """Cues and chapters from the length of each clip and the pause after it.

    `lead_samples` (an intro jingle) and `tail_samples` (an outro) surround the speech: the
    first chapter starts at 0 and the last ends with the audio."""
    cues = []
    position = lead_samples
    for utterance, length in zip(utterances, speech_samples, strict=True):
        start, end = position, position + length
        cues.append(
            Cue(
                start_ms=samples_to_ms(start, rate),
                end_ms=samples_to_ms(end, rate),
                text=utterance.shown,
                section=utterance.section,
                kind=utterance.kind,
                paragraph_end=utterance.paragraph_end,
            )
        )
        position = end + pause_samples(utterance.pause_after, rate, tempo)
    duration_ms = samples_to_ms(position + tail_samples, rate)
    starts: dict[int, int] = {}
    for cue in cues:
        starts.setdefault(cue.section, cue.start_ms)
    starts[min(starts, default=0)] = 0
    order = sorted(starts, key=lambda section: starts[section])
    chapters = []
    for n, section in enumerate(order):
        end = starts[order[n + 1]] if n + 1 < len(order) else duration_ms
        chapters.append(Chapter(chapter_titles[section], starts[section], end))
    return Timeline(chapters=tuple(chapters), cues=tuple(cues), duration_ms=duration_ms)


# -- clips ---------------------------------------------------------------------------------


@dataclass
class PreparedClip:
    samples: object  # float32 numpy array at the clip's rate, loudness set, faded
    rate: int


def to_segment(clip: Clip):
    AudioSegment = pydub_segment_class()
    return AudioSegment(data=clip.pcm, sample_width=2, frame_rate=clip.rate, channels=1)


def trim_silence(segment):
    """Cut the engine's own leading and trailing silence, keeping KEEP_MS of it."""
    from pydub.silence import detect_leading_silence

    if len(segment) == 0 or segment.max == 0:
        return segment[:0]
    threshold = segment.max_dBFS + SILENCE_THRESHOLD_DB
    lead = detect_leading_silence(segment, silence_threshold=threshold, chunk_size=5)
    tail = detect_leading_silence(segment.reverse(), silence_threshold=threshold, chunk_size=5)
    start = max(0, lead - KEEP_MS)
    end = min(len(segment), len(segment) - tail + KEEP_MS)
    return segment[start:end] if end > start else segment[:0]


def clip_loudness(samples, rate: int) -> float | None:
    """Integrated loudness (LUFS, BS.1770) of a clip, or None when it is too short or silent."""
    if len(samples) < MIN_CLIP_LOUDNESS_S * rate:
        return None
    loudness = integrated_loudness(samples, rate)
    return loudness if math.isfinite(loudness) else None


def warm_up() -> None:
    """Import numpy and pydub while the voice loads."""
    import numpy  # noqa: F401

    pydub_segment_class()


LIMIT_CHUNK = 1 << 16  # samples limited at a time: memory stays the same for any clip length
LOOK_S = 0.003  # the limiter looks this far each way around every sample


def _chunks(n: int, margin: int):
    """(start, stop, low, high): LIMIT_CHUNK pieces of range(n), with `margin` more each side."""
    for start in range(0, n, LIMIT_CHUNK):
        stop = min(n, start + LIMIT_CHUNK)
        yield start, stop, max(0, start - margin), min(n, stop + margin)


def peak_room(samples, rate: int, ceiling: float):
    """For each sample, the largest gain that keeps every sample within LOOK_S of it at or
    under `ceiling` (a minimum filter of ceiling / |sample|)."""
    import numpy as np

    width = 2 * max(1, int(rate * LOOK_S)) + 1
    room = np.empty(len(samples), dtype=np.float32)
    for start, stop, low, high in _chunks(len(samples), width):
        need = np.abs(samples[low:high])
        np.maximum(need, np.float32(1e-9), out=need)
        np.divide(np.float32(ceiling), need, out=need)
        room[start:stop] = sliding_min(need, width)[start - low : stop - low]
    return room


def _moving_average(values, length: int):
    """Mean over a centred window of odd `length` (the ends repeated), by a running sum."""
    import numpy as np

    half = length // 2
    total = np.concatenate(([0.0], np.cumsum(np.pad(values, half, mode="edge"), dtype=np.float64)))
    return (total[length:] - total[:-length]) / length


def clamp(samples, ceiling: float):
    """Cut the float32 rounding (a few 1e-8) that can leave a limited sample just over
    `ceiling`; in place."""
    import numpy as np

    limit = np.float32(ceiling)
    if limit > ceiling:
        limit = np.nextafter(limit, np.float32(0))
    return np.clip(samples, -limit, limit, out=samples)


def apply_limited_gain(samples, room, gain: float, rate: int, ceiling: float):
    """samples x gain, the gain lowered smoothly wherever `room` (peak_room) is below it.

    The wanted gain min(1, room / gain) is smoothed by a triangle (two running means) reaching
    half as far as peak_room looked: each smoothed value is an average of values no larger than
    what any peak within reach needs, so no sample ends above the ceiling."""
    import numpy as np

    length = max(1, int(rate * LOOK_S / 2)) | 1
    out = np.empty_like(samples)
    for start, stop, low, high in _chunks(len(samples), 2 * length):
        held = np.minimum(room[low:high] / np.float32(gain), np.float32(1.0))
        smooth = _moving_average(_moving_average(held, length), length)
        np.multiply(samples[start:stop], smooth[start - low : stop - low] * gain,
                    out=out[start:stop], casting="same_kind")
    return clamp(out, ceiling)


def peak(samples) -> float:
    """The largest magnitude in `samples` (0 for none), without a clip-sized abs() copy."""
    return max(float(samples.max()), -float(samples.min())) if len(samples) else 0.0


def limit_peaks(samples, rate: int, ceiling: float):
    """A look-ahead peak limiter on one clip: no sample above `ceiling` (linear)."""
    import numpy as np

    samples = np.asarray(samples, dtype=np.float32)
    if peak(samples) <= ceiling:
        return samples
    return apply_limited_gain(samples, peak_room(samples, rate, ceiling), 1.0, rate, ceiling)


class Leveler:
    """Brings each clip to the target loudness with its peaks limited.

    Limiting lowers loudness, so the gain is raised by the energy the limiter took and the
    clip limited again (one loudness measurement and one peak analysis per clip).
    A clip too short to measure gets the last gain used."""

    # Whole-episode gating counts blocks that straddle a clip and a pause, which clip-by-clip
    # measurement does not, and the MP3 encoder takes some high-frequency energy: the decoded
    # episode measures about this much below its clips (measured on piper and espeak episodes).
    EPISODE_OFFSET_LU = 1.3

    def __init__(self, target_lufs: float, ceiling_db: float = -3.5):
        self.target = target_lufs + self.EPISODE_OFFSET_LU
        self.ceiling = 10 ** (ceiling_db / 20)
        self.last_gain_db = 0.0

    def level(self, samples, rate: int):
        import numpy as np

        samples = np.asarray(samples, dtype=np.float32)
        loudness = clip_loudness(samples, rate)
        if loudness is None:
            gain_db = self.last_gain_db
        else:
            gain_db = max(-30.0, min(30.0, self.target - loudness))
            self.last_gain_db = gain_db
        gain = 10 ** (gain_db / 20)
        if peak(samples) * gain <= self.ceiling:
            return clamp(samples * np.float32(gain), self.ceiling)
        room = peak_room(samples, rate, self.ceiling)
        out = apply_limited_gain(samples, room, gain, rate, self.ceiling)
        if loudness is None:
            return out
        # Limiting lowers loudness by about the energy it removes: correct for that once.
        wanted = float(np.dot(samples, samples)) * gain * gain
        lost_db = 10 * math.log10(wanted / max(float(np.dot(out, out)), 1e-12))
        if lost_db > 0.05:
            del out  # one clip-sized array fewer while limiting again
            gain_db = max(-30.0, min(30.0, gain_db + lost_db))
            self.last_gain_db = gain_db
            out = apply_limited_gain(samples, room, 10 ** (gain_db / 20), rate, self.ceiling)
        return out


def pydub_segment_class():
    """pydub's AudioSegment, imported without its warning about a missing ffmpeg on PATH."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment

    AudioSegment.converter = ffmpeg.ffmpeg_exe()
    return AudioSegment


def prepare_clip(clip: Clip, leveler: Leveler) -> PreparedClip:
    """Trim, fade and level one clip; pydub works on this clip only."""
    import numpy as np

    segment = trim_silence(to_segment(clip))
    if len(segment) > 4 * FADE_MS:
        segment = segment.fade_in(FADE_MS).fade_out(FADE_MS)
    samples = np.frombuffer(segment.raw_data, dtype="<i2").astype(np.float32)
    del segment
    samples *= np.float32(1 / 32768)
    return PreparedClip(samples=leveler.level(samples, clip.rate), rate=clip.rate)


def load_jingle(path: Path, rate: int, target_lufs: float, fade_ms: int = 500):
    """An --intro/--outro file: decoded by ffmpeg, faded in and out, a little under the voice."""
    import numpy as np

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise OutputError(f"{path}: cannot read the jingle ({exc.strerror})")
    try:
        pcm = ffmpeg.decode_pcm(data, rate)
    except FFmpegError as exc:
        raise FFmpegError(f"{path}: not an audio file ffmpeg can read ({exc})")
    segment = to_segment(Clip(pcm=pcm, rate=rate))
    fade = min(fade_ms, len(segment) // 3)
    segment = segment.fade_in(fade).fade_out(fade)
    samples = np.frombuffer(segment.raw_data, dtype="<i2").astype(np.float32) / 32768.0
    return Leveler(target_lufs - 4.0).level(samples, rate)


# -- the encoder ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _libc():
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value


def tune_allocator() -> None:
    """Keep clip-sized buffers out of the heap, so memory stays flat however long the episode.

    glibc raises its mmap threshold each time a mapped block is freed (up to 32 MB); after a
    few clips every clip buffer comes from the heap instead, which fragments and never shrinks:
    a 30,000-word build crept from 64 to 78 MB and peaked at 92. Fixing the threshold at its
    starting value (which turns the raising off) gives each buffer over 128 KiB its own mapping,
    returned to the system when freed: the same build stays at 56-66 MB and peaks at 70.
    The setting is process-wide and stays (a program embedding the library gets it too)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = _libc()
        if libc is not None:
            libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def release_memory() -> None:
    """Hand freed clip buffers back to the system (glibc keeps them otherwise, and a long
    episode's many differently sized buffers would grow the process)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = _libc()
        if libc is not None:
            libc.malloc_trim(0)


def limiter_filter(true_peak_db: float) -> str:
    """Catch the peaks left between samples, at the engine's own rate (cheaper than at 44.1 kHz;
    resampling does not move the true peak of a band-limited signal).

    Each clip is already limited (Leveler); this limit sits 2.5 dB under the true-peak target
    to leave room for the MP3/AAC encoder's overshoot, measured on decoded episodes."""
    limit = 10 ** ((true_peak_db - 2.5) / 20)
    return f"alimiter=limit={limit:.4f}:attack=1:release=50:level=false:latency=true"


def encoder_args(fmt: str, bitrate: str) -> list[str]:
    if fmt == "m4b":
        # ffmpeg's AAC encoder spends less than asked on pauses: aim 25% higher so that the
        # average stays at or above the requested bitrate.
        kbps = int(int(bitrate.lower().rstrip("k")) * 1.25)
        return ["-c:a", "aac", "-b:a", f"{kbps}k", "-movflags", "+faststart", "-f", "mp4"]
    # LAME quality 7 of 0-9: half the encoder's CPU of ffmpeg's default 3, the same file size,
    # no audible change for speech at these bitrates (benchmarks/results.md).
    return ["-c:a", "libmp3lame", "-b:a", bitrate, "-compression_level", "7", "-write_xing", "1",
            "-id3v2_version", "0", "-f", "mp3"]


try:
    import fcntl
except ImportError:  # not POSIX: the pipe keeps its size
    fcntl = None
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
PIPE_BYTES = 1 << 20
PIECE_SECONDS = 1  # the writer thread gets audio in pieces of at most this long...
QUEUE_PIECES = 8  # ...and at most this many wait: the queue holds seconds, whatever the clips

_SUMMARY = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf)\s*LUFS.*?"
                      r"True peak:\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS", re.DOTALL)


class Encoder:
    """One ffmpeg process fed float samples on stdin; writes `path` when closed cleanly."""

    def __init__(self, path: Path, rate: int, fmt: str, bitrate: str, true_peak_db: float):
        self.path = Path(path)
        self.rate = rate
        self.samples_written = 0
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the encoder
        graph = (f"[0:a]{limiter_filter(true_peak_db)},asplit=2[limited][m];"
                 f"[limited]aresample={OUTPUT_RATE}[out];"
                 f"[m]ebur128=peak=true:framelog=verbose[measured]")
        args = ffmpeg.command([
            "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
            "-filter_complex", graph,
            "-map", "[out]", "-ac", "1", "-ar", str(OUTPUT_RATE), *encoder_args(fmt, bitrate),
            "-y", str(self.path),
            "-map", "[measured]", "-f", "null", "-",
        ])
        args.remove("-nostdin")
        args[args.index("-loglevel") + 1] = "info"
        try:
            self._process = subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log
            )
        except OSError as exc:
            raise FFmpegError(f"cannot run ffmpeg ({args[0]}): {exc}")
        with contextlib.suppress(OSError, AttributeError):  # a roomier pipe, where Linux allows
            fcntl.fcntl(self._process.stdin.fileno(), F_SETPIPE_SZ, PIPE_BYTES)
        # A writer thread feeds ffmpeg, so that preparing the next clip never waits for the
        # encoder to take the last one (a bounded queue keeps memory flat).
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_PIECES)
        self._piece = rate * PIECE_SECONDS * 4  # bytes of float32 samples
        self._silence = memoryview(bytes(self._piece))
        self._broken = False
        self._writer = threading.Thread(target=self._feed, daemon=True, name="audioguide-encoder")
        self._writer.start()

    def _feed(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._broken:
                continue
            try:
                self._process.stdin.write(data)
            except (BrokenPipeError, ValueError, OSError):
                self._broken = True

    def write(self, samples) -> None:
        """Queue `samples` for ffmpeg: pieces of the caller's buffer, not copies of it (the
        caller hands it over and does not change it afterwards)."""
        import numpy as np

        data = memoryview(np.ascontiguousarray(samples, dtype="<f4")).cast("B")
        for start in range(0, len(data), self._piece):
            self._put(data[start : start + self._piece])
        self.samples_written += len(data) // 4

    def write_silence(self, count: int) -> None:
        while count > 0:
            n = min(self._piece // 4, count)
            self._put(self._silence[: 4 * n])
            self.samples_written += n
            count -= n

    def _put(self, piece) -> None:
        if self._broken:
            self._fail()
        self._queue.put(piece)

    def _stderr(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def _fail(self):
        self._process.kill()
        self._process.wait()
        text = self._stderr()
        if re.search(r"received signal (2|15)\b", text):
            # Ctrl-C reached ffmpeg (same process group) before it reached us: an interruption.
            raise KeyboardInterrupt
        if "No space left" in text:
            raise OutputError(f"{self.path.parent}: the disk is full; free some space")
        raise FFmpegError(f"ffmpeg failed: {ffmpeg.last_line(text.encode())}")

    def _stop_writer(self) -> None:
        if self._writer.is_alive():
            self._queue.put(None)
            self._writer.join()

    def close(self) -> dict:
        """Finish the encode; return the measured {'integrated_lufs', 'true_peak_dbtp'}."""
        self._stop_writer()
        try:
            self._process.stdin.close()
        except BrokenPipeError:
            pass
        if self._process.wait() != 0:
            self._fail()
        text = self._stderr()
        self._log.close()
        match = _SUMMARY.search(text)
        if not match:
            return {}
        return {"integrated_lufs": float(match.group(1)), "true_peak_dbtp": float(match.group(2)),
                "measured": "ffmpeg ebur128 in the encode, after the limiter, before the encoder"}

    def abort(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._broken = True
        self._stop_writer()
        self._log.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass
