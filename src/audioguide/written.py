"""The article as it will be read, written out: plain text and Markdown.

Pure functions, an Article in, text out: `article_text` for `audioguide sections --text`,
`article_markdown` for `sections --markdown`, which `audioguide build` reads back into the same
chapters and sentences (a listener's proofreading copy: edit it, then build from it).

Only what is read is written: the blocks of each section, never `Section.skipped` (hidden text,
clutter, and the notes, asides, figures and formulas that --skip/--keep leave out). Each kind:

- paragraphs, list items, questions, quotes, lead-ins, notes, kept asides: their text;
- subheadings: their heading (`###` and deeper in Markdown);
- code, tables and formulas: as shown in the transcript (the code, the "Name | Age" lines, the
  TeX), although the listener hears a short note for them ("A code example in Python...");
- figures: their caption or alt text (announced "Figure: ..." when read).

The Markdown form: front matter (title, author, date, lang, description, category, image,
reading_time), `#` title, `##` sections, `###` subheadings, `-` lists nested by Block.level,
`>` quotes, fenced code with its language, `$$` formulas, pipe tables (an HTML table when a
pipe table cannot say it: ragged rows, no header row), figures as `![caption]()`, notes as
footnotes referred to where they are read (`[^1]`), and phrases or blocks in another language
as `<span lang="fr">...</span>`. Every character of the article's text is escaped so that it is
never markup. What the Markdown cannot say, and so reads back otherwise: a lead-in or a kept
aside is a paragraph (an aside is then read without "Aside:"), a question is a paragraph (a
question again in an FAQ section), a list item nests at most one level below the item before
it, a subheading in an article without section headings is a paragraph, a caption's language
is not marked, and a paragraph said otherwise than shown (an HTML `<time>`, a formula inside an
HTML sentence) is read as shown. Notes come back at the end of their section, so a last
section with a heading and nothing read, in an article with notes, is taken for their "Notes"
heading and dropped; so is the untitled opening of an article when it holds only notes.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator

from .models import Article, Block, BlockKind, Section
from .readers.assemble import squash
from .readers.blocks import code_language, row_said, table_blocks

_INLINE_ESCAPED = frozenset("\\`*[]<>|{$")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|\w+);")
_ORDERED = re.compile(r"\d{1,9}[.)]")


def _sections(article: Article) -> Iterator[Section]:
    """The sections that say something: a heading, or blocks."""
    return (s for s in article.sections if s.title.strip() or s.blocks)


# --------------------------------------------------------------------------------------------
# Plain text


def block_text(block: Block) -> str:
    """A block as written: code, tables and formulas keep their lines, others are one line."""
    if block.kind in (BlockKind.CODE, BlockKind.TABLE, BlockKind.MATH):
        return block.text.strip("\n")
    return squash(block.text)


def article_text(article: Article) -> str:
    """The title, then each section: its heading (if any), its blocks; blank lines between."""
    parts = [squash(article.title)]
    for section in _sections(article):
        if section.title.strip():
            parts.append(squash(section.title))
        parts.extend(block_text(block) for block in section.blocks)
    return "\n\n".join(part for part in parts if part) + "\n"


# --------------------------------------------------------------------------------------------
# Markdown: escaping


def _char_escapes(text: str, edges: frozenset[int] = frozenset(),
                  dollars: bool = True) -> list[str]:
    """Each character of `text` as Markdown source that reads back as itself. `edges`: where
    a span tag is inserted (an underscore there could open emphasis)."""
    out = []
    entity_starts = {m.start() for m in _ENTITY.finditer(text)}
    for index, char in enumerate(text):
        if char in _INLINE_ESCAPED and (dollars or char != "$"):
            out.append("\\" + char)
        elif char == "_":
            inner = (0 < index < len(text) - 1 and text[index - 1].isalnum()
                     and text[index + 1].isalnum() and index not in edges
                     and index + 1 not in edges)
            out.append("_" if inner else "\\_")
        elif char == "&" and index in entity_starts:
            out.append("\\&")
        else:
            out.append(char)
    return out


def _line_start(pieces: list[str], text: str) -> list[str]:
    """`pieces` (the escaped characters of `text`) with what would start a block at the
    start of a line escaped: "#", "-"/"+" lists and rules, "1." lists, "~~~" fences, "=" and
    "$$"."""
    if not text:
        return pieces
    first = text[0]
    ordered = _ORDERED.match(text)
    if ordered and text[ordered.end():ordered.end() + 1] in ("", " "):
        end = ordered.end() - 1
        pieces = [*pieces[:end], "\\" + text[end], *pieces[end + 1:]]
    elif first in "#~=" or first in "-+" and (text[1:2] in ("", " ")
                                             or re.fullmatch(r"-[- ]*", text)):
        pieces = ["\\" + first, *pieces[1:]]
    return pieces


def escape_inline(text: str, line_start: bool = True, dollars: bool = True) -> str:
    """Article text as Markdown that reads back as the same text, never as markup.

    "1. *Not* a list" -> "1\\. \\*Not\\* a list"; "snake_case" stays; "_x_" -> "\\_x\\_".
    `line_start`: the text starts a line (a paragraph, a list item), so "#", "-", "1." and
    "~~~" there are escaped too. `dollars=False` leaves "$" alone (inline formulas)."""
    pieces = _char_escapes(text, dollars=dollars)
    return "".join(_line_start(pieces, text) if line_start else pieces)


def _heading(text: str) -> str:
    """A heading's text: escaped, with a closing "#" escaped (an ATX closing sequence)."""
    escaped = escape_inline(squash(text), line_start=False)
    return escaped[:-1] + "\\#" if escaped.endswith("#") else escaped


