"""Finding ffmpeg and running it. Nothing here needs ffprobe."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
from collections.abc import Sequence

from .errors import FFmpegError

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """ffmpeg from AUDIOGUIDE_FFMPEG, the PATH, or else the imageio-ffmpeg package."""
    explicit = os.environ.get("AUDIOGUIDE_FFMPEG")
    if explicit:
        return explicit
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise FFmpegError("ffmpeg not found: install it or `pip install imageio-ffmpeg`") from exc


def last_line(stderr: bytes) -> str:
    """The last non-blank line of ffmpeg's stderr: its error message."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else "no message"


def command(args: Sequence[str]) -> list[str]:
    """The full ffmpeg command line: quiet (errors only) and never reading stdin."""
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]


def run_ffmpeg(args: Sequence[str], input: bytes | None = None) -> bytes:
    """Run ffmpeg with an argument list (never a shell); return its stdout."""
    cmd = command(args)
    if input is not None:
        cmd.remove("-nostdin")
    log.debug("ffmpeg: %s", subprocess.list2cmdline(cmd))
    try:
        done = subprocess.run(cmd, input=input, capture_output=True, check=False)
    except OSError as exc:
        raise FFmpegError(f"cannot run ffmpeg ({cmd[0]}): {exc}") from exc
    if done.returncode != 0:
        raise FFmpegError(f"ffmpeg failed: {last_line(done.stderr)}")
    return done.stdout


def decode_pcm(data: bytes, rate: int, tempo: float = 1.0) -> bytes:
    """Any audio file's bytes -> 16-bit mono PCM at `rate` (atempo keeps the pitch)."""
    filters = atempo_chain(tempo)
    args = ["-i", "pipe:0"]
    if filters:
        args += ["-af", filters]
    return run_ffmpeg([*args, "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"], input=data)


def atempo_chain(tempo: float) -> str:
    """ffmpeg atempo filters for a speed factor (each stage limited to 0.5..2.0)."""
    if abs(tempo - 1.0) < 1e-6:
        return ""
    stages = []
    while tempo > 2.0:
        stages.append(2.0)
        tempo /= 2.0
    while tempo < 0.5:
        stages.append(0.5)
        tempo /= 0.5
    stages.append(tempo)
    return ",".join(f"atempo={s:.6g}" for s in stages)
