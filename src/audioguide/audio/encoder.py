"""The encoder: ffmpeg fed float samples on stdin by a writer thread, that limits true peaks,
resamples to 44.1 kHz, measures loudness (ebur128) and encodes (MP3 or AAC). The episode is
never held in memory: the queue to ffmpeg holds seconds of audio.

Two ffmpeg processes in a pipe share that work: the first limits at 88.2 kHz, resamples and
measures (ebur128 with its 4x true-peak oversampling), the second encodes the float samples it
is handed (LAME or AAC). One filter graph runs on one core, and these halves cost about the
same (1.2 + 1.3 s against 1.4 s for the sample article's 7 minutes); the encoder gets the very
samples the single graph gave it, so the file is byte-identical. A build whose clips come from
the cache waits for the encode alone: it took 7.0 s of wall (4.3 s CPU) in one process.
The command and the reading of its summary are in ffmpeg/graph.py (ffmpeg/binary.py
self-tests a binary with the single-process command)."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

from ..errors import FFmpegError
from ..ffmpeg.binary import ffmpeg_choice, ffmpeg_exe
from ..ffmpeg.graph import (
    OUTPUT_RATE,
    disk_full,
    encode_arguments,
    encoder_args,
    encoder_arguments,
    last_line,
    limiter_filter,
    measure_arguments,
    output_failure,
    read_summary,
)
from ..ffmpeg.run import disk_full_error
from ..models import Loudness

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["OUTPUT_RATE", "Encoder", "encoder_args", "encoder_command", "limiter_filter",
           "read_summary"]

PIPE_BYTES = 1 << 20  # the pipe to ffmpeg, where Linux lets it grow
PIECE_SECONDS = 1  # the writer thread gets audio in pieces of at most this long...
QUEUE_PIECES = 8  # ...and at most this many wait: the queue holds seconds, whatever the clips
LOG_TAIL_BYTES = 256 * 1024  # of ffmpeg's stderr read at the end: the summary, the errors
HEARD_PEAK = 10 ** (-50 / 20)  # a sample above -50 dBFS: speech (or music) was written


def encoder_command(path: Path, rate: int, fmt: str, bitrate: str,
                    true_peak_db: float) -> list[str]:
    """The chosen ffmpeg with graph.encoder_arguments: reads stdin, encodes and measures."""
    return [ffmpeg_exe(), *encoder_arguments(path, rate, fmt, bitrate, true_peak_db)]


def _start(args: list[str], stdin: IO[bytes] | int, stdout: IO[bytes] | int,
           log: IO[bytes]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(args, stdin=stdin, stdout=stdout, stderr=log)
    except OSError as exc:
        raise FFmpegError(f"cannot run ffmpeg ({args[0]}): {exc}") from exc


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
    """ffmpeg fed float samples on stdin (two processes in a pipe; one running `arguments`
    when given); writes `path` when closed cleanly."""

    def __init__(self, path: Path, rate: int, fmt: str, bitrate: str, true_peak_db: float,
                 arguments: list[str] | None = None, true_peak: bool = True):
        """`arguments` (after the program) replace graph.encoder_arguments: the parts of a
        long episode and their joining pass (audio/parts.py) run other graphs."""
        self.path = Path(path)
        self.rate = rate
        self.samples_written = 0
        self.heard = False  # a sample above HEARD_PEAK was written
        self._true_peak = true_peak  # whether the graph measures one
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the encoder
        self._encode_log: IO[bytes] | None = None
        self._encoding: subprocess.Popen[bytes] | None = None  # the second process
        if arguments is not None:
            self._process = _start([ffmpeg_exe(), *arguments], subprocess.PIPE,
                                   subprocess.DEVNULL, self._log)
        else:
            self._start_pair(rate, fmt, bitrate, true_peak_db)
        assert self._process.stdin is not None  # stdin=PIPE
        self._stdin: IO[bytes] = self._process.stdin
        widen_pipe(self._stdin)
        # A writer thread feeds ffmpeg, so that preparing the next clip never waits for the
        # encoder to take the last one (a bounded queue keeps memory flat).
        self._queue: queue.Queue[memoryview | None] = queue.Queue(maxsize=QUEUE_PIECES)
        self._piece = rate * PIECE_SECONDS * 4  # bytes of float32 samples
        self._silence = memoryview(bytes(self._piece))
        self._broken = False
        self._writer = threading.Thread(target=self._feed, daemon=True, name="audioguide-encoder")
        self._writer.start()

    def _start_pair(self, rate: int, fmt: str, bitrate: str, true_peak_db: float) -> None:
        """The measuring process piped into the encoding one (the module docstring)."""
        self._process = _start([ffmpeg_exe(), *measure_arguments(rate, true_peak_db)],
                               subprocess.PIPE, subprocess.PIPE, self._log)
        assert self._process.stdout is not None  # stdout=PIPE
        widen_pipe(self._process.stdout)
        self._encode_log = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the encoder
        try:
            self._encoding = _start([ffmpeg_exe(), *encode_arguments(self.path, fmt, bitrate)],
                                    self._process.stdout, subprocess.DEVNULL, self._encode_log)
        except FFmpegError:
            self._process.kill()
            self._process.wait()
            raise
        finally:
            self._process.stdout.close()  # the encoding process holds the pipe's reading end

    def _feed(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._broken:
                continue
            try:
                self._stdin.write(data)
            except (BrokenPipeError, ValueError, OSError):
                self._broken = True

    def write(self, samples: ArrayLike) -> None:
        """Queue `samples` for ffmpeg: pieces of the caller's buffer, not copies of it (the
        caller hands it over and does not change it afterwards)."""
        import numpy as np

        array = np.ascontiguousarray(samples, dtype="<f4")
        if not self.heard and array.size:
            self.heard = max(float(array.max()), -float(array.min())) > HEARD_PEAK
        data = array.data.cast("B")
        for start in range(0, len(data), self._piece):
            self._put(data[start : start + self._piece])
        self.samples_written += len(data) // 4

    def write_silence(self, count: int) -> None:
        while count > 0:
            n = min(self._piece // 4, count)
            self._put(self._silence[: 4 * n])
            self.samples_written += n
            count -= n

    def _put(self, piece: memoryview) -> None:
        if self._broken:
            self._fail()
        self._queue.put(piece)

    def _stderr(self) -> str:
        """The end of ffmpeg's stderr (all of it, unless an error repeated many times): the
        measuring process's, then the encoding process's (an error writing the file last)."""
        return "".join(_tail(log) for log in (self._log, self._encode_log) if log is not None)

    def _processes(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in (self._process, self._encoding) if p is not None]

    def _fail(self, text: str | None = None) -> NoReturn:
        for process in self._processes():
            if process.poll() is None:
                process.kill()
            process.wait()
        text = self._stderr() if text is None else text
        if re.search(r"received signal (2|15)\b", text):
            # Ctrl-C reached ffmpeg (same process group) before it reached us: an interruption.
            raise KeyboardInterrupt
        if disk_full(text):
            raise disk_full_error(self.path)
        failure = output_failure(text)
        raise FFmpegError(f"ffmpeg failed: {failure or last_line(text.encode())}")

    def _stop_writer(self) -> None:
        if self._writer.is_alive():
            self._queue.put(None)
            self._writer.join()

    def _close_logs(self) -> None:
        for log in (self._log, self._encode_log):
            if log is not None:
                log.close()

    def close(self) -> Loudness:
        """Finish the encode; return the loudness and true peak measured (a figure it could
        not measure is None, with the reason)."""
        self._stop_writer()
        with contextlib.suppress(BrokenPipeError):
            self._stdin.close()
        statuses = [process.wait() for process in self._processes()]
        text = self._stderr()
        if any(statuses) or disk_full(text) or output_failure(text):
            self._fail(text)
        self._close_logs()
        return read_summary(text, self.heard, _who(), self._true_peak)

    def abort(self) -> None:
        for process in self._processes():
            if process.poll() is None:
                process.kill()
                process.wait()
        self._broken = True
        self._stop_writer()
        self._close_logs()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _tail(log: IO[bytes]) -> str:
    size = log.seek(0, os.SEEK_END)
    log.seek(max(0, size - LOG_TAIL_BYTES))
    return log.read().decode("utf-8", "replace")


def _who() -> str:
    """"ffmpeg 5.1.9-0+deb12u1": the chosen binary, to name in a reason."""
    return f"ffmpeg {ffmpeg_choice().version}"
