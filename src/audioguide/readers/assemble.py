"""What every reader shares: a flat list of headings and blocks -> Article.

A reader (text, Markdown, HTML) turns its input into `Heading`s (with a level, 1 = highest) and
`Block`s in document order, plus an `ArticleMeta` (what the document says about itself).
`assemble` decides which heading level makes chapters, which heading is the title, and turns
FAQ questions into QUESTION blocks.

Notes and skips: a reader may also give `Note`s (a NOTE block and the key its references use),
`NoteRef`s (where a note is referred to) and `Skipped` records (what it left out). A note goes
to the end of the section that first refers to it (else the end of its own section); a Skipped
goes into its section's `skipped`. Titles and headings lose permalink glyphs (`heading_text`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import SourceError
from ..models import PARAGRAPH, QUESTION, SUBHEADING, Article, Block, Section, Skipped

FAQ_TITLE = re.compile(
    r"\b(faqs?|frequently[- ]asked[- ]questions?|questions? (and|&) answers?|q\s*&\s*a|"
    r"common questions|your questions)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w", re.UNICODE)
_SPACE = re.compile(r"\s+")
_ISO_DATE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class ArticleMeta:
    """What a document says about itself, as a reader found it ("" = not said).

    `assemble` makes the Article's fields of it: the title (else the first heading), the
    byline, category, description and reading time with white space squashed, and lang, date
    and image as None when empty."""

    title: str = ""
    byline: str = ""  # the author's name, without "By"
    category: str = ""
    lang: str = ""  # a language tag (langtag.tag)
    date: str = ""  # an ISO 8601 date (iso_date)
    description: str = ""
    reading_time: str = ""  # as written ("5 min read")
    image: str = ""  # a URL, path or data: URI
    # The title was taken out of the text already (plain text's title line, a book's chapter
    # title): the headings are left alone.
    title_taken: bool = False


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 = highest


@dataclass(frozen=True)
class Note:
    """A footnote or endnote (a NOTE block) and the key its references name ("" if none)."""

    block: Block
    key: str = ""

    @property
    def text(self) -> str:
        return self.block.text


@dataclass(frozen=True)
class NoteRef:
    """A reference to the note with this key, where it stands in the text."""

    key: str
    text: str = "ref"  # (never empty: the items filter keeps it)


# What a reader gives `assemble`, in document order.
Item = Heading | Block | Note | NoteRef | Skipped


# Permalink glyphs and text that docs themes put in headings; icon fonts use the private use area.
_ICON_CHARS = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff\ufe0f]")
_EDGE_GLYPHS = "¶§🔗⚓📎🔖⧉↩⤴"
_PERMALINK_TEXT = re.compile(  # (glued on too: "Second stepsLink to this heading")
    r"(?:\s*\b|(?-i:(?<=[a-z])(?=[A-Z])))"
    r"(permalink( to (this|the) (heading|headline|section|definition))?|link to this "
    r"(heading|headline|section)|direct link to (this )?(heading|section)|anchor link|"
    r"copy link( to (this )?(heading|section))?)\s*$",
    re.IGNORECASE,
)


def squash(text: str) -> str:
    """Collapse runs of white space to one space."""
    return _SPACE.sub(" ", text).strip()


def heading_text(text: str) -> str:
    """A heading without permalink glyphs, icon-font characters or permalink text:
    "Key Functions¶" -> "Key Functions"; "Notes#" -> "Notes"; "Learning C#" stays."""
    text = squash(_ICON_CHARS.sub("", text))
    for _ in range(3):
        before = text
        text = _PERMALINK_TEXT.sub("", text).strip(_EDGE_GLYPHS + " \t")
        text = text.lstrip(_EDGE_GLYPHS + " ")
        if text.endswith("#") and not re.search(r"(^|\s)[A-Za-z]#$|\s#$", text):
            text = text.rstrip("#").rstrip()
        if text == before:
            break
    return squash(text)


def iso_date(text: str) -> str | None:
    """ "2024-03-05T10:00:00Z" -> "2024-03-05"; None unless it starts with a real date."""
    match = _ISO_DATE.match(text)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


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


def assemble(items: list[Item], meta: ArticleMeta, source: str = "") -> Article:
    """Build the Article from headings and blocks in document order.

    The highest heading level used makes chapters; if that level holds a single heading that
    comes first, it is the article's title and the next level makes chapters. Deeper headings
    stay inside their chapter as SUBHEADING blocks; in an FAQ section they become QUESTIONs.
    """
    items = [item if not isinstance(item, Heading) else Heading(heading_text(item.text), item.level)
             for item in items if isinstance(item, (NoteRef, Skipped)) or item.text.strip()]
    items = [item for item in items if not isinstance(item, Heading) or item.text]
    title = heading_text(meta.title)
    headings = [item for item in items if isinstance(item, Heading)]
    if headings and not meta.title_taken:
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

    sections = _sections(items, chapter_level)

    if not any(_WORD.search(s.title) or any(_WORD.search(b.text) for b in s.blocks)
               for s in sections):
        raise SourceError(f"{source or 'input'} has no readable text: "
                          "give an article with some words in it")
    if not title:
        first = next((s.title for s in sections if s.title), "")
        title = first or _fallback_title(source)
    return Article(
        title=title,
        sections=tuple(sections),
        byline=squash(meta.byline),
        category=squash(meta.category),
        lang=meta.lang or None,
        date=meta.date or None,
        description=squash(meta.description),
        reading_time=squash(meta.reading_time),
        source=source,
        identity=identity_of(source, title),
        image=meta.image or None,
    )


class _Draft:
    """A section being gathered: its blocks, notes, the notes it refers to, what was skipped."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.blocks: list[Block] = []
        self.notes: list[Note] = []
        self.refs: set[str] = set()
        self.skipped: list[Skipped] = []

    def empty(self) -> bool:
        return not (self.title or self.blocks or self.notes or self.skipped)


