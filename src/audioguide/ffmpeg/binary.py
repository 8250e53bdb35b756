"""Which ffmpeg to run: found, self-tested, and the verdict remembered. Nothing here needs
ffprobe; running it is ffmpeg/run.py.

Which ffmpeg (ffmpeg_choice): AUDIOGUIDE_FFMPEG when set (always used), else `ffmpeg` on the
PATH if it passes a self-test, else the binary bundled with imageio-ffmpeg. The self-test runs
the encoder's own command (ffmpeg/graph.py: limiter, asplit, ebur128 beside the MP3 encoder) on
two seconds of a 1 kHz tone and checks the loudness and true peak it reports against the tone's.
Its verdict is remembered per binary (path, mtime, size) and encoder graph in
ffmpeg-verdicts.json in the cache folder, so each binary is tested once for each graph.

Verified: Debian 12's ffmpeg 5.1.9 and imageio-ffmpeg 0.8.1's bundled ffmpeg 9.0.2. (ffmpeg 5.1
prints an empty ebur128 summary for the graph it builds to probe the outputs, before the real
one: the encoder reads the last summary.)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import FFmpegError
from . import graph

log = logging.getLogger(__name__)

SOURCES = ("AUDIOGUIDE_FFMPEG", "PATH", "bundled")
VERDICTS_FILE = "ffmpeg-verdicts.json"
VERDICTS_KEPT = 16  # binaries remembered (the most recently tested)
VERSION_TIMEOUT_S = 20
SELF_TEST_TIMEOUT_S = 30


@dataclass(frozen=True)
class FFmpegChoice:
    """The ffmpeg audioguide runs: its path, version, where it was found and why it was taken."""

    path: str
    version: str  # "5.1.9-0+deb12u1", "n9.0.2-..." or "unknown"
    source: str  # one of SOURCES
    note: str  # the self-test's verdict, and any binary passed over

    def describe(self) -> str:
        return f"ffmpeg {self.version} at {self.path} (from {self.source}): {self.note}"


@dataclass(frozen=True)
class Verdict:
    ok: bool
    version: str
    note: str


_lock = threading.Lock()
_choice: FFmpegChoice | None = None


def ffmpeg_choice() -> FFmpegChoice:
    """The ffmpeg to run, chosen once per process (reset() chooses again)."""
    global _choice
    with _lock:
        if _choice is None:
            _choice = _choose()
            log.debug("ffmpeg: %s", _choice.describe())
        return _choice


def reset() -> None:
    """Forget the choice (tests change AUDIOGUIDE_FFMPEG or the PATH)."""
    global _choice
    with _lock:
        _choice = None


def ffmpeg_exe() -> str:
    """ffmpeg from AUDIOGUIDE_FFMPEG, the PATH (when it passes the self-test), or else the
    imageio-ffmpeg package."""
    return ffmpeg_choice().path


def bundled_exe() -> str | None:
    """The ffmpeg binary shipped with imageio-ffmpeg, or None."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        return None


def _choose() -> FFmpegChoice:
    explicit = os.environ.get("AUDIOGUIDE_FFMPEG")
    if explicit:
        verdict = binary_verdict(explicit)
        return FFmpegChoice(explicit, verdict.version, "AUDIOGUIDE_FFMPEG",
                            f"set explicitly; {verdict.note}")
    found, bundled = shutil.which("ffmpeg"), bundled_exe()
    passed_over = ""
    if found:
        verdict = binary_verdict(found)
        if verdict.ok or bundled is None:
            return FFmpegChoice(found, verdict.version, "PATH", verdict.note)
        passed_over = f"; {found} (ffmpeg {verdict.version}) passed over: {verdict.note}"
    if bundled is None:
        raise FFmpegError("ffmpeg not found: install it or `pip install imageio-ffmpeg`")
    verdict = binary_verdict(bundled)
    return FFmpegChoice(bundled, verdict.version, "bundled", verdict.note + passed_over)


# -- the self-test and its remembered verdicts ---------------------------------------------


