"""Podcasting 2.0 JSON chapters, version 1.2.0, to the millisecond of the ID3 chapters."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..atomic import write_bytes
from .markup import clean_title

VERSION = "1.2.0"
MIME_TYPE = "application/json+chapters"


def _field(chapter: Mapping[str, int | str] | object, name: str) -> int | str:
    return chapter[name] if isinstance(chapter, Mapping) else getattr(chapter, name)


def chapters_json(chapters: Iterable[Mapping[str, int | str] | object], title: str) -> str:
    """The chapters file: startTime/endTime in seconds, exactly start_ms/1000 and end_ms/1000.

    `chapters` are manifest dicts (title, start_ms, end_ms) or models.Chapter objects."""
    entries = []
    for chapter in chapters:
        start_ms, end_ms = int(_field(chapter, "start_ms")), int(_field(chapter, "end_ms"))
        entries.append(
            {
                "startTime": start_ms / 1000,
                "endTime": end_ms / 1000,
                "title": clean_title(_field(chapter, "title")),
            }
        )
    document = {"version": VERSION, "title": clean_title(title), "chapters": entries}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_chapters_json(path: Path, chapters: Iterable[Mapping[str, int | str] | object],
                        title: str) -> Path:
    return write_bytes(Path(path), chapters_json(chapters, title))
