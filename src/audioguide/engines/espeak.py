"""eSpeak NG: offline, about 100 languages, plain but always there.

Where it comes from, in this order: Debian's espeak-ng (script/bootstrap: `apt-get install
espeak-ng`, which brings libespeak-ng), else the espeakng-loader package from PyPI (it ships
libespeak-ng and its data), else an `espeak-ng` command alone.

With a library, each of `jobs` worker processes loads it once through ctypes and synthesizes
sentence after sentence in memory (libespeak-ng keeps global state: one voice per process);
that is about twice as fast as a process per sentence, which matters for book-length articles.
With the command alone, each sentence is one `espeak-ng --stdin --stdout` process; the text goes
in on standard input, so a sentence starting with "-" is never read as an option. Both add no
pause at the end (-z): the pipeline sets the pauses. Library and command give the same samples.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import io
import re
import shutil
import subprocess
import threading
import wave
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..alignment import event_spans
from ..errors import EngineError, EngineUnavailable
from ..models import Clip, EngineName
from ..settings import Settings
from .base import Engine, exit_with_parent, package_version, pooled_clips, worker_context
from .ipa import check_lexicon, espeak_text, espeak_unknown

DEFAULT_WPM = 175  # espeak-ng's own default speed
MISSING = ("espeak-ng is not installed: run script/bootstrap or `apt-get install espeak-ng`"
           " (or `pip install espeakng-loader`)")
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


@dataclass(frozen=True)
class Backend:
    kind: str  # "system" (library from the OS) | "package" (espeakng-loader) | "command"
    library: str = ""  # the libespeak-ng to load; "" for "command"
    data_parent: str | None = None  # the folder holding espeak-ng-data; None: the library's own


@functools.cache
def _system_library() -> str | None:
    """The system's libespeak-ng, found once per process (find_library runs `ldconfig -p`:
    0.3 to 0.5 s of a short espeak build when it ran for every engine made)."""
    found = ctypes.util.find_library("espeak-ng")
    candidates = [found] if found else []
    candidates += ["libespeak-ng.so.1", "libespeak-ng.dylib"]
    for name in candidates:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return name
    return None


def backend() -> Backend | None:
    """How espeak-ng runs here, or None when it cannot (see MISSING)."""
    exe = espeak_exe()
    library = _system_library()
    if library and exe:  # the apt package: library, data and command agree
        return Backend("system", library)
    try:
        import espeakng_loader
    except ImportError:
        espeakng_loader = None
    if espeakng_loader is not None:
        try:
            data = Path(espeakng_loader.get_data_path())
            library_file = espeakng_loader.get_library_path()
        except (RuntimeError, OSError):
            library_file = None
        if library_file and Path(library_file).is_file():
            return Backend("package", library_file, str(data.parent))
    if exe:
        return Backend("command")
    if library:
        return Backend("system", library)
    return None


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


def data_languages(data_dir: Path) -> list[str]:
    """Language tags from the voice files in espeak-ng-data/lang (their `language` lines)."""
    tags: set[str] = set()
    for path in (data_dir / "lang").rglob("*"):
        if not path.is_file():
            continue
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            words = line.split()
            if len(words) >= 2 and words[0] == "language":
                tags.add(words[1].lower())
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


# -- the library, in worker processes ----------------------------------------------------------
_CHARS_UTF8 = 1
_PHONEMES = 0x100  # espeakPHONEMES: [[...]] holds phoneme names (made from a lexicon's IPA)
_RATE_PARAMETER = 1  # espeakRATE
_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS
_WORD_EVENT = 1  # espeakEVENT_WORD


class _Event(ctypes.Structure):
    """espeak_EVENT (speak_lib.h): for a word, its character position and its sample."""

    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint),
                ("text_position", ctypes.c_int), ("length", ctypes.c_int),
                ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                             ctypes.POINTER(_Event))


def library_version(path: str) -> str:
    """libespeak-ng's own version ("1.51"), without starting it."""
    lib = ctypes.CDLL(path)
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    return (lib.espeak_Info(None) or b"unknown").decode("ascii", "replace").split("-")[0]


