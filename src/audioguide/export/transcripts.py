"""Transcripts from the timeline: WebVTT, SRT, plain text and the Podcasting 2.0 JSON.

Pure functions: a Timeline (and the titles) in, text out. Cue times come from the real clip
lengths, so they agree with the audio.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from ..models import Chapter, TimedText

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


def timed_lines(cue: TimedText) -> list[str]:
    """The cue's caption lines, escaped, with a WebVTT timestamp before each word that starts
    after the one before it (karaoke-style cues: `<00:01:02.345>word`). The spec wants each
    timestamp after the cue's start, after the previous one and before the cue's end."""
    lines = caption_lines(cue.text)
    words = list(cue.words)
    if len(words) != len(cue.text.split()):
        return [vtt_escape(line) for line in lines]
    flat = " ".join(cue.text.split())
    starts, position = {}, 0  # character offset in `flat` of each word -> its start
    for word in words:
        starts[position] = word.start_ms
        position += len(word.text) + 1
    out, position, last = [], 0, cue.start_ms
    for line in lines:
        position = flat.index(line, position)
        pieces = []
        for offset in range(len(line)):
            start = starts.get(position + offset)
            if start is not None and last < start < cue.end_ms:
                pieces.append(f"<{clock(start)}>")
                last = start
            pieces.append(vtt_escape(line[offset]))
        out.append("".join(pieces))
        position += len(line)
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

    def flush():
        if paragraph:
            out.append(" ".join(paragraph))
            paragraph.clear()

    for cue in cues:
        if cue.kind == "intro":
            continue
        if cue.section != current:
            flush()
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
    return "\n\n".join(out) + "\n"


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
        segments.append(segment)
    return {"version": "1.0.0", "segments": segments}

