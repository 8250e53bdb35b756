"""The encoder's ffmpeg command and what it prints: the filter graph (limiter, asplit into the
encoder and an ebur128 meter), the loudness summary, the errors that ffmpeg exits 0 after, and
the self-test tone. It imports only models.Loudness of audioguide: ffmpeg/binary.py judges a
binary with it, and audio/encoder.py runs it.

The measurement is read from the LAST ebur128 summary on stderr: ffmpeg 5.1 builds the graph
once to probe the outputs and prints an empty summary for it (I: -70.0 LUFS, Peak: -inf)
before the real one. A figure that is missing, not finite, or at the -70 LUFS gate although
speech was written is None, with the reason."""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..models import Loudness

OUTPUT_RATE = 44100
GATE_LUFS = -70.0  # ebur128's absolute gate: what it reports when nothing passes it
DISK_FULL = "No space left on device"
MEASURED = "ffmpeg ebur128 in the encode, after the limiter, at 44.1 kHz, before the encoder"
_NUMBER = r"([-+]?(?:\d+(?:\.\d*)?|\.\d+|inf|nan))"
_INTEGRATED = re.compile(r"Integrated loudness:\s*I:\s*" + _NUMBER + r"\s*LUFS", re.IGNORECASE)
_TRUE_PEAK = re.compile(r"True peak:\s*Peak:\s*" + _NUMBER + r"\s*dBFS", re.IGNORECASE)
_FAILED = re.compile(r"^.*(?:Error writing trailer|Error closing file|Conversion failed).*$",
                     re.MULTILINE)

SELF_TEST_RATE = 22050
SELF_TEST_SECONDS = 2.0
SELF_TEST_AMPLITUDE = 0.1  # a 1 kHz sine peaking at -20 dBFS: about -23 LUFS
# The tone's integrated loudness by audio/loudness.py's BS.1770 meter (tests/test_loudness.py
# measures it again): a figure here, so that judging a binary needs no audio code.
SELF_TEST_LUFS = -23.06
SELF_TEST_TOLERANCE = 1.0  # LU for the loudness, dB for the true peak


def limiter_filter(true_peak_db: float) -> str:
    """Catch the peaks left between samples. The graph runs it at twice the output rate
    (88.2 kHz): a limiter sees only samples, and at the voices' 22.05 kHz the peaks between
    them rose 2.6 dB over its limit (the sample article measured -0.9 dBTP before the encoder
    and -1.7 in the MP3); at 88.2 kHz the two agree (-3.3 and -3.2).

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


_LIMITED = ("[0:a]aresample={high},{limiter},aresample={rate},asplit=2[out][m];"
            "[m]ebur128=peak=true:framelog=verbose[measured]")
_MEASURED = ["-map", "[measured]", "-f", "null", "-"]


def _float_input(rate: int) -> list[str]:
    """Reading float32 mono at `rate` on stdin; the ebur128 summary printed at info level,
    its per-frame lines (verbose) and progress lines not: the log stays a few kilobytes."""
    return ["-hide_banner", "-loglevel", "info", "-nostats",
            "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]


def _encoded(path: Path, fmt: str, bitrate: str) -> list[str]:
    return ["-ac", "1", "-ar", str(OUTPUT_RATE), *encoder_args(fmt, bitrate), "-y", str(path)]


def limited_arguments(rate: int, true_peak_db: float, output: list[str]) -> list[str]:
    """ffmpeg's arguments (after the program) reading float32 mono at `rate` on stdin: the
    audio limited at twice the output rate, resampled to it and written as `output`, and an
    ebur128 measurement (with true peak) of what was written. The one graph every encode
    limits with: whole (encoder_arguments), as the first of two processes
    (measure_arguments) or a part of a long episode (part_arguments)."""
    graph = _LIMITED.format(high=OUTPUT_RATE * 2, limiter=limiter_filter(true_peak_db),
                            rate=OUTPUT_RATE)
    return [*_float_input(rate), "-filter_complex", graph, "-map", "[out]", *output,
            *_MEASURED]


def encoder_arguments(path: Path, rate: int, fmt: str, bitrate: str,
                      true_peak_db: float) -> list[str]:
    """Limited, measured and encoded to `path` in one process (the self-test runs this)."""
    return limited_arguments(rate, true_peak_db, _encoded(path, fmt, bitrate))


def measure_arguments(rate: int, true_peak_db: float) -> list[str]:
    """The first of the encoder's two processes: limited and measured, the encoder's input
    written as float32 at 44.1 kHz on stdout (encode_arguments reads it)."""
    return limited_arguments(rate, true_peak_db, ["-f", "f32le", "pipe:1"])


def encode_arguments(path: Path, fmt: str, bitrate: str) -> list[str]:
    """The second process: float32 at 44.1 kHz on stdin, encoded to `path`."""
    return [*_float_input(OUTPUT_RATE), *_encoded(path, fmt, bitrate)]


def part_arguments(path: Path, rate: int, true_peak_db: float) -> list[str]:
    """One part of a long episode encoded in parts (audio/parts.py): limited and measured as
    encoder_arguments does, written as float32 at 44.1 kHz to `path` (lossless: the joined
    parts are the samples one process would give the encoder)."""
    return limited_arguments(rate, true_peak_db, ["-f", "f32le", "-y", str(path)])


def joined_arguments(path: Path, fmt: str, bitrate: str) -> list[str]:
    """The last pass over a long episode's joined parts: float32 at 44.1 kHz on stdin, encoded
    to `path` and measured for integrated loudness over the whole (BS.1770's gating is not
    additive over parts). No true peak here: the parts measured theirs, and the largest is
    the whole's; the 4x oversampling was the dearest filter of the single-process graph."""
    graph = "[0:a]asplit=2[out][m];[m]ebur128=framelog=verbose[measured]"
    return [*_float_input(OUTPUT_RATE), "-filter_complex", graph, "-map", "[out]",
            *_encoded(path, fmt, bitrate), *_MEASURED]


