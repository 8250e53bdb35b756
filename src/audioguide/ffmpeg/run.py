"""Running ffmpeg: an argument list, never a shell, quiet, with its errors turned into ours.
The binary is the one ffmpeg/binary.py chose."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ..errors import FFmpegError, OutputError
from .binary import ffmpeg_exe
from .graph import DISK_FULL, last_line

log = logging.getLogger(__name__)


def output_folder(path: Path | str) -> Path:
    """The folder to name for an output file: its own, or the parent of the build's staging
    folder (a name ending with .partial) that holds it, directly or in a subfolder (sections/)."""
    folder = Path(path).parent
    for staging in (folder, folder.parent):
        if staging.name.endswith(".partial"):
            return staging.parent
    return folder


def disk_full_error(path: Path | str) -> OutputError:
    return OutputError(f"{output_folder(path)}: the disk is full; free some space or choose "
                       "another output folder")


def command(args: Sequence[str], exe: str | None = None) -> list[str]:
    """The full ffmpeg command line: quiet (errors only) and never reading stdin."""
    return [exe or ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]


def run_ffmpeg(args: Sequence[str], input: bytes | None = None) -> bytes:
    """Run ffmpeg with an argument list (never a shell); return its stdout.

    A full disk is an OutputError naming the folder of the output (the last argument)."""
    cmd = command(args)
    if input is not None:
        cmd.remove("-nostdin")
    log.debug("ffmpeg: %s", subprocess.list2cmdline(cmd))
    try:
        done = subprocess.run(cmd, input=input, capture_output=True, check=False)
    except OSError as exc:
        raise FFmpegError(f"cannot run ffmpeg ({cmd[0]}): {exc}") from exc
    if DISK_FULL.encode() in done.stderr and args and not args[-1].startswith(("pipe:", "-")):
        raise disk_full_error(args[-1])
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
