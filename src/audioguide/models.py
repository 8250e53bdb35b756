"""The data that flows through a build: frozen dataclasses, no I/O.

source --read--> Article --speech--> Utterance --engine--> Clip --assemble--> Timeline
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, Protocol


class StrEnum(str, Enum):
    """enum.StrEnum for Python 3.10: members are their string values (JSON, f-strings, ==)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class BlockKind(StrEnum):
    """Kinds of Block inside a section."""

    PARAGRAPH = "paragraph"
    ITEM = "item"  # one list item; Block.level is its nesting depth (0 = top level)
    QUESTION = "question"  # an FAQ question (spoken as a question, with a pause after)
    QUOTE = "quote"
    CODE = "code"  # shown in the transcript, not spelled out: Block.spoken holds a short note
    TABLE = "table"  # Block.spoken holds the table read row by row
    SUBHEADING = "subheading"  # a heading below chapter level: stays inside its chapter
    LEADIN = "leadin"  # the line that introduces a list ("Exercises for the core:")
    NOTE = "note"  # a footnote or endnote: read at the end of its section, or skipped
    ASIDE = "aside"  # an aside or pull quote: it repeats the text, skipped unless kept
    FIGURE = "figure"  # a figure's caption or alt text: announced ("Figure: ...")
    MATH = "math"  # a formula: shown in the transcript, Block.spoken holds a short note


class CueKind(StrEnum):
    """Kinds of Utterance and Cue: what the transcript and the page do with each."""

    INTRO = "intro"  # the episode's opening announcement
    HEADING = "heading"  # a chapter's title
    SENTENCE = "sentence"
    ITEM = "item"  # a list item
    QUESTION = "question"  # an FAQ question


class Role(StrEnum):
    """The parts of an article that `--role-voice ROLE=VOICE` can give a second voice."""

    QUESTION = "question"  # an FAQ's questions
    QUOTE = "quote"  # blockquotes
    HEADING = "heading"  # chapter titles and subheadings
    NOTE = "note"  # footnotes and endnotes, read at the end of their section
    ASIDE = "aside"  # asides and pull quotes that are kept


class EngineName(StrEnum):
    AUTO = "auto"
    GTTS = "gtts"
    PIPER = "piper"
    ESPEAK = "espeak"


class AudioFormat(StrEnum):
    MP3 = "mp3"
    M4B = "m4b"


# The module-level names the readers use.
PARAGRAPH = BlockKind.PARAGRAPH
ITEM = BlockKind.ITEM
QUESTION = BlockKind.QUESTION
QUOTE = BlockKind.QUOTE
CODE = BlockKind.CODE
TABLE = BlockKind.TABLE
SUBHEADING = BlockKind.SUBHEADING
LEADIN = BlockKind.LEADIN


@dataclass(frozen=True)
class Block:
    """One unit of body text: a paragraph, a list item, an FAQ question..."""

    kind: BlockKind
    text: str  # the original text, as shown in the transcript
    level: int = 0
    spoken: str | None = None  # what to say instead of `text` (code, tables); None: derive it
    # The block's language when it differs from the article's (`<p lang="fr">`), else None.
    lang: str | None = None
    # Phrases inside `text` marked with another language: (phrase as in text, BCP 47 tag).
    langs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Skipped:
    """Something in a section that is not read aloud, so the transcript and page can list it."""

    kind: str  # "notes", "aside", "hidden", "clutter", "figure"... (a short lower-case word)
    text: str  # what it said, as shown (may be shortened)
    words: int = 0


@dataclass(frozen=True)
class Section:
    """A chapter: its heading and its blocks. The opening section has title ""."""

    title: str
    blocks: tuple[Block, ...] = ()
    skipped: tuple[Skipped, ...] = ()  # what the reader or the settings left out, in order


@dataclass(frozen=True)
class Article:
    title: str
    sections: tuple[Section, ...]
    byline: str = ""  # the author's name, without "By"
    category: str = ""
    lang: str | None = None  # from the document (HTML lang, front matter), if it says
    date: str | None = None  # ISO 8601 date from front matter or the page, if any
    description: str = ""
    reading_time: str = ""  # as written ("5 min read")
    source: str = ""  # the path or URL it was read from
    # Stable identity of the article for feed guids and folder reuse (URL or canonical path).
    identity: str = ""
    image: str | None = None