def _lang_runs(text: str, block: Block) -> list[tuple[int, int, str | None]]:
    """(start, end, language or None) runs covering `text` (the block's flat text): the
    block's language, then each marked phrase at its first occurrence after the one before
    (the rule speech.planner.marked_tags follows)."""
    tags: list[str | None] = [block.lang or None] * len(text)
    cursor = 0
    for phrase, tag in block.langs:
        wanted = squash(phrase)
        start = text.find(wanted, cursor) if wanted else -1
        start = text.find(wanted) if wanted and start < 0 else start
        if start < 0:
            continue
        tags[start:start + len(wanted)] = [tag] * len(wanted)
        cursor = start + len(wanted)
    runs: list[tuple[int, int, str | None]] = []
    for index, marked in enumerate(tags):
        if runs and runs[-1][2] == marked:
            runs[-1] = (runs[-1][0], index + 1, marked)
        else:
            runs.append((index, index + 1, marked))
    return runs


def inline_markdown(block: Block, line_start: bool = True) -> str:
    """A block's text as one line of Markdown, its parts in another language as
    `<span lang="...">` (white space at a part's edges is left outside the span)."""
    text = squash(block.text)
    dollars = block.spoken is None  # a Markdown formula ("$x^2$") keeps its dollars
    runs = _lang_runs(text, block) if block.lang or block.langs else [(0, len(text), None)]
    spans = []
    for start, end, tag in runs:
        if tag:
            while start < end and text[start] == " ":
                start += 1
            while end > start and text[end - 1] == " ":
                end -= 1
        if tag and start < end:
            spans.append((start, end, tag))
    edges = frozenset(i for start, end, _ in spans for i in (start, end))
    pieces = _char_escapes(text, edges, dollars)
    if line_start:
        pieces = _line_start(pieces, text)
    for start, end, tag in reversed(spans):
        pieces[end:end] = ["</span>"]
        pieces[start:start] = [f'<span lang="{html.escape(tag)}">']
    return "".join(pieces)


# --------------------------------------------------------------------------------------------
# Markdown: blocks


def _front_matter(article: Article) -> str:
    import yaml

    fields = {
        "title": squash(article.title) if len(squash(article.title)) <= 500 else None,
        "author": article.byline, "date": article.date, "lang": article.lang,
        "description": article.description, "category": article.category,
        "image": article.image, "reading_time": article.reading_time,
    }
    data = {key: value for key, value in fields.items() if value}
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)
    return f"---\n{dumped}---"


