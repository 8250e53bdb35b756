"""The encoder: one ffmpeg process, fed float samples on stdin by a writer thread, that
limits true peaks, resamples to 44.1 kHz, measures loudness (ebur128) and encodes (MP3 or
AAC). The episode is never held in memory: the queue to ffmpeg holds seconds of audio."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, NoReturn

from .. import ffmpeg
from ..errors import FFmpegError, OutputError

OUTPUT_RATE = 44100
PIPE_BYTES = 1 << 20  # the pipe to ffmpeg, where Linux lets it grow
PIECE_SECONDS = 1  # the writer thread gets audio in pieces of at most this long...
QUEUE_PIECES = 8  # ...and at most this many wait: the queue holds seconds, whatever the clips

_SUMMARY = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf)\s*LUFS.*?"
                      r"True peak:\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS", re.DOTALL)


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


def encoder_command(path: Path, rate: int, fmt: str, bitrate: str,
                    true_peak_db: float) -> list[str]:
    """ffmpeg reading float32 mono at `rate` on stdin: the limited audio encoded to `path`,
    and an ebur128 measurement of it (printed to stderr at info level)."""
    graph = (f"[0:a]{limiter_filter(true_peak_db)},asplit=2[limited][m];"
             f"[limited]aresample={OUTPUT_RATE}[out];"
             f"[m]ebur128=peak=true:framelog=verbose[measured]")
    args = ffmpeg.command([
        "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
        "-filter_complex", graph,
        "-map", "[out]", "-ac", "1", "-ar", str(OUTPUT_RATE), *encoder_args(fmt, bitrate),
        "-y", str(path),
        "-map", "[measured]", "-f", "null", "-",
    ])
    args.remove("-nostdin")
    args[args.index("-loglevel") + 1] = "info"
    return args


def read_summary(stderr: str) -> dict:
    """The measured {'integrated_lufs', 'true_peak_dbtp'} from ebur128's summary ({} if none)."""
    match = _SUMMARY.search(stderr)
    if not match:
        return {}
    return {"integrated_lufs": float(match.group(1)), "true_peak_dbtp": float(match.group(2)),
            "measured": "ffmpeg ebur128 in the encode, after the limiter, before the encoder"}


def widen_pipe(pipe: IO[bytes]) -> None:
    """A roomier pipe to ffmpeg, where Linux allows (elsewhere the pipe keeps its size)."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        return
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), set_size, PIPE_BYTES)


class Encoder:
    """One ffmpeg process fed float samples on stdin; writes `path` when closed cleanly."""

    def __init__(self, path: Path, rate: int, fmt: str, bitrate: str, true_peak_db: float):
        self.path = Path(path)
        self.rate = rate
        self.samples_written = 0
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the encoder
        args = encoder_command(self.path, rate, fmt, bitrate, true_peak_db)
        try:
            self._process = subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log
            )
        except OSError as exc:
            raise FFmpegError(f"cannot run ffmpeg ({args[0]}): {exc}") from exc
        assert self._process.stdin is not None  # stdin=PIPE
        self._stdin: IO[bytes] = self._process.stdin
        widen_pipe(self._stdin)
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
                self._stdin.write(data)
            except (BrokenPipeError, ValueError, OSError):
                self._broken = True

    def write(self, samples) -> None:
        """Queue `samples` for ffmpeg: pieces of the caller's buffer, not copies of it (the
        caller hands it over and does not change it afterwards)."""
        import numpy as np

        data = np.ascontiguousarray(samples, dtype="<f4").data.cast("B")
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

    def _fail(self) -> NoReturn:
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
        with contextlib.suppress(BrokenPipeError):
            self._stdin.close()
        if self._process.wait() != 0:
            self._fail()
        text = self._stderr()
        self._log.close()
        return read_summary(text)

    def abort(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._broken = True
        self._stop_writer()
        self._log.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
