"""Transcripts from the timeline: WebVTT, SRT, plain text and the Podcasting 2.0 JSON.

Pure functions: a Timeline (and the titles) in, text out. Cue times come from the real clip
lengths, so they agree with the audio.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from ..models import Chapter, Skipped, TimedText

LINE_WIDTH = 42  # characters per caption line (the usual subtitle guideline)


def clock(ms: int, separator: str = ".") -> str:
    hours, rest = divmod(max(0, int(ms)), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def caption_lines(text: str) -> list[str]:
    flat = " ".join(text.split())
    return textwrap.wrap(flat, LINE_WIDTH, break_long_words=True, break_on_hyphens=False) or [""]


def vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


LANG_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def lang_marks(cue: TimedText) -> tuple[dict[int, str], set[int]]:
    """Where the cue's parts in another language open (offset -> tag) and close, as offsets
    into its whitespace-normalized text; none when a tag is not a well-formed BCP 47 tag or
    the spans do not fit the text."""
    flat = " ".join(cue.text.split())
    opens: dict[int, str] = {}
    closes: set[int] = set()
    if flat != cue.text:
        return opens, closes
    for span in cue.langs:
        if LANG_TAG.fullmatch(span.lang) and 0 <= span.start < span.end <= len(flat):
            opens[span.start] = span.lang
            closes.add(span.end)
    return opens, closes


def lang_segments(cue: TimedText) -> list[tuple[str, str | None]]:
    """The cue's whitespace-normalized text cut where its language changes: (text, BCP 47
    tag, or None for the episode's language), for markup that wraps each part in a `lang`."""
    flat = " ".join(cue.text.split())
    opens, closes = lang_marks(cue)
    cuts = sorted({0, len(flat), *opens, *closes})
    segments: list[tuple[str, str | None]] = []
    tag = None
    for start, end in zip(cuts, cuts[1:], strict=False):
        tag = opens.get(start, None if start in closes else tag)
        segments.append((flat[start:end], tag))
    return segments


def word_langs(cue: TimedText) -> list[str | None]:
    """For each word of the cue's text (text.split()), the language of its first letter or
    digit ('"trois' is French when "trois" is marked; None: the episode's language)."""
    chars: list[str | None] = []
    for text, tag in lang_segments(cue):
        chars += [tag] * len(text)
    tags, position = [], 0
    for word in cue.text.split():
        first = next((i for i, char in enumerate(word) if char.isalnum()), 0)
        tags.append(chars[position + first] if position + first < len(chars) else None)
        position += len(word) + 1
    return tags


def _word_starts(cue: TimedText, flat: str) -> dict[int, int]:
    """Character offset in `flat` of each word -> its start (ms); {} when words are unknown."""
    words = list(cue.words)
    if len(words) != len(flat.split()):
        return {}
    starts, position = {}, 0
    for word in words:
        starts[position] = word.start_ms
        position += len(word.text) + 1
    return starts


def timed_lines(cue: TimedText) -> list[str]:
    """The cue's caption lines, escaped, with a WebVTT timestamp before each word that starts
    after the one before it (karaoke-style cues: `<00:01:02.345>word`), and its parts in
    another language inside `<lang fr>...</lang>` (closed at the end of a line and opened
    again on the next). The spec wants each timestamp after the cue's start, after the
    previous one and before the cue's end."""
    flat = " ".join(cue.text.split())
    starts = _word_starts(cue, flat)
    opens, closes = lang_marks(cue)
    out, position, last, tag = [], 0, cue.start_ms, None
    for line in caption_lines(cue.text):
        position = flat.index(line, position)
        pieces = [f"<lang {tag}>"] if tag else []
        for offset, char in enumerate(line):
            if tag and position + offset in closes:
                pieces.append("</lang>")
                tag = None
            if position + offset in opens:
                tag = opens[position + offset]
                pieces.append(f"<lang {tag}>")
            start = starts.get(position + offset)
            if start is not None and last < start < cue.end_ms:
                pieces.append(f"<{clock(start)}>")
                last = start
            pieces.append(vtt_escape(char))
        position += len(line)
        if tag:
            pieces.append("</lang>")
            tag = None if position in closes else tag
        out.append("".join(pieces))
    return out


