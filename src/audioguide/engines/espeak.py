"""eSpeak NG: offline, about 100 languages, plain but always there.

Each sentence is one `espeak-ng --stdin --stdout` process (about 15 ms of start-up); the text goes
in on standard input, so a sentence starting with "-" is never read as an option. `jobs`
processes run at once (threads only wait on them).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
import wave

from ..errors import EngineError, EngineUnavailable
from ..models import Clip
from ..settings import Settings
from .base import Engine

DEFAULT_WPM = 175  # espeak-ng's own default speed
MISSING = "espeak-ng is not installed: run script/bootstrap or `apt-get install espeak-ng`"
# Used when espeak-ng cannot list its voices (its usual languages, 1.51).
BUILTIN_LANGUAGES = (
    "af", "am", "an", "ar", "as", "az", "ba", "be", "bg", "bn", "bpy", "bs", "ca", "chr", "cmn",
    "cs", "cv", "cy", "da", "de", "el", "en", "en-029", "en-gb", "en-gb-scotland",
    "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-gb-x-rp", "en-us", "eo", "es", "es-419", "et", "eu",
    "fa", "fa-latn", "fi", "fr", "fr-be", "fr-ch", "ga", "gd", "gn", "grc", "gu", "hak", "haw",
    "he", "hi", "hr", "ht", "hu", "hy", "hyw", "ia", "id", "io", "is", "it", "ja", "jbo", "ka",
    "kk", "kl", "kn", "ko", "kok", "ku", "ky", "la", "lfn", "lt", "ltg", "lv", "mi", "mk", "ml",
    "mr", "ms", "mt", "my", "nb", "nci", "ne", "nl", "nog", "om", "or", "pa", "pap", "pl", "pt",
    "pt-br", "py", "qdb", "qu", "quc", "qya", "ro", "ru", "ru-lv", "sd", "shn", "si", "sjn", "sk",
    "sl", "smj", "sq", "sr", "sv", "sw", "ta", "te", "th", "tk", "tn", "tr", "tt", "ug", "uk",
    "ur", "uz", "vi", "vi-vn-x-central", "vi-vn-x-south", "yue", "zh",
)

_languages: list[str] | None = None
_languages_lock = threading.Lock()


def espeak_exe() -> str | None:
    """The espeak-ng (or espeak) binary on PATH, or None."""
    return shutil.which("espeak-ng") or shutil.which("espeak")


def parse_voices(listing: str) -> list[str]:
    """Language tags from `espeak-ng --voices` output: each voice's language and the other
    languages it reads ("(en 2)(fr 5)"), so "en" and "fr" are there beside "en-gb", "fr-fr"."""
    tags: list[str] = []
    for line in listing.splitlines()[1:]:
        columns = line.split()
        if len(columns) < 2:
            continue
        found = [columns[1], *re.findall(r"\(([A-Za-z0-9-]+) \d+\)", line)]
        tags += [tag for tag in found if tag not in tags]
    return sorted(tags)


def wav_to_pcm(data: bytes) -> tuple[bytes, int]:
    """(16-bit mono PCM, sample rate) from the WAV espeak writes to a pipe (its sizes are bogus)."""
    with wave.open(io.BytesIO(data)) as reader:
        if reader.getsampwidth() != 2 or reader.getnchannels() != 1:
            raise ValueError(
                f"unexpected WAV: {reader.getnchannels()} channels, {reader.getsampwidth()} bytes"
            )
        rate = reader.getframerate()
        pcm = reader.readframes(reader.getnframes())
    return pcm[: len(pcm) // 2 * 2], rate


class EspeakEngine(Engine):
    name = "espeak"
    offline = True
    default_jobs = 2

    def __init__(self, settings: Settings, lang: str):
        super().__init__(settings, lang or "en")
        self.voice = settings.voice or self.lang

    def voice_name(self) -> str:
        return self.voice

    def version(self) -> str:
        exe = espeak_exe()
        if exe is None:
            return "missing"
        try:
            out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10,
                                 check=False)
        except (OSError, subprocess.SubprocessError):
            return "unknown"
        words = out.stdout.split()
        # "eSpeak NG text-to-speech: 1.51  Data at: ..."
        for index, word in enumerate(words):
            if word.endswith("text-to-speech:") and index + 1 < len(words):
                return words[index + 1]
        return out.stdout.strip()[:40] or "unknown"

    def credit(self) -> str:
        return f"eSpeak NG {self.version()}, voice {self.voice_name()} (GPL-3.0-or-later)"

    def words_per_minute(self) -> int:
        return max(80, min(450, round(DEFAULT_WPM * self.settings.rate)))

    @classmethod
    def languages(cls) -> list[str]:
        global _languages
        with _languages_lock:
            if _languages is None:
                found: list[str] = []
                exe = espeak_exe()
                if exe is not None:
                    try:
                        done = subprocess.run([exe, "--voices"], capture_output=True,
                                              text=True, timeout=20, check=False)
                        found = parse_voices(done.stdout)
                    except (OSError, subprocess.SubprocessError):
                        found = []
                _languages = found or list(BUILTIN_LANGUAGES)
            return list(_languages)

    @classmethod
    def available(cls) -> str | None:
        return None if espeak_exe() else MISSING

    def start(self) -> None:
        if espeak_exe() is None:
            raise EngineUnavailable(MISSING)

    def synthesize(self, text: str) -> Clip:
        exe = espeak_exe()
        if exe is None:
            raise EngineUnavailable(MISSING)
        if not text.strip():
            return Clip(b"", 22050)
        args = [exe, "--stdin", "--stdout", "-b", "1", "-v", self.voice,
                "-s", str(self.words_per_minute())]
        done = subprocess.run(args, input=text.encode("utf-8"), capture_output=True,
                              check=False)
        stderr = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode != 0 or not done.stdout:
            reason = stderr.splitlines()[-1] if stderr else f"exit status {done.returncode}"
            raise EngineError(
                f"espeak-ng could not read {text[:40]!r} with voice {self.voice!r} ({reason});"
                " see `audioguide voices` for the languages it speaks"
            )
        try:
            pcm, rate = wav_to_pcm(done.stdout)
        except (wave.Error, EOFError, ValueError) as exc:
            raise EngineError(f"espeak-ng wrote audio that cannot be read ({exc})") from None
        return Clip(pcm, rate)