def _sections(items: list[Item], chapter_level: int) -> list[Section]:
    """Sections from the items; each note at the end of the section that first refers to it."""
    drafts = [_Draft("")]
    for item in items:
        draft = drafts[-1]
        if isinstance(item, Heading) and item.level <= chapter_level:
            if draft.empty() and len(drafts) == 1:
                drafts.pop()
            drafts.append(_Draft(squash(item.text)))
        elif isinstance(item, Heading):
            draft.blocks.append(Block(SUBHEADING, squash(item.text),
                                      level=item.level - chapter_level))
        elif isinstance(item, Note):
            draft.notes.append(item)
        elif isinstance(item, NoteRef):
            draft.refs.add(item.key)
        elif isinstance(item, Skipped):
            draft.skipped.append(item)
        else:
            draft.blocks.append(item)
    home: dict[str, _Draft] = {}
    for draft in drafts:
        for key in draft.refs:
            home.setdefault(key, draft)
    placed: dict[int, list[Block]] = {id(d): [] for d in drafts}
    for draft in drafts:
        for note in draft.notes:
            placed[id(home.get(note.key, draft) if note.key else draft)].append(note.block)
    sections: list[Section] = []
    for draft in drafts:
        blocks = draft.blocks + placed[id(draft)]
        if draft.notes and not blocks and sections:  # a "Notes" heading whose notes all moved
            last = sections[-1]
            sections[-1] = replace(last, skipped=last.skipped + tuple(draft.skipped))
            continue
        sections.append(_section(draft.title, blocks, tuple(draft.skipped)))
    return sections


def _section(title: str, blocks: list[Block], skipped: tuple[Skipped, ...] = ()) -> Section:
    """An FAQ section's questions (short paragraphs or subheadings ending in '?') -> QUESTION."""
    if is_faq_title(title):
        blocks = [
            replace(b, kind=QUESTION, level=0)
            if b.kind in (PARAGRAPH, SUBHEADING) and is_question(b.text) else b
            for b in blocks
        ]
    return Section(title=title, blocks=tuple(blocks), skipped=skipped)