def to_vtt(cues: Sequence[TimedText]) -> str:
    blocks = ["WEBVTT"]
    for n, cue in enumerate(cues, 1):
        # "-->" inside a cue would end its timing line: the escape of ">" prevents it.
        lines = "\n".join(timed_lines(cue))
        blocks.append(f"{n}\n{clock(cue.start_ms)} --> {clock(cue.end_ms)}\n{lines}")
    return "\n\n".join(blocks) + "\n"


def to_srt(cues: Sequence[TimedText]) -> str:
    blocks = []
    for n, cue in enumerate(cues, 1):
        lines = "\n".join(caption_lines(cue.text))
        blocks.append(f"{n}\n{clock(cue.start_ms, ',')} --> {clock(cue.end_ms, ',')}\n{lines}")
    return "\n\n".join(blocks) + "\n"


def to_text(title: str, byline: str, chapters: Sequence[Chapter], cues: Sequence[TimedText]) -> str:
    """Headings and paragraphs as read: one paragraph per block, a heading per chapter."""
    out = [title]
    if byline:
        out.append(f"By {byline}")
    paragraph: list[str] = []
    current = None

    def flush() -> None:
        if paragraph:
            out.append(" ".join(paragraph))
            paragraph.clear()

    for cue in cues:
        if cue.kind == "intro":
            continue
        if cue.section != current:
            flush()
            if current is not None and 0 <= current < len(chapters):
                out.extend(skipped_text(chapters[current]))
            current = cue.section
            out.append(chapters_title(chapters, cue.section))
            if cue.kind == "heading":
                continue
        if cue.kind == "heading":
            continue
        paragraph.append(" ".join(cue.text.split()))
        if cue.paragraph_end or cue.kind in ("item", "question"):
            flush()
    flush()
    if current is not None and 0 <= current < len(chapters):
        out.extend(skipped_text(chapters[current]))
    return "\n\n".join(out) + "\n"


# A Skipped kind -> how a listing names one and several.
SKIPPED_NAMES = {
    "notes": ("note", "notes"), "aside": ("aside", "asides"), "figure": ("figure", "figures"),
    "math": ("formula", "formulas"), "hidden": ("hidden element", "hidden elements"),
    "clutter": ("piece of page clutter", "pieces of page clutter"),
}


def skipped_name(kind: str, count: int = 1) -> str:
    """ "notes", 2 -> "notes"; "aside", 1 -> "aside"; an unknown kind is its own name."""
    one, many = SKIPPED_NAMES.get(kind, (kind, kind))
    return one if count == 1 else many


def skipped_line(items: Sequence[Skipped]) -> str:
    """ "Skipped here: 2 notes (54 words), 1 aside (30 words)"; "" when nothing was skipped."""
    counts: dict[str, list[int]] = {}
    for item in items:
        count = counts.setdefault(item.kind, [0, 0])
        count[0] += 1
        count[1] += item.words
    parts = [f"{n} {skipped_name(kind, n)} ({words} word{'s' if words != 1 else ''})"
             for kind, (n, words) in counts.items()]
    return f"Skipped here: {', '.join(parts)}" if parts else ""


def skipped_text(chapter: Chapter) -> list[str]:
    """The .txt lines of what a chapter skipped: the summary, then each shown item as a
    paragraph marked "[Skipped note]" (hidden text and clutter have no text to show)."""
    line = skipped_line(chapter.skipped)
    if not line:
        return []
    return [line] + [f"[Skipped {skipped_name(item.kind)}] {' '.join(item.text.split())}"
                     for item in chapter.skipped if item.text.strip()]


def chapters_title(chapters: Sequence[Chapter], section: int) -> str:
    return chapters[section].title if 0 <= section < len(chapters) else ""


def json_document(cues: Sequence[TimedText]) -> dict:
    """Podcasting 2.0 JSON transcript: version and segments with startTime, endTime, body;
    a segment whose words are timed lists them too ("words": startTime, endTime, body)."""
    segments = []
    for cue in cues:
        segment: dict = {"startTime": cue.start_ms / 1000, "endTime": cue.end_ms / 1000,
                         "body": cue.text}
        if cue.words:
            segment["words"] = [{"startTime": w.start_ms / 1000, "endTime": w.end_ms / 1000,
                                 "body": w.text} for w in cue.words]
        if cue.langs:  # parts of the body in another language: character offsets, BCP 47 tag
            segment["langs"] = [{"start": span.start, "end": span.end, "lang": span.lang}
                                for span in cue.langs]
        segments.append(segment)
    return {"version": "1.0.0", "segments": segments}