@dataclass(frozen=True)
class LangSpan:
    """Characters [start, end) of a cue's shown text in another language (WCAG 3.1.2)."""

    start: int
    end: int
    lang: str  # BCP 47 tag, as marked in the article ("fr", "de-CH")
    voice: str = ""  # the voice that read it, as recorded in the manifest ("" in a plan)


# One part of an utterance said by one voice: (spoken text, language, or None: the main voice).
SpokenPart = tuple[str, str | None]


@dataclass(frozen=True)
class Utterance:
    """One synthesis: a sentence, a list item, a heading or an announcement."""

    shown: str  # the text shown in the transcript
    spoken: str  # the text the engine says
    pause_after: int  # milliseconds of silence after it
    section: int  # index into the episode's chapters
    kind: CueKind = CueKind.SENTENCE
    paragraph_end: bool = False  # last sentence of a block: the .txt transcript breaks here
    # With a part in another language: `spoken` cut into parts, " ".join of their texts is
    # `spoken`; each part is said by the voice of its language. () when one voice says it all.
    parts: tuple[SpokenPart, ...] = ()
    langs: tuple[LangSpan, ...] = ()  # the parts of `shown` in another language
    role: Role | None = None  # what part of the article it reads, for --role-voice


@dataclass(frozen=True)
class VoiceCredit:
    """A voice as its credit names it: the licence and the dataset from its model card."""

    engine: str  # "piper", "espeak", "gtts"
    key: str  # the voice: a Piper key ("en_US-joe-medium"), an espeak voice ("en-us")
    licence: str | None = None  # as the model card writes it ("CC BY 4.0", a URL); None: unknown
    source: str | None = None  # the dataset's URL, from the model card


@dataclass(frozen=True)
class Chapter:
    title: str
    start_ms: int
    end_ms: int
    # What its section left out (see readers.roles.listing: hidden text and clutter by kind
    # and word count only), for the .txt transcript, the page and the EPUB; never spoken.
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True)
class Word:
    """One word of a cue's shown text and when it is spoken (ms from the start of the audio)."""

    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str  # the shown text
    section: int
    kind: CueKind = CueKind.SENTENCE
    paragraph_end: bool = False
    # The words of `text` (text.split()), each with its time: empty when not known.
    words: tuple[Word, ...] = ()
    words_estimated: bool = False  # the engine gave no timings: shares of the clip
    langs: tuple[LangSpan, ...] = ()  # the parts of `text` in another language


class TimedText(Protocol):
    """What the transcripts need of a cue: models.Cue and manifest.CueRecord both have it."""

    @property
    def start_ms(self) -> int: ...
    @property
    def end_ms(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def section(self) -> int: ...
    @property
    def kind(self) -> CueKind: ...
    @property
    def paragraph_end(self) -> bool: ...
    @property
    def words(self) -> Sequence[Word]: ...
    @property
    def langs(self) -> Sequence[LangSpan]: ...


@dataclass(frozen=True)
class Timeline:
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    duration_ms: int


@dataclass
class Loudness:
    """What was measured on the finished episode; None (with `reason`) when it could not be."""

    integrated_lufs: float | None = None
    true_peak_dbtp: float | None = None
    measured: str | None = None  # how and where it was measured
    reason: str | None = None  # why a figure is None

    def __post_init__(self) -> None:
        """Strict JSON has no NaN or Infinity: a figure that is not finite is None."""
        for name in ("integrated_lufs", "true_peak_dbtp"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                setattr(self, name, None)
                self.reason = self.reason or f"{self.measured or 'the meter'} gave {value}"

    def to_json(self) -> dict[str, Any]:
        """The figures (None as null), and `measured` and `reason` when they are set."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) is not None
                or f.name in ("integrated_lufs", "true_peak_dbtp")}


@dataclass(frozen=True)
class EpisodeResult:
    """What a build made, as the CLI reports it."""

    slug: str
    folder: str
    audio_path: str
    duration_ms: int
    chapters: tuple[Chapter, ...]
    engine: str
    voice: str
    synthesized: int
    cached: int
    skipped: bool = False  # nothing changed: outputs left untouched
    loudness: Loudness = field(default_factory=Loudness)


@dataclass(frozen=True)
class Clip:
    """Synthesized speech for one utterance: 16-bit mono PCM at `rate` Hz.

    `words`, when the engine knows them: for each word of the spoken text (spoken.split()),
    its (start, end) in samples of `pcm`. None: the engine gave no timings."""

    pcm: bytes
    rate: int
    words: tuple[tuple[int, int], ...] | None = None

    @property
    def duration_ms(self) -> float:
        return len(self.pcm) / 2 / self.rate * 1000