def _code(block: Block) -> str:
    """A fenced code block, longer than any run of backticks in the code, with its language."""
    longest = max((len(run) for run in re.findall(r"`+", block.text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{code_language(block.spoken or '')}\n{block.text.rstrip(chr(10))}\n{fence}"


def _groupings(parts: list[str], width: int) -> Iterator[list[str]]:
    """`parts` joined back into `width` cells in every way (a cell may hold " | ")."""
    for cuts in itertools.combinations(range(1, len(parts)), width - 1):
        edges = (0, *cuts, len(parts))
        yield [" | ".join(parts[a:b]) for a, b in zip(edges, edges[1:], strict=False)]


def table_rows(block: Block) -> list[list[str]]:
    """The cells of a TABLE block, from its "a | b" lines; a body row with more parts than the
    header is cut the way its spoken row says (a cell with " | " in it)."""
    rows = [line.split(" | ") for line in block.text.split("\n")]
    header, spoken = rows[0], block.spoken or ""
    for number, row in enumerate(rows[1:], 1):
        if len(row) <= len(header) or len(row) > 12:
            continue
        for cells in _groupings(row, len(header)):
            if f"Row {number}: {row_said(header, cells)}" in spoken:
                rows[number] = cells
                break
    return rows


def _table(block: Block) -> str:
    """A pipe table when it reads back as the same table, else an HTML table."""
    rows = table_rows(block)
    same = table_blocks(rows, has_header=True)
    header = (same.text, same.spoken) == (block.text, block.spoken)
    if header and len({len(row) for row in rows}) == 1:
        lines = ["| " + " | ".join(escape_inline(cell, line_start=False) or " " for cell in row)
                 + " |" for row in rows]
        lines.insert(1, "|" + " --- |" * len(rows[0]))
        return "\n".join(lines)
    out = ["<table>"]
    for number, row in enumerate(rows):
        cell = "th" if header and number == 0 else "td"
        out.append("<tr>" + "".join(f"<{cell}>{html.escape(value)}</{cell}>" for value in row)
                   + "</tr>")
    return "\n".join([*out, "</table>"])


def _block(block: Block, titled: bool, notes: list[str]) -> str | None:
    """One block as Markdown; a note is added to `notes` (None: it is written as a footnote)."""
    kind = block.kind
    if kind == BlockKind.NOTE:
        notes.append(inline_markdown(block))
        return None
    if kind == BlockKind.CODE:
        return _code(block)
    if kind == BlockKind.TABLE:
        return _table(block)
    if kind == BlockKind.MATH:
        return f"$$\n{block.text.strip()}\n$$"
    if kind == BlockKind.FIGURE:
        return f"![{escape_inline(squash(block.text), line_start=False)}]()"
    if kind == BlockKind.SUBHEADING and titled:
        return "#" * min(6, 2 + max(1, block.level)) + " " + _heading(block.text)
    if kind == BlockKind.QUOTE:
        return "> " + inline_markdown(block)
    return inline_markdown(block)  # paragraphs, questions, lead-ins, asides, lone subheadings


def _section_markdown(section: Section, titled: bool, notes: list[str]) -> list[str]:
    """A section's heading and blocks; tight lists, a blank line between other blocks. Its
    notes go to `notes` and a line of references to them stands where they are read."""
    parts: list[str] = []
    if section.title.strip():
        parts.append("## " + _heading(section.title))
    level = -1  # the level of the item before, -1 after any other block
    refs: list[str] = []
    refs_at = 0
    for block in section.blocks:
        written = _block(block, titled, notes)
        if written is None:
            if not refs:
                parts.append("")  # where the notes are read: filled in below
                refs_at, level = len(parts) - 1, -1
            refs.append(f"[^{len(notes)}]")
        elif block.kind == BlockKind.ITEM:
            in_list, level = level >= 0, min(block.level, level + 1)
            line = "  " * level + "- " + written
            if in_list:
                parts[-1] += "\n" + line
            else:
                parts.append(line)
        else:
            level = -1
            parts.append(written)
    if refs:
        parts[refs_at] = " ".join(refs)
    return parts


def article_markdown(article: Article) -> str:
    """The article as Markdown that `audioguide build` reads back into the same chapters and
    sentences (see the module's docstring for what it cannot say)."""
    titled = any(s.title.strip() for s in article.sections)
    parts = [_front_matter(article), "# " + _heading(article.title)]
    notes: list[str] = []
    for section in _sections(article):
        parts.extend(_section_markdown(section, titled, notes))
    parts.extend(f"[^{number}]: {note}" for number, note in enumerate(notes, 1))
    return "\n\n".join(parts) + "\n"
