"""The utterance planner: Article -> Plan of Utterances (plan), and section_summary.

Pure and deterministic. Each sentence of a block becomes one Utterance (long ones split, see
MAX_SPOKEN_CHARS); chapter titles, the opening announcement and the pauses are added here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

from .. import langtag
from ..errors import SourceError
from ..models import Article, Block, BlockKind, CueKind, LangSpan, Role, SpokenPart, Utterance
from ..settings import Pauses, Settings
from .sentences import count_words, estimate_seconds, split_sentences
from .spoken import spoken_form

# No utterance's spoken text is longer than this: engines slow down, drift or cut off on very
# long inputs (gTTS splits at 100 characters itself), and one sentence is one transcript cue.
# Longer sentences are split at ";", ":" and ",", then between words, each piece its own
# Utterance (shown and spoken split alike); runs of over 40 characters without a space are
# said shortened (shorten_long_words), and anything still too long is cut at a space (_clip).
MAX_SPOKEN_CHARS = 400

# What a sentence is fitted to: a little below MAX_SPOKEN_CHARS, leaving room for words said
# around it ("Quote: ... End of quote.").
_SENTENCE_CHARS = MAX_SPOKEN_CHARS - 20

INTRODUCTION = "Introduction"


@dataclass(frozen=True)
class Plan:
    """What an episode says, in order: chapter titles and one Utterance per sentence."""

    chapter_titles: tuple[str, ...]
    utterances: tuple[Utterance, ...]


# --------------------------------------------------------------------------------------------
# Chapters and the section summary


def _block_text(block: Block) -> str:
    """The words of a block a listener hears (code and tables: their spoken note)."""
    return block.spoken if block.spoken is not None else block.text


def _chapters(article: Article) -> list[tuple[str, tuple[Block, ...], bool]]:
    """(chapter title, blocks, has a heading) for every section worth a chapter."""
    chapters = []
    for section in article.sections:
        title = " ".join(section.title.split())
        if not title and not section.blocks:
            continue
        chapters.append((title or INTRODUCTION, section.blocks, bool(title)))
    return chapters


def _article_words(article: Article) -> int:
    return sum(
        count_words(_block_text(block)) for _, blocks, _ in _chapters(article) for block in blocks
    )


def section_summary(article: Article, settings: Settings) -> dict:
    """{"title": str, "sections": [{"title", "words", "seconds"}]} for `audioguide sections`."""
    sections = []
    for title, blocks, _ in _chapters(article):
        words = sum(count_words(_block_text(block)) for block in blocks)
        seconds = round(estimate_seconds(words, settings.rate), 1)
        sections.append({"title": title, "words": words, "seconds": seconds})
    return {"title": article.title, "sections": sections}


# --------------------------------------------------------------------------------------------
# Fitting text to MAX_SPOKEN_CHARS


@dataclass(frozen=True)
class _Piece:
    shown: str
    spoken: str
    pause: int
    kind: CueKind
    paragraph_end: bool = False
    parts: tuple[SpokenPart, ...] = ()  # see Utterance.parts
    langs: tuple[LangSpan, ...] = ()
    role: Role | None = None  # see Utterance.role


# The role of each kind of block that --role-voice can read in another voice.
_BLOCK_ROLES = {BlockKind.QUESTION: Role.QUESTION, BlockKind.QUOTE: Role.QUOTE,
                BlockKind.SUBHEADING: Role.HEADING, BlockKind.NOTE: Role.NOTE,
                BlockKind.ASIDE: Role.ASIDE}


# What a note, a kept aside or a figure is introduced with (English).
_ROLE_LEADS = {BlockKind.NOTE: "", BlockKind.ASIDE: "Aside:", BlockKind.FIGURE: "Figure:"}

_SPLITTERS = (r"(?<=;)\s+", r"(?<=:)\s+", r"(?<=,)\s+", r"\s+")


def _fit(shown: str, speak: Callable[[str], str], limit: int, level: int = 0) -> list[str]:
    """Split `shown` into pieces whose spoken form is at most `limit` characters."""
    if len(speak(shown)) <= limit:
        return [shown]
    if level >= len(_SPLITTERS):
        return [shown]  # no space left to split at: _clip shortens what is said
    parts = [p for p in re.split(_SPLITTERS[level], shown) if p]
    if len(parts) == 1:
        return _fit(shown, speak, limit, level + 1)
    pieces: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current} {part}" if current else part
        if current and len(speak(candidate)) > limit:
            pieces.append(current)
            current = part
        else:
            current = candidate
    pieces.append(current)
    out: list[str] = []
    for piece in pieces:
        out.extend(_fit(piece, speak, limit, level + 1))
    return out


def _clip(spoken: str, limit: int) -> str:
    """Cut spoken text to `limit` characters at a space (a last resort: _fit splits first)."""
    if len(spoken) <= limit:
        return spoken
    cut = spoken[: limit + 1].rsplit(" ", 1)[0] if " " in spoken[:limit] else spoken[:limit]
    return cut.rstrip(" ,;:")


def _speakable(spoken: str) -> bool:
    return any(char.isalnum() for char in spoken)


def _with_words(parts: tuple[SpokenPart, ...], words: str, at_start: bool
                ) -> tuple[SpokenPart, ...]:
    """`parts` with words of the main voice ("Quote:") added at the start or the end."""
    if not parts:
        return parts
    if at_start:
        first, lang = parts[0]
        return ((f"{words} {first}", None), *parts[1:]) if lang is None else ((words, None),
                                                                              *parts)
    last, lang = parts[-1]
    return (*parts[:-1], (f"{last} {words}", None)) if lang is None else (*parts, (words, None))


# --------------------------------------------------------------------------------------------
# Language of parts (WCAG 3.1.2): phrases marked with another language


def marked_tags(text: str, block: Block, main: str) -> list[str | None]:
    """For each character of the whitespace-normalized `text`, the language it is marked with
    when that is not `main` (else None): the block's own language, then its marked phrases
    (Block.langs, each at its first occurrence after the phrase before it, else anywhere)."""
    base = None if not block.lang or langtag.same_language(block.lang, main) else block.lang
    tags: list[str | None] = [base] * len(text)
    cursor = 0
    for phrase, tag in block.langs:
        wanted = " ".join(phrase.split())
        if not wanted:
            continue
        start = text.find(wanted, cursor)
        if start < 0:
            start = text.find(wanted)
        if start < 0:
            continue
        end = start + len(wanted)
        tags[start:end] = [None if langtag.same_language(tag, main) else tag] * (end - start)
        cursor = end
    return tags


def lang_runs(text: str, tags: list[str | None]) -> list[tuple[int, int, str | None]]:
    """The runs of equal tags: (start, end, tag) covering `text`."""
    runs: list[tuple[int, int, str | None]] = []
    for index, tag in enumerate(tags[: len(text)]):
        if runs and runs[-1][2] == tag:
            runs[-1] = (runs[-1][0], index + 1, tag)
        else:
            runs.append((index, index + 1, tag))
    return runs


# --------------------------------------------------------------------------------------------
# Blocks and headings to pieces


class _Planner:
    """Turns blocks and headings into pieces, saying each distinct text once."""

    def __init__(self, settings: Settings, lang: str, lexicon: Mapping[str, str] | None):
        self.pauses = settings.pauses
        self.english = langtag.is_english(lang)
        self.lang = lang
        self.in_notes = False  # the last block planned was a note (one lead for a run of them)
        memo: dict[str, str] = {}

        def speak(text: str) -> str:
            if text not in memo:
                memo[text] = spoken_form(text, lang, lexicon)
            return memo[text]

        self.speak = speak
        # The block being planned, when it has parts in another language: its whitespace-
        # normalized text, the language of each character, and how far `say` has read.
        self.marks: tuple[str, list[str | None]] | None = None
        self.cursor = 0
        self._foreign: dict[tuple[str, str], str] = {}

    def speak_in(self, text: str, lang: str | None) -> str:
        """`text` said in `lang` (None: the article's language, with the lexicon): a part's
        normalization follows its own language, and the article's lexicon is not applied."""
        if lang is None:
            return self.speak(text).strip()
        if (text, lang) not in self._foreign:
            self._foreign[text, lang] = spoken_form(text, lang).strip()
        return self._foreign[text, lang]

    def marked_block(self, block: Block) -> list[_Piece]:
        """`block(block)` with the block's language and marked phrases in effect, each piece
        marked with the block's role (_BLOCK_ROLES)."""
        flat = " ".join(block.text.split())
        tags = marked_tags(flat, block, self.lang) if block.lang or block.langs else []
        if any(tags):
            self.marks, self.cursor = (flat, tags), 0
        try:
            pieces = self.block(block)
        finally:
            self.marks = None
        role = _BLOCK_ROLES.get(block.kind)
        return [replace(piece, role=role) for piece in pieces] if role else pieces

    def say(self, shown: str) -> tuple[str, tuple[SpokenPart, ...], tuple[LangSpan, ...]]:
        """What to say for `shown` (a piece of the block being planned): the spoken text, its
        parts by language (() when the main voice says it all) and the marked spans."""
        plain = self.speak(shown)
        if self.marks is None or not shown:
            return plain, (), ()
        flat, tags = self.marks
        start = flat.find(shown, self.cursor)
        start = flat.find(shown) if start < 0 else start
        if start < 0:
            return plain, (), ()
        self.cursor = start + len(shown)
        runs = lang_runs(shown, tags[start : start + len(shown)])
        langs = tuple(LangSpan(a, b, tag) for a, b, tag in runs if tag)
        parts = self.spoken_parts(shown, runs)
        if all(lang is None for _, lang in parts):
            return plain, (), langs
        return " ".join(text for text, _ in parts), parts, langs

    def spoken_parts(self, shown: str, runs: list[tuple[int, int, str | None]]
                     ) -> tuple[SpokenPart, ...]:
        """Each run of `shown` said in its language (same primary language as the article:
        the main voice); a run with nothing to say (a comma, a quotation mark) joins its
        neighbour, so punctuation stays with the words it follows."""
        main = langtag.primary(self.lang)
        segments: list[list] = []  # [text, language or None]
        for start, end, tag in runs:
            voice = tag if tag and langtag.primary(tag) != main else None
            text = shown[start:end]
            if segments and (segments[-1][1] == voice or not _speakable(text)):
                segments[-1][0] += text
            elif segments and not _speakable(segments[-1][0]):
                segments[-1] = [segments[-1][0] + text, voice]
            else:
                segments.append([text, voice])
        parts = [(self.speak_in(text, voice), voice) for text, voice in segments]
        return tuple((text, voice) for text, voice in parts if _speakable(text))

    def sentences(
        self, text: str, kind: CueKind, pause: int, prefix: str = "", suffix: str = "",
        said_as: str | None = None,
    ) -> list[_Piece]:
        """One piece per sentence (long ones split); the last gets `pause` and ends the block.
        `said_as` (Block.spoken of a paragraph: a `<time>` said from its datetime) is said
        instead of `text`, sentence for sentence, when the two split alike."""
        shown_parts: list[str] = []
        for sentence in split_sentences(text):
            shown_parts.extend(_fit(sentence, self.speak, _SENTENCE_CHARS))
        said = [self.say(part) for part in shown_parts]
        if said_as is not None and self.marks is None:
            alike = [p for s in split_sentences(said_as) for p in _fit(s, self.speak,
                                                                        _SENTENCE_CHARS)]
            if len(alike) == len(shown_parts):
                said = [(self.speak(part), (), ()) for part in alike]
        kept = [(shown, spoken if parts else _clip(spoken, _SENTENCE_CHARS), parts, langs)
                for shown, (spoken, parts, langs) in zip(shown_parts, said, strict=True)
                if _speakable(spoken)]
        pieces = []
        for index, (shown, spoken, parts, langs) in enumerate(kept):
            if index == 0 and prefix:
                spoken = f"{prefix} {spoken}"
                parts = _with_words(parts, prefix, at_start=True)
            last = index == len(kept) - 1
            if last and suffix:
                spoken = f"{spoken} {suffix}"
                parts = _with_words(parts, suffix, at_start=False)
            pieces.append(_Piece(shown, spoken, pause if last else self.pauses.sentence, kind,
                                 last, parts, langs))
        return pieces

    def spoken_note(self, block: Block) -> list[_Piece]:
        """Code and tables: shown as written, said as Block.spoken (split if it is long)."""
        if block.spoken is not None:
            note = block.spoken
        elif block.kind == BlockKind.CODE:
            note = "A code example, shown in the transcript." if self.english else ""
        else:
            note = block.text
        spoken = self.speak(note)
        if not _speakable(spoken):
            return []
        if len(spoken) <= MAX_SPOKEN_CHARS:
            return [_Piece(block.text, spoken, self.pauses.paragraph, CueKind.SENTENCE, True)]
        return self.sentences(note, CueKind.SENTENCE, self.pauses.paragraph)

    def block(self, block: Block) -> list[_Piece]:
        p = self.pauses
        said_as = block.spoken
        if block.kind == BlockKind.ITEM:
            return self.sentences(block.text, CueKind.ITEM, p.item, said_as=said_as)
        if block.kind == BlockKind.QUESTION:
            return self.sentences(block.text, CueKind.QUESTION, p.paragraph, said_as=said_as)
        if block.kind == BlockKind.QUOTE and self.english:
            return self.sentences(block.text, CueKind.SENTENCE, p.paragraph, "Quote:",
                                  "End of quote.", said_as)
        if block.kind in (BlockKind.CODE, BlockKind.TABLE):
            return self.spoken_note(block)
        if block.kind == BlockKind.SUBHEADING:
            return self.heading(block.text, CueKind.SENTENCE)
        if block.kind == BlockKind.MATH:
            return self.spoken_note(block)
        first_note, self.in_notes = not self.in_notes, block.kind == BlockKind.NOTE
        if self.english and block.kind in _ROLE_LEADS:
            lead = _ROLE_LEADS[block.kind]
            if block.kind == BlockKind.NOTE:  # the notes of a section follow its text
                lead = "Notes for this section:" if first_note else ""
            return self.sentences(block.text, CueKind.SENTENCE, p.paragraph, lead, "", said_as)
        # PARAGRAPH, LEADIN, QUOTE in other languages and any kind this module does not know
        return self.sentences(block.text, CueKind.SENTENCE, p.paragraph, said_as=said_as)

    def heading(self, text: str, kind: CueKind = CueKind.HEADING) -> list[_Piece]:
        """A title, said with a falling tone and followed by the heading pause."""
        spoken, parts, langs = self.say(text)
        if not _speakable(spoken):
            return []
        if spoken[-1] not in ".!?":
            spoken += "."  # a falling tone: said as a title, not as the start of a sentence
            if parts:
                parts = (*parts[:-1], (parts[-1][0] + ".", parts[-1][1]))
        if len(spoken) > MAX_SPOKEN_CHARS:
            return [replace(piece, role=Role.HEADING)
                    for piece in self.sentences(text, kind, self.pauses.heading)]
        return [_Piece(text, spoken, self.pauses.heading, kind, True, parts, langs,
                       Role.HEADING)]


# --------------------------------------------------------------------------------------------
# The plan


class _Chapter(NamedTuple):
    title: str
    titled: bool  # has a heading of its own (the opening section has not)
    body: list[list[_Piece]]  # the pieces of each block that has something to say


def _spoken_chapters(article: Article, planner: _Planner) -> list[_Chapter]:
    """The chapters with something to say. Raises SourceError if there are none."""
    chapters = []
    for title, blocks, titled in _chapters(article):
        planner.in_notes = False
        body = [pieces for pieces in (planner.marked_block(block) for block in blocks) if pieces]
        heading_speakable = titled and _speakable(planner.speak(title))
        if body or heading_speakable:
            chapters.append(_Chapter(title, titled, body))
    if not chapters:
        where = article.source or article.title or "article"
        raise SourceError(
            f"{where}: nothing to read aloud; give it an article with sentences of text"
        )
    return chapters


def _with_headings(
    chapters: list[_Chapter], planner: _Planner, announce: bool
) -> list[list[_Piece]]:
    """Each chapter's pieces: its spoken title ("Section 3 of 8: ..."), then its blocks."""
    titled_total = sum(1 for chapter in chapters if chapter.titled)
    out: list[list[_Piece]] = []
    number = 0
    for title, titled, body in chapters:
        pieces: list[_Piece] = []
        if titled:
            number += 1
            if not announce:
                pieces.extend(planner.heading(title))
            elif planner.english:
                pieces.extend(planner.heading(f"Section {number} of {titled_total}: {title}"))
            else:
                pieces.extend(planner.heading(f"{number}/{titled_total}: {title}"))
        for block_pieces in body:
            pieces.extend(block_pieces)
        out.append(pieces)
    return out


def _intro(article: Article, planner: _Planner, settings: Settings, sections: int) -> list[_Piece]:
    """The opening announcement ("Title, by Author. 3 sections, about 5 minutes.")."""
    seconds = estimate_seconds(_article_words(article), settings.rate)
    intro = _intro_sentence(article, sections, seconds, planner.english)
    spoken = planner.speak(intro)
    if not _speakable(spoken):
        return []
    if len(spoken) <= MAX_SPOKEN_CHARS:
        return [_Piece(intro, spoken, settings.pauses.intro, CueKind.INTRO, True)]
    return planner.sentences(intro, CueKind.INTRO, settings.pauses.intro)


def _disclosure(planner: _Planner, settings: Settings, shown: str,
                spoken: str | None) -> list[_Piece]:
    """The sentence saying a synthetic voice reads the episode, as one intro piece."""
    shown = " ".join(shown.split())
    said = spoken if spoken is not None else planner.speak(shown)
    if not _speakable(said):
        return []
    if len(said) <= MAX_SPOKEN_CHARS:
        return [_Piece(shown, said, settings.pauses.intro, CueKind.INTRO, True)]
    return planner.sentences(shown, CueKind.INTRO, settings.pauses.intro)


def _minutes_phrase(seconds: float) -> str:
    if seconds < 45:
        return "less than a minute"
    minutes = max(1, round(seconds / 60))
    return "about 1 minute" if minutes == 1 else f"about {minutes} minutes"


def _intro_sentence(article: Article, sections: int, seconds: float, english: bool) -> str:
    title = " ".join(article.title.split()).rstrip(".")
    byline = " ".join(article.byline.split())
    if not english:
        return ". ".join(part for part in (title, byline) if part) + "."
    if title and byline:
        opening = f"{title} By {byline}." if title[-1] in "?!" else f"{title}, by {byline}."
    elif title or byline:
        opening = title if title[-1:] in ("?", "!") else f"{title or byline}."
    else:
        opening = ""
    counts = f"{sections} section{'s' if sections != 1 else ''}, " if sections else ""
    summary = f"{counts}{_minutes_phrase(seconds)}."
    summary = summary[0].upper() + summary[1:]
    return f"{opening} {summary}".strip()


def _utterances(chapters: list[list[_Piece]], pauses: Pauses) -> tuple[Utterance, ...]:
    """The pieces as Utterances: a chapter's last piece ends its paragraph and gets the
    section pause (none after the very last)."""
    utterances: list[Utterance] = []
    for index, pieces in enumerate(chapters):
        for position, piece in enumerate(pieces):
            pause = piece.pause
            if position == len(pieces) - 1:
                pause = 0 if index == len(chapters) - 1 else pauses.section
            utterances.append(
                Utterance(
                    shown=piece.shown,
                    spoken=piece.spoken,
                    pause_after=pause,
                    section=index,
                    kind=piece.kind,
                    paragraph_end=piece.paragraph_end or position == len(pieces) - 1,
                    parts=piece.parts,
                    langs=piece.langs,
                    role=piece.role,
                )
            )
    return tuple(utterances)


def plan(
    article: Article,
    settings: Settings,
    lang: str,
    lexicon: Mapping[str, str] | None = None,
    disclosure: tuple[str, str | None] | None = None,
) -> Plan:
    """The utterances of an episode, in order, with their chapters. Pure and deterministic.

    Opening announcement (settings.intro_summary), then per chapter: its spoken title
    ("Section 3 of 8: ..." with settings.announce), then one utterance per sentence of its
    blocks. Pauses come from settings.pauses. Text with nothing to say (emoji, symbols) is
    dropped; chapters left with nothing are dropped. No spoken text exceeds MAX_SPOKEN_CHARS.
    `disclosure` (shown, spoken; spoken None: said as written) opens the episode, before
    the announcement: that a synthetic voice reads it, and which.
    Raises SourceError when the article has nothing to read aloud.
    """
    planner = _Planner(settings, lang, lexicon)
    chapters = _spoken_chapters(article, planner)
    pieces = _with_headings(chapters, planner, settings.announce)
    if settings.intro_summary:
        titled_total = sum(1 for chapter in chapters if chapter.titled)
        pieces[0][:0] = _intro(article, planner, settings, titled_total)
    if disclosure is not None:
        pieces[0][:0] = _disclosure(planner, settings, *disclosure)
    return Plan(
        chapter_titles=tuple(chapter.title for chapter in chapters),
        utterances=_utterances(pieces, settings.pauses),
    )