def loudness_arguments() -> list[str]:
    """A long episode's measuring pass when its parts encode their own MP3 frames
    (audio/parts.py): float32 at 44.1 kHz on stdin, integrated loudness over the whole
    (ebur128 without its true peak, which the parts measured), nothing written."""
    return [*_float_input(OUTPUT_RATE), "-filter_complex",
            "[0:a]ebur128=framelog=verbose[measured]", *_MEASURED]


def _figure(pattern: re.Pattern, text: str) -> float | None:
    match = pattern.search(text)
    return float(match.group(1)) if match else None


def read_summary(stderr: str, heard: bool = True, who: str = "ffmpeg",
                 true_peak: bool = True) -> Loudness:
    """The loudness and true peak in the last ebur128 summary in `stderr`. A figure that is
    missing or not finite, or integrated loudness at the -70 LUFS gate when speech was written
    (`heard`), is None and `reason` says why; `who` names the binary in it ("ffmpeg 5.1.9").
    With `true_peak` False the graph measured none (joined_arguments): its peak is None and
    needs no reason."""
    start = stderr.rfind("Summary:")
    summary = stderr[start:] if start >= 0 else ""
    lufs = _figure(_INTEGRATED, summary)
    peak = _figure(_TRUE_PEAK, summary) if true_peak else 0.0
    reasons = []
    if lufs is None or peak is None:
        reasons.append(f"{who} printed no ebur128 summary that could be read")
    speech = " although speech was written" if heard else ""
    if lufs is not None and not math.isfinite(lufs):
        reasons.append(f"{who}'s ebur128 gave {lufs} LUFS")
        lufs = None
    elif lufs is not None and lufs <= GATE_LUFS + 0.05:
        reasons.append(f"{who}'s ebur128 beside the encoder measured silence (-70 LUFS){speech}")
        lufs = None
    if peak is not None and not math.isfinite(peak):
        reasons.append(f"{who}'s ebur128 gave a true peak of {peak} dBFS{speech}")
        peak = None
    peak = peak if true_peak else None
    return Loudness(lufs, peak, MEASURED if lufs is not None or peak is not None else None,
                    "; ".join(reasons) or None)


def disk_full(stderr: str) -> bool:
    return DISK_FULL in stderr


def output_failure(stderr: str) -> str | None:
    """The line saying ffmpeg could not finish the file. ffmpeg 5.1 exits with 0 when writing
    the trailer or closing the file fails (a full disk): its exit status alone is not enough."""
    match = _FAILED.search(stderr)
    return match.group(0).strip() if match else None


def test_tone() -> tuple[bytes, float, float]:
    """The self-test's input: float32 samples of a 1 kHz sine at SELF_TEST_RATE, and its
    integrated loudness (SELF_TEST_LUFS) and true peak."""
    import numpy as np

    rate = SELF_TEST_RATE
    t = np.arange(int(SELF_TEST_SECONDS * rate)) / rate
    tone = (SELF_TEST_AMPLITUDE * np.sin(2 * np.pi * 1000 * t)).astype("<f4")
    return tone.tobytes(), SELF_TEST_LUFS, 20 * math.log10(SELF_TEST_AMPLITUDE)


def judge_tone(stderr: str, expected_lufs: float, expected_peak: float) -> tuple[bool, str]:
    """Whether the encoder's command measured the test tone right, and what it measured."""
    figures = read_summary(stderr)
    lufs, peak = figures.integrated_lufs, figures.true_peak_dbtp
    if lufs is None or peak is None:
        return False, f"self-test on a tone: {figures.reason}"
    found = (f"{lufs:.1f} LUFS, {peak:.1f} dBTP for a tone of {expected_lufs:.1f} LUFS, "
             f"{expected_peak:.1f} dBTP")
    if (abs(lufs - expected_lufs) > SELF_TEST_TOLERANCE
            or abs(peak - expected_peak) > SELF_TEST_TOLERANCE):
        return False, f"self-test: the encoder's ebur128 measured {found}"
    return True, f"self-test passed: the encoder's ebur128 measured {found}"


def last_line(stderr: bytes) -> str:
    """The last non-blank line of ffmpeg's stderr: its error message."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else "no message"