def binary_verdict(exe: str) -> Verdict:
    """The self-test's verdict on `exe`: remembered, or tested now and remembered."""
    key = _binary_key(exe)
    if key is None:
        return Verdict(False, "unknown", f"{exe} cannot be run (no such file)")
    verdicts = _load_verdicts()
    known = verdicts.get(key)
    if isinstance(known, dict) and {"ok", "version", "note"} <= known.keys():
        return Verdict(bool(known["ok"]), str(known["version"]), str(known["note"]))
    verdict = self_test(exe)
    verdicts.pop(key, None)
    verdicts[key] = {"ok": verdict.ok, "version": verdict.version, "note": verdict.note}
    _save_verdicts(dict(list(verdicts.items())[-VERDICTS_KEPT:]))
    return verdict


def self_test(exe: str) -> Verdict:
    """Run `exe` -version, then the encoder's command (ffmpeg/graph.py) on a test tone."""
    version = read_version(exe)
    if version is None:
        return Verdict(False, "unknown", f"{exe} -version did not answer as ffmpeg does")
    ok, note = _encode_tone(exe)
    log.debug("ffmpeg self-test of %s (%s): %s", exe, version, note)
    return Verdict(ok, version, note)


def _encode_tone(exe: str) -> tuple[bool, str]:
    """(whether `exe` encoded the test tone and measured its loudness and true peak right,
    what it found)."""
    import tempfile


    tone, expected_lufs, expected_peak = graph.test_tone()
    with tempfile.TemporaryDirectory(prefix="audioguide-ffmpeg-test-") as folder:
        path = Path(folder) / "tone.mp3"
        args = graph.encoder_arguments(path, graph.SELF_TEST_RATE, "mp3", "64k", -1.0)
        try:
            done = subprocess.run([exe, *args], input=tone, capture_output=True, check=False,
                                  timeout=SELF_TEST_TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as exc:
            return False, f"the encoder's command could not run ({exc})"
        stderr = done.stderr.decode("utf-8", "replace")
        if done.returncode != 0 or graph.output_failure(stderr):
            return False, f"the encoder's command failed: {graph.last_line(done.stderr)}"
        if not path.is_file() or path.stat().st_size == 0:
            return False, "the encoder's command wrote no audio file"
    return graph.judge_tone(stderr, expected_lufs, expected_peak)


def read_version(exe: str) -> str | None:
    """The version ffmpeg prints first ("ffmpeg version 5.1.9-0+deb12u1 ..."), or None."""
    try:
        done = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True,
                              timeout=VERSION_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"ffmpeg version (\S+)", done.stdout.decode("utf-8", "replace"))
    return match.group(1) if done.returncode == 0 and match else None


def _binary_key(exe: str) -> str | None:
    """path|mtime|size of the real file|the graph tested: a rebuilt or upgraded binary, or a
    new encoder graph (another limiter, another meter), is tested again."""
    path = shutil.which(exe) or exe
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except OSError:
        return None
    return f"{real}|{st.st_mtime_ns}|{st.st_size}|{_graph_id()}"


def _graph_id() -> str:
    """A short hash of the command the self-test runs (ffmpeg/graph.py's encoder arguments)."""
    import hashlib


    args = graph.encoder_arguments(Path("tone.mp3"), graph.SELF_TEST_RATE, "mp3", "64k", -1.0)
    return hashlib.sha256(" ".join(args).encode()).hexdigest()[:12]


def verdicts_path() -> Path:
    """ffmpeg-verdicts.json in AUDIOGUIDE_CACHE_DIR, or in the user cache folder."""
    env = os.environ.get("AUDIOGUIDE_CACHE_DIR")
    if env:
        return Path(env) / VERDICTS_FILE
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("audioguide")) / VERDICTS_FILE


def _load_verdicts() -> dict:
    try:
        data = json.loads(verdicts_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_verdicts(verdicts: dict) -> None:
    """Written whole to a temporary file and renamed; an unwritable cache folder only means
    testing again next time."""
    path = verdicts_path()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(verdicts, indent=1), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        log.debug("cannot remember the ffmpeg verdict in %s: %s", path, exc)
        with contextlib.suppress(OSError):
            temporary.unlink()
