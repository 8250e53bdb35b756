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


def to_vtt(cues: Sequence[TimedText]) -> str:
    blocks = ["WEBVTT"]
    for n, cue in enumerate(cues, 1):
        # "-->" inside a cue would end its timing line: the escape of ">" prevents it.
        lines = "\n".join(vtt_escape(line) for line in caption_lines(cue.text))
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
    """Podcasting 2.0 JSON transcript: version and segments with startTime, endTime, body."""
    segments = [
        {"startTime": cue.start_ms / 1000, "endTime": cue.end_ms / 1000, "body": cue.text}
        for cue in cues
    ]
    return {"version": "1.0.0", "segments": segments}