class _VoiceSpec(ctypes.Structure):
    """espeak_VOICE: a voice asked for by its properties (here: its language)."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


def _set_voice_by_language(lib: ctypes.CDLL, language: str) -> bool:
    """Select the voice for a language tag ("en-gb" is a language; its voice is named
    "English_(Great_Britain)"), as `espeak-ng -v en-gb` does. True if espeak took it."""
    spec = _VoiceSpec(None, language.encode("utf-8"), None, 0, 0, 0, 0, 0, None)
    lib.espeak_SetVoiceByProperties.argtypes = [ctypes.POINTER(_VoiceSpec)]
    return lib.espeak_SetVoiceByProperties(ctypes.byref(spec)) == 0


class EspeakLibrary:
    """One started libespeak-ng in this process (its state is global: one per process)."""

    def __init__(self, path: str, data_parent: str | None, voice: str, wpm: int):
        self.lib = lib = ctypes.CDLL(path)
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                          ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint,
                                     ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                     ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        folder = data_parent.encode() if data_parent else None
        self.rate = lib.espeak_Initialize(_SYNCHRONOUS, 0, folder, 0)
        if self.rate <= 0:
            raise EngineError(f"libespeak-ng ({path}) could not start: reinstall espeak-ng")
        self._chunks: list[bytes] = []
        self._words: list[tuple[int, int]] = []  # (character position, sample) of each word

        def collect(wav: ctypes._Pointer[ctypes.c_short], count: int,
                    events: ctypes._Pointer[_Event]) -> int:
            if wav and count > 0:
                self._chunks.append(ctypes.string_at(wav, count * 2))
            index = 0
            while events and events[index].type != 0:  # espeakEVENT_LIST_TERMINATED
                event = events[index]
                if event.type == _WORD_EVENT:
                    self._words.append((event.text_position, event.sample))
                index += 1
            return 0

        self._callback = _CALLBACK(collect)  # kept: ctypes must not free it
        lib.espeak_SetSynthCallback(self._callback)
        if lib.espeak_SetVoiceByName(voice.encode("utf-8")) != 0 and not _set_voice_by_language(
            lib, voice
        ):
            raise EngineError(
                f"espeak-ng has no voice {voice!r}; see `audioguide voices` for the languages"
                " it speaks"
            )
        lib.espeak_SetParameter(_RATE_PARAMETER, wpm, 0)

    def speak(self, text: str) -> tuple[bytes, tuple[tuple[int, int], ...] | None]:
        """The PCM of `text` and the spans of its words (from espeak's word events)."""
        self._chunks, self._words = [], []
        text = espeak_text(text)
        data = text.encode("utf-8") + b"\0"
        status = self.lib.espeak_Synth(data, len(data), 0, 1, 0, _CHARS_UTF8 | _PHONEMES, None,
                                       None)
        if status != 0:
            raise EngineError(f"libespeak-ng failed on {text[:40]!r} (status {status})")
        pcm = b"".join(self._chunks)
        return pcm, event_spans(text, self._words, len(pcm) // 2)


_worker: EspeakLibrary | None = None
_worker_error = ""


def _worker_init(path: str, data_parent: str | None, voice: str, wpm: int) -> None:
    global _worker, _worker_error
    exit_with_parent()
    try:
        _worker = EspeakLibrary(path, data_parent, voice, wpm)
    except (EngineError, OSError) as exc:  # reported by the first sentence, not a broken pool
        _worker_error = str(exc)


def _worker_speak(text: str) -> tuple[bytes, int, tuple[tuple[int, int], ...] | None]:
    if _worker is None:
        raise EngineError(_worker_error or "libespeak-ng did not start")
    pcm, words = _worker.speak(text)
    return pcm, _worker.rate, words


# -- the engine -------------------------------------------------------------------------------
class EspeakEngine(Engine):
    name = EngineName.ESPEAK
    offline = True
    worker_bytes = 40 * 1024 * 1024  # a worker with libespeak-ng loaded

    def __init__(self, settings: Settings, lang: str):
        super().__init__(settings, lang or "en")
        self.voice = settings.voice or self.lang
        self._pool: ProcessPoolExecutor | None = None
        self._start_lock = threading.Lock()

    def voice_name(self) -> str:
        return self.voice

    def version(self) -> str:
        found = backend()
        if found is None:
            return "missing"
        if found.kind == "package":
            return f"{library_version(found.library)}+espeakng-loader-" \
                   f"{package_version('espeakng-loader')}"
        exe = espeak_exe()
        return _command_version(exe) if exe else library_version(found.library)

    def credit(self) -> str:
        return f"eSpeak NG {self.version()}, voice {self.voice_name()} (GPL-3.0-or-later)"

    def sound_params(self) -> dict:
        # "words": clips carry word timings (entries made before them are not reused)
        return {"rate": self.settings.rate, "words": 1}

    def words_per_minute(self) -> int:
        return max(80, min(450, round(DEFAULT_WPM * self.settings.rate)))

    @classmethod
    def languages(cls) -> list[str]:
        global _languages
        with _languages_lock:
            if _languages is None:
                _languages = _find_languages() or list(BUILTIN_LANGUAGES)
            return list(_languages)

    @classmethod
    def available(cls) -> str | None:
        return None if backend() else MISSING

    def start(self) -> None:
        check_lexicon(self.settings.lexicon, espeak_unknown, f"espeak-ng voice {self.voice}")
        with self._start_lock:
            if self._pool is not None:
                return
            found = backend()
            if found is None:
                raise EngineUnavailable(MISSING)
            if found.kind == "command":
                self._check_voice_by_command()
                return  # one espeak-ng process per sentence
            self._pool = ProcessPoolExecutor(
                max_workers=max(1, self.jobs), mp_context=worker_context(),
                initializer=_worker_init,
                initargs=(found.library, found.data_parent, self.voice,
                          self.words_per_minute()),
            )
        try:  # a missing voice fails here, once, rather than in every sentence
            self._pool.submit(_worker_speak, "").result()
        except EngineError:
            self.close()
            raise

    def close(self) -> None:
        with self._start_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def synthesize(self, text: str) -> Clip:
        if not text.strip():
            return Clip(b"", 22050)
        if self._pool is None:
            found = backend()
            if found is None or found.kind != "command":
                self.start()  # library workers (or EngineUnavailable)
        pool = self._pool
        if pool is None:  # espeak-ng runs as a command here: one process per sentence
            return self.synthesize_by_command(text)
        return Clip(*pool.submit(_worker_speak, text).result())

    def synthesize_many(
        self, texts: Sequence[str], on_clip: Callable[[int, Clip], None] | None = None
    ) -> Iterator[Clip]:
        if self._pool is None:
            yield from super().synthesize_many(texts, on_clip)
            return
        yield from pooled_clips(self._pool, _worker_speak, texts, on_clip, 4 * self.jobs)

    def _check_voice_by_command(self) -> None:
        done = subprocess.run([_command(), "-q", "-v", self.voice, "x"], capture_output=True,
                              timeout=20, check=False)
        if b"does not exist" in done.stderr or done.returncode != 0:
            raise EngineError(
                f"espeak-ng has no voice {self.voice!r}; see `audioguide voices` for the"
                " languages it speaks"
            )

    def synthesize_by_command(self, text: str) -> Clip:
        """One `espeak-ng` process for `text` (the path without a library)."""
        args = [_command(), "--stdin", "--stdout", "-z", "-b", "1", "-v", self.voice,
                "-s", str(self.words_per_minute())]
        done = subprocess.run(args, input=espeak_text(text).encode("utf-8"), capture_output=True,
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


def _command() -> str:
    """The espeak-ng command; EngineUnavailable when there is none."""
    exe = espeak_exe()
    if exe is None:
        raise EngineUnavailable(MISSING)
    return exe


@functools.lru_cache(maxsize=4)
def _command_version(exe: str) -> str:
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


def _find_languages() -> list[str]:
    found = backend()
    if found is None:
        return []
    if found.kind == "package" and found.data_parent:
        return data_languages(Path(found.data_parent) / "espeak-ng-data")
    exe = espeak_exe()
    if exe is None:
        return []
    try:
        done = subprocess.run([exe, "--voices"], capture_output=True, text=True, timeout=20,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_voices(done.stdout)
