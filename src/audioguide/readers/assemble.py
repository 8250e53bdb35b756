"""What every reader shares: a flat list of headings and blocks -> Article.

A reader (text, Markdown, HTML) turns its input into `Heading`s (with a level, 1 = highest) and
`Block`s in document order, plus a dict of metadata. `assemble` decides which heading level makes
chapters, which heading is the title, and turns FAQ questions into QUESTION blocks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..models import PARAGRAPH, QUESTION, SUBHEADING, Article, Block, Section

FAQ_TITLE = re.compile(
    r"\b(faqs?|frequently[- ]asked[- ]questions?|questions? (and|&) answers?|q\s*&\s*a|"
    r"common questions|your questions)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w", re.UNICODE)
_SPACE = re.compile(r"\s+")
_ISO_DATE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*")  # "en", "pt-BR", "zh_Hant"
META_FIELDS = ("title", "byline", "category", "lang", "date", "description", "reading_time",
               "image")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 = highest


def squash(text: str) -> str:
    """Collapse runs of white space to one space."""
    return _SPACE.sub(" ", text).strip()


def iso_date(text: str) -> str | None:
    """ "2024-03-05T10:00:00Z" -> "2024-03-05"; None unless it starts with a real date."""
    match = _ISO_DATE.match(text)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


def language_tag(text: str) -> str:
    """ "pt_BR" -> "pt-BR": a language tag as metadata; "" unless `text` is one."""
    return text.replace("_", "-") if LANGUAGE_TAG.fullmatch(text) else ""


def is_faq_title(title: str) -> bool:
    return bool(FAQ_TITLE.search(title))


def is_question(text: str) -> bool:
    text = text.rstrip(" \"'”’)*_")
    return text.endswith(("?", "？", "؟")) and len(text) <= 300


def _same(a: str, b: str) -> bool:
    return squash(a).casefold().strip(" .:") == squash(b).casefold().strip(" .:")


def identity_of(source: str, title: str) -> str:
    if source == "-":
        return f"stdin:{title}"
    if not source:
        return f"text:{title}"
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
        return source
    try:
        return str(Path(source).expanduser().resolve())
    except (OSError, RuntimeError, ValueError):
        return source


def _fallback_title(source: str) -> str:
    if source and source != "-" and "://" not in source:
        stem = squash(Path(source).stem.replace("_", " ").replace("-", " "))
        if _WORD.search(stem):
            return stem
    return "Untitled"


def assemble(items: list, meta: dict, source: str = "") -> Article:
    """Build the Article from headings and blocks in document order.

    The highest heading level used makes chapters; if that level holds a single heading that
    comes first, it is the article's title and the next level makes chapters. Deeper headings
    stay inside their chapter as SUBHEADING blocks; in an FAQ section they become QUESTIONs.
    """
    items = [item for item in items if item.text.strip()]
    title = squash(meta.get("title") or "")
    headings = [item for item in items if isinstance(item, Heading)]
    # A title already taken out of the text (plain text's title line) leaves headings alone.
    if headings and not meta.get("title_taken"):
        top = min(h.level for h in headings)
        tops = [h for h in headings if h.level == top]
        if len(tops) == 1 and tops[0] is headings[0]:
            title_heading = tops[0]
            deeper = len(headings) > 1
            if not title:
                title = squash(title_heading.text)
                items.remove(title_heading)
            elif _same(title, title_heading.text):
                items.remove(title_heading)
            elif deeper:
                index = items.index(title_heading)
                items[index] = Block(SUBHEADING, squash(title_heading.text))
    headings = [item for item in items if isinstance(item, Heading)]
    chapter_level = min((h.level for h in headings), default=0)

    sections: list[Section] = []
    current_title = ""
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, Heading) and item.level <= chapter_level:
            if blocks or current_title or sections:
                sections.append(_section(current_title, blocks))
            current_title, blocks = squash(item.text), []
        elif isinstance(item, Heading):
            blocks.append(Block(SUBHEADING, squash(item.text), level=item.level - chapter_level))
        else:
            blocks.append(item)
    if blocks or current_title or not sections:
        sections.append(_section(current_title, blocks))

    if not any(_WORD.search(s.title) or any(_WORD.search(b.text) for b in s.blocks)
               for s in sections):
        raise SourceError(f"{source or 'input'} has no readable text: "
                          "give an article with some words in it")
    if not title:
        first = next((s.title for s in sections if s.title), "")
        title = first or _fallback_title(source)
    values: dict[str, Any] = {key: meta.get(key) for key in META_FIELDS if meta.get(key)}
    values["title"] = title
    for key in ("byline", "category", "description", "reading_time"):
        values[key] = squash(values.get(key) or "")
    return Article(
        sections=tuple(sections),
        source=source,
        identity=identity_of(source, title),
        **values,
    )


def _section(title: str, blocks: list[Block]) -> Section:
    """An FAQ section's questions (short paragraphs or subheadings ending in '?') -> QUESTION."""
    if is_faq_title(title):
        blocks = [
            replace(b, kind=QUESTION, level=0)
            if b.kind in (PARAGRAPH, SUBHEADING) and is_question(b.text) else b
            for b in blocks
        ]
    return Section(title=title, blocks=tuple(blocks))
