"""Plain text -> headings and blocks, the way people paste articles (and docs pages).

The shape: an optional category line, a title line, a byline ("By Name 5 min read"), then
paragraphs. A heading is a short standalone line without a closing period that is followed by
a paragraph or a list ("2. Getting started" and lines underlined with === or --- too), not one
more heading-like line (unless it is ALL CAPS, an FAQ title or ends with a docs site's anchor),
not a line of program output (indented deeper than what follows and looking like output, or
over more indented or lower-case lines; a centred heading counts), not a table row and not a
"Key: value" field repeated in the document. Two or more lines of tab-separated cells in a row
are one table, read with its column names (see _table_unit) and ending its group of lines; a
stray tab in prose or after a list marker reads as a space (see _groups).
"# Heading" counts unless it is a comment in pasted code ("# define X 4"; "# build it" over a
command or among code lines; ending like a sentence). Lists use bullets (•, -, *, ...) or
numbers and nest by indentation. A line ending with ":" introduces a list (LEADIN), never a
heading; in an FAQ section, lines ending with "?" are questions. A reference page's identifier
lines ("fs.open(path)", "profile.<name>.debug", "--out-dir: where") are headings when the page
has several whose names carry a sign of code (never a sentence, a plain word or an e-mail
address alone). A heading's copied anchor ("¶", "§", "#" glued to a word or ")") is dropped.
Notes: a last "Notes", "Footnotes" or "References" section becomes Notes ("[1] ...", "1. ..."),
and a "[1]" glued to a sentence's end is a reference, never read (see take_refs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..models import ITEM, LEADIN, PARAGRAPH, QUOTE, Block, BlockKind, StrEnum
from .assemble import Heading, Note, NoteRef, is_faq_title, is_question, squash
from .blocks import table_blocks

BULLET = re.compile(r"^(\s*)([•◦▪▫‣●○■□➢➤►▸✓✔–*+\-·])\s+(\S.*)$")
NUMBERED = re.compile(r"^(\s*)(\d{1,3}[.)]|[a-z]\)|\(\d{1,3}\)|\([a-z]\))\s+(\S.*)$")
MULTI_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(\S.*)$")
UNDERLINE = re.compile(r"^\s*(={3,}|-{3,})\s*$")
ATX = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
# "# define NAME 4", "#  include <stdio.h>": the C preprocessor, not a Markdown heading.
CPP_DIRECTIVE = re.compile(r"^(?:define|include|ifn?def|endif|undef|pragma|elif|else|if|error)\b")
TABLE_ROW = re.compile(r"^\s*\S[^\t]*\t")  # "Name<TAB>Age": cells as a browser copies a table
QUOTE_LINE = re.compile(r"^\s*>\s?(.*)$")
READING = r"\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s+read"
BYLINE = re.compile(
    rf"^(?:by|written by|author:?)\s+([^\W\d_].{{0,80}}?)\s*(?:[|·•—–,-]\s*)?({READING})?\s*$",
    re.IGNORECASE,
)
READING_LINE = re.compile(rf"^({READING})$", re.IGNORECASE)
CAPTION = re.compile(
    r"^((figure|fig\.?|table|photo|image|illustration|listing|filename|file name|file|exhibit|"
    r"chart|diagram|video|map|screenshot|example|output)\s*([\d:.(]|[IVX]+\b)|"
    r"(photo|photograph|image|picture|illustration)\s+(by|courtesy|credit)|(source|credits?|"
    r"caption)\s*:)",
    re.IGNORECASE,
)
# Lines of code, commands, grammar rules ("Expr → Expr | Term") and markup pasted with an
# article are not headings.
CODE_LIKE = re.compile(r"[{};$=|@`]|^(//|#|--|/|\[|!|\.|&|\()|\(\)|\[\]|::|->|=>|[(\[,]$"
                       r"|^(?=.*→)(?=.*(?:[|()?*#!^~,/]|[a-z][A-Z]|\b[A-Z][A-Z_]{2,}\b))")
# ("→" with another sign of a grammar: "Attr → SimplePath AttrInput?", "MetaWord → IDENTIFIER";
# "London → Paris by Train" is a heading.)
# Less certain signs of code: allowed in a Title Case heading ("Using Box<T> on the Heap").
CODE_HINT = re.compile(r"[<>\\~^]|\w_\w|\w\.\w+\(|\w/[\w.-]+\.\w")
SNAKE = re.compile(r"\w_\w")  # snake_case: a name, fine in a heading of two words or more
# A line ending in one of these lower-case words runs on into what follows: not a heading.
TRAILING_WORDS = frozenset((
    "a", "an", "the", "of", "to", "at", "is", "are", "was", "were", "be", "by", "for", "with",
    "and", "or", "but", "in", "on", "from", "that", "as", "into", "than", "this", "these", "our",
    "your", "their", "its", "my", "via", "per",
))
DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y")
TERMINAL = (".", "!", "?", ":", ";", '."', ".”", "!”", "?”", '?"', '!"', "…", "。", "！", "？",
            "：", "；", "۔", "؟")
LONG_LINE = 40  # a shorter line never continues onto the next one (it may be a heading)
MAX_HEADING_WORDS = 16
MAX_HEADING_CHARS = 120
# An API or command reference names its sections with identifiers and signatures:
# "widget.spin(speed[, options])", "Static method: Pool.create(size)", "--out-dir: where it
# goes", "color_mode", "async-idents", "Iterator::any", "macro_rules!", "frob(3)", a trailing
# "#" or "¶" anchor, "profile.<name>.debug" (a placeholder), "cargo::warning=MESSAGE". Such a
# line is a heading only in a document that has several of them.
_IDENT_PART = r"(?:[\w$@.\-!*]|<[\w-]+>)"
IDENT_NAME = (rf"[-+]{{0,2}}[A-Za-z_$@](?:{_IDENT_PART}*(?:[\w$!*]|<[\w-]+>))?"
              rf"(?:::{_IDENT_PART}+)*(?:=[\[\]A-Z_=]*[A-Z\]])?")
IDENT_PREFIX = re.compile(r"^(?:new\s+|[A-Z][a-z]+(?: [a-z]+)?:\s+)")  # "Static method: "
IDENT = re.compile(
    rf"^{IDENT_PREFIX.pattern}?{IDENT_NAME}"
    r"(?:\s?\((?:[^()]|\([^()]*\))*\))?"  # (args) with one level of nesting
    r"(?::\s+[^\W\d_][\w '’./-]*)?"  # ": what it does" (a flag's or item's short description)
    r"\s*[#¶§]?$"
)
# What makes a name code: "fs.open", "frob(3)", "color_mode", "Iterator::any", "<name>",
# "[options]", "-v"/"--out-dir", "macro_rules!", "$var", "@decorator".
CODE_SIGN = re.compile(r"\w\.\w|\(|_|::|<[\w-]+>|\[|^-|!$|[$@*]"
                       r"|^[a-z\d]+(?:-[a-z\d]+)+$")
EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
# "example.com", "www.wikipedia.org": a site named in an article, not an identifier
SITE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|io|dev|app|co|"
                  r"uk|de|fr|es|it|nl|eu|ca|au|info|me|tv|blog|news|shop|ai)/?$", re.IGNORECASE)
ANCHORS = ("#", "¶", "§")  # a docs site's heading link, copied with the heading
# "Type: Runtime", "Level: warn": a key (one or two words) and its value.
FIELD_LINE = re.compile(r"^[^\W\d_][\w-]*(?: [\w-]+)?:\s+\S")
OPENERS = (":", "：", "{", "(", "[", ",")  # a line ending so runs on into what comes next
MIN_IDENT_HEADINGS = 2  # identifier headings in a document before any of them counts
# "-v", "--verbose", "+nightly", "-C PATH", "-l --license": a command's option, not a heading.
OPTION = re.compile(r"^[-+]{1,2}[A-Za-z0-9]")
# "Tier: 3", "Default value: false", "Source code: lib/path.js": a field and its value (a number,
# a yes/no, a file path), not a heading.
FIELD = re.compile(
    r"^[^\W\d_][\w ]{0,30}:\s+(?:[-+]?[\d.,%]+|true|false|yes|no|none|\S*/\S*|\S+\.\w{1,4})$",
    re.IGNORECASE,
)
YEAR = re.compile(r"(?:1[89]|20)\d\d")  # "2023" over a column of figures: a column name
# The last section of an article that holds its notes ("Notes", "References:").
NOTES_TITLE = re.compile(r"^(?:notes|footnotes|endnotes|references|sources|citations)\s*:?$",
                         re.IGNORECASE)
# "[1] The survey...", "1. The survey...", "^1 The survey": a note and its key.
NOTE_LABEL = re.compile(r"^\s*(?:\[(\d{1,3})\]|\^(\d{1,3})|(\d{1,3})[.)])\s+(?=\S)")
NOTE_START = re.compile(r"\s(?=\[\d{1,3}\]\s+\S)")  # where the next "[2] ..." starts in a run
# "end.[2]", "cited[3, 4]", "shown[5–7]": a reference glued to what it refers to (after a
# letter only when the notes have its key; never in a line of code). "[citation needed]" too.
NOTE_REF = re.compile(r"(?<=[^\W\d_]|[.,;:!?”’\"')])\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]"
                      r"(?=[\s.,;:!?)”’\"']|$)|\s?\[citation needed\]", re.IGNORECASE)
SPACED_REF = re.compile(r"\s\[(\d{1,3})\](?=[\s.,;:!?)]|$)")  # "word [1]": when note 1 exists


class UnitKind(StrEnum):
    """What a run of lines is, before parse_text decides what it is read as."""

    PARAGRAPH = "paragraph"  # prose; a one-line paragraph may still be read as a heading
    ITEM = "item"  # a bullet or numbered line ("2. Getting started" may be a heading)
    QUOTE = "quote"  # "> " lines
    HEADING = "heading"  # underlined with === or ---, or "# Heading"
    TABLE = "table"  # tab-separated rows (Unit.rows)


# What a heading stands over (before anything else, a line is not one).
BODY_KINDS = (UnitKind.PARAGRAPH, UnitKind.ITEM, UnitKind.QUOTE, UnitKind.TABLE)


@dataclass
class Unit:
    kind: UnitKind
    text: str
    indent: int = 0
    lines: int = 1
    group: int = 0
    numbered: bool = False
    level: int = 2  # headings only
    rows: list[list[str]] | None = None  # tables only: the cells, every row as long
    header: bool = False  # tables only: the first row names the columns


def _one_line(unit: Unit) -> bool:
    """A paragraph of a single line: it may be a heading, a title, a byline, a field..."""
    return unit.kind == UnitKind.PARAGRAPH and unit.lines == 1


def _terminal(line: str) -> bool:
    return line.rstrip().endswith(TERMINAL)


def _is_marker_line(line: str) -> bool:
    return bool(BULLET.match(line) or NUMBERED.match(line) or QUOTE_LINE.match(line)
                or ATX.match(line) or UNDERLINE.match(line))


def _groups(text: str) -> list[list[str]]:
    """Lines -> groups of lines between blank lines.

    A table copied from a page (a run of two or more lines of tab-separated cells, not all of
    them list items; a "---" rule may stand under its first row) also ends its group: the line
    after its last row starts a new one, as if a blank line stood there. So does a lone row (a
    table's header row, "Prev<TAB>Next", "label:<TAB>value") unless it sits inside prose: after a
    long line that runs on into it or before a line that goes on in lower case. A tab anywhere
    else (a stray tab in prose, "1.<TAB>First step" from a word processor) reads as a space.
    """
    raws = text.split("\n")
    rows = [bool(TABLE_ROW.match(raw)) for raw in raws]
    rules = [bool(UNDERLINE.match(raw)) for raw in raws]
    table = [False] * len(raws)
    start = 0
    while start < len(raws):  # runs of rows (across rules under a row)
        end = start
        while end < len(raws) and (rows[end] or end > start and rules[end]
                                   and end + 1 < len(raws) and rows[end + 1]):
            end += 1
        run = [i for i in range(start, end) if rows[i]]
        if len(run) >= 2 and not all(_is_marker_line(raws[i]) for i in run) or len(run) == 1 and (
                _lone_row(raws, start)):
            table[start:end] = [True] * (end - start)
        start = max(end, start + 1)
    groups: list[list[str]] = [[]]
    in_table = False
    for index, raw in enumerate(raws):
        cells = raw.lstrip()
        indent = raw[:len(raw) - len(cells)].expandtabs(4)
        if not table[index]:  # only a table's cells are kept apart by tabs
            cells = re.sub(r"[ ]*\t[ \t]*", " ", cells)
        line = (indent + cells).rstrip()
        row = table[index]
        if in_table and not row and groups[-1]:
            groups.append([])
        in_table = row
        if line.strip():
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def _lone_row(raws: list[str], index: int) -> bool:
    """A line of tab-separated cells with no other row next to it is still a table's row
    (ending its group) unless it is a list item or sits inside prose (see _groups)."""
    line = raws[index]
    if _is_marker_line(line):
        return False
    if line.lstrip().split("\t")[0].rstrip().endswith((":", "：")):
        return True  # "Returns:<TAB>the value": a field
    before = raws[index - 1].strip() if index else ""
    after = raws[index + 1].lstrip() if index + 1 < len(raws) else ""
    runs_on = len(before) >= LONG_LINE and not _terminal(before) and not _is_marker_line(before)
    return not (runs_on or after[:1].islower())


def _hard_wrapped(groups: list[list[str]]) -> bool:
    """Prose wrapped at a fixed width: long lines, blank lines between paragraphs."""
    plain = [line for g in groups for line in g if not _is_marker_line(line)]
    if len(groups) < 3 or not plain or max(len(line) for line in plain) > 100:
        return False
    multi = sum(1 for g in groups if sum(not _is_marker_line(line) for line in g) >= 2)
    return multi >= 3 and multi >= len(groups) // 4


def _units(groups: list[list[str]]) -> list[Unit]:
    """Groups of lines -> units: headings, quotes, list items, tables and paragraphs."""
    wrapped = _hard_wrapped(groups)
    units: list[Unit] = []
    for number, lines in enumerate(groups):
        i = 0
        while i < len(lines):
            i = _unit(lines, i, number, units, wrapped)
    return units


def _unit(lines: list[str], i: int, group: int, units: list[Unit], wrapped: bool) -> int:
    """The unit that starts at lines[i], appended to `units`; the index of the line after it."""
    line = lines[i]
    following = lines[i + 1] if i + 1 < len(lines) else ""
    underline = UNDERLINE.match(following) if following else None
    if underline and not _is_marker_line(line) and re.search(r"\w", line) and not (
            _row(line)):  # a table's row over a rule: its header
        level = 1 if underline.group(1).startswith("=") else 2
        units.append(Unit(UnitKind.HEADING, line.strip(), group=group, level=level))
        return i + 2
    if UNDERLINE.match(line):
        return i + 1  # a rule between parts: nothing to read
    if _row(line) and (i + 1 < len(lines) and _row(lines[i + 1]) or underline and (
            i + 2 < len(lines) and _row(lines[i + 2]))):  # before lists: "-<TAB>minus"
        return _table_unit(lines, i, group, units)
    atx = ATX.match(line)
    if atx and _atx_heading(atx.group(2), len(atx.group(1)), lines[i - 1] if i else "",
                            following):
        units.append(Unit(UnitKind.HEADING, atx.group(2), group=group, level=len(atx.group(1))))
        return i + 1
    if QUOTE_LINE.match(line):
        return _quote_unit(lines, i, group, units)
    item = BULLET.match(line) or NUMBERED.match(line)
    if item:
        return _item_unit(lines, i, item, group, units)
    return _para_unit(lines, i, group, units, wrapped)


def _quote_unit(lines: list[str], i: int, group: int, units: list[Unit]) -> int:
    """Consecutive "> " lines from lines[i] -> one quote unit; the index after them."""
    parts: list[str] = []
    while i < len(lines) and (quote := QUOTE_LINE.match(lines[i])):
        parts.append(quote.group(1))
        i += 1
    units.append(Unit(UnitKind.QUOTE, " ".join(parts), group=group))
    return i


def _item_unit(lines: list[str], i: int, item: re.Match[str], group: int,
               units: list[Unit]) -> int:
    """A list item at lines[i] and the lines that continue it (indented deeper, or going on in
    lower case after a line that does not end a sentence) -> one item unit; the index after."""
    indent = len(item.group(1))
    parts = [item.group(3)]
    numbered = bool(NUMBERED.match(lines[i]))
    while i + 1 < len(lines):
        nxt = lines[i + 1]
        nxt_indent = len(nxt) - len(nxt.lstrip())
        if _is_marker_line(nxt) or _row(nxt) or nxt_indent <= indent and not (
            nxt.lstrip()[:1].islower() and not _terminal(parts[-1])
        ):
            break
        parts.append(nxt.strip())
        i += 1
    units.append(Unit(UnitKind.ITEM, " ".join(parts), indent=indent, lines=len(parts),
                      group=group, numbered=numbered))
    return i + 1


def _para_unit(lines: list[str], i: int, group: int, units: list[Unit], wrapped: bool) -> int:
    """A paragraph from lines[i]: the next line joins it if it goes on in lower case after a
    line that does not end a sentence, or if this line is long (LONG_LINE) and the text is
    hard-wrapped, does not end a sentence or the next goes on in lower case. Never a marker
    line, a table's row or a line over an underline. The index after it."""
    line = lines[i]
    parts = [line.strip()]
    while i + 1 < len(lines):
        nxt = lines[i + 1]
        if _is_marker_line(nxt) or "\t" in nxt or "\t" in parts[-1] or (
            i + 2 < len(lines) and UNDERLINE.match(lines[i + 2])
        ):
            break  # a table's rows stay one a line
        last = parts[-1]
        lower = nxt.lstrip()[:1].islower()
        if not (lower and not _terminal(last) or len(last) >= LONG_LINE and (
            wrapped or not _terminal(last) or lower
        )):
            break
        parts.append(nxt.strip())
        i += 1
    units.append(Unit(UnitKind.PARAGRAPH, " ".join(parts), indent=len(line) - len(line.lstrip()),
                      lines=len(parts), group=group))
    return i + 1


def _row(line: str) -> bool:
    """A table's row as a browser copies it: cells separated by tabs (_groups keeps tabs only
    in a table's rows, and expands leading ones)."""
    return "\t" in line


def _table_unit(lines: list[str], i: int, group: int, units: list[Unit]) -> int:
    """Consecutive tab-separated rows from lines[i] -> one table unit; the index after them.

    Rows may have fewer cells than others (a copied row drops its trailing empty cells): the
    missing ones are empty, at the start for an indented row (its leading tab, an empty first
    cell, was expanded to spaces: the corner of a table whose rows and columns both have names),
    at the end otherwise (padded in the first row only, the others are read cell by cell). A
    "---" rule right under the first row marks it as the header.
    """
    start = i
    rows: list[list[str]] = []
    indented: list[bool] = []
    ruled = False
    while i < len(lines) and (_row(lines[i]) or UNDERLINE.match(lines[i])
                              and i + 1 < len(lines) and _row(lines[i + 1])):
        if UNDERLINE.match(lines[i]):
            ruled = ruled or i == start + 1
        else:
            indented.append(lines[i][:1].isspace())
            rows.append([cell.strip() for cell in lines[i].strip().split("\t")])
        i += 1
    width = max(len(row) for row in rows)
    for row, shifted in zip(rows, indented, strict=True):
        if shifted and len(row) < width:
            row[:0] = [""] * (width - len(row))
    rows[0] += [""] * (width - len(rows[0]))  # every cell below the header has its name
    first = lines[start]
    units.append(Unit(UnitKind.TABLE, "\n".join(lines[start:i]),
                      indent=len(first) - len(first.lstrip()), lines=len(rows), group=group,
                      rows=rows, header=ruled or _has_header(rows)))
    return i


def _unlabel(rows: list[list[str]], header: bool) -> list[list[str]]:
    """Drop the ":" closing a column's name or a row's label ("Name:<TAB>Alice"), so that the
    row is read "Name; Alice", not "Name:; Alice"."""
    def bare(cell: str) -> str:
        return cell[:-1].rstrip() if cell.endswith((":", "：")) and len(cell.split()) <= 6 else cell
    return [[bare(cell) if header and number == 0 or column == 0 else cell
             for column, cell in enumerate(row)] for number, row in enumerate(rows)]


def _cell_kind(cell: str) -> str:
    """ "" (empty), "text" (has a letter), "year" or "number" (figures, signs, units like "%")."""
    if not cell:
        return ""
    if re.search(r"[^\W\d_]", cell) or not re.search(r"\d", cell):
        return "text"
    return "year" if YEAR.fullmatch(cell) else "number"


def _has_header(rows: list[list[str]]) -> bool:
    """The first row names the columns, unless it looks like one more row of data.

    Browsers copy a table's header (<th>) row first, so the first row is the header by default.
    It is data when one of its cells is a figure in a column whose other cells are figures of
    the same kind ("Alice  30" over "Bob  25"; "1990" over "1985"); a year over plain figures
    ("2023" over "14") names a column. A table all of words ("Alice  Paris" over "Bob  Rome")
    is taken to have a header: such a table cannot be told from one that has. Rows that all
    start with a label ("Returns:  the value") have none: each row names itself.
    """
    if all(row[0].endswith((":", "：")) for row in rows if row[0]):
        return False
    for column in range(len(rows[0])):
        kind = _cell_kind(rows[0][column])
        if kind in ("number", "year") and any(
                _cell_kind(row[column]) == kind for row in rows[1:]):
            return False
    return True


def _atx_heading(text: str, level: int, previous: str, following: str) -> bool:
    """A "# Heading" line, not a comment in pasted code ("# define X 4", "# build it first").

    People paste Markdown-ish text, so "#"/"##" lines are headings ("## Day one:", "## Hostels
    under $30", "# My Post" over "By Jane Doe", "## The walk" right under a line of prose)
    unless code is around them: a C preprocessor line, a line that looks like code right
    before or after, or a one-"#" line written like a comment (over a lower-case command,
    "# Unpack it first" over "tar xf kiln.tar.gz"; or ending with a full stop)."""
    if CPP_DIRECTIVE.match(text):
        return False
    nxt, before = following.strip(), previous.strip()
    if nxt and (CODE_LIKE.search(nxt) or CODE_HINT.search(nxt)) and not _terminal(nxt):
        return False
    if before and CODE_LIKE.search(before) and not _terminal(before):
        return False
    # a one-"#" comment: "# Unpack it first" over "tar xf kiln.tar.gz", "# Done for today."
    return not (level == 1 and (text.endswith(".") or nxt[:1].islower() and not _terminal(nxt)
                                and not BYLINE.match(nxt)))


def anchored(text: str) -> bool:
    """The line ends with a docs site's heading link: "¶", "§", or a "#" glued to a word or ")".

    "Notes#", "fs.open(path)#", "Class: Crypto#" are anchored; "Learning C#" is not (a "#"
    after a single letter names a language), nor "Issue #" (a "#" standing alone).
    """
    text = text.rstrip()
    if text.endswith(("¶", "§")):
        return True
    if not text.endswith("#") or len(text) < 2 or text[-2].isspace():
        return False
    last = text[:-1].split()[-1] if text[:-1].split() else ""
    return len(last.strip("#")) >= 2 or last.endswith((")", "'", '"', "]"))


def strip_anchor(text: str) -> str:
    """ "fs.open(path)#" -> "fs.open(path)": the anchor is never read aloud."""
    return text.rstrip()[:-1].rstrip() if anchored(text) else text


def _title_case(text: str) -> bool:
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words or not words[0][0].isupper() and words[0][0].islower():
        return False
    long_words = [w for w in words if len(w) >= 4]
    if not long_words:
        return True
    return sum(1 for w in long_words if not w[0].islower()) >= 0.6 * len(long_words)


def heading_like(text: str) -> bool:
    """A short line that could be a heading: no closing period, comma or colon, no caption."""
    text = text.strip()
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(text) > MAX_HEADING_CHARS:
        return False
    if not re.search(r"[^\W\d_]", text) or text[0].islower() or CAPTION.match(text):
        return False
    if "\t" in text:  # a table's row: "Name<TAB>Age"
        return False
    if text.endswith("!") and not _title_case(text):
        return False
    if text.endswith((".", ",", ";", ":", "…", "-", "–", "—", "(", "/", "&", "。", "．",
                      "！", "，", "；", "：", "،", "۔")):
        return False
    if CODE_LIKE.search(text) or words[-1] in TRAILING_WORDS:
        return False
    if OPTION.match(text) and not re.search(r":\s+\w", text) or FIELD.match(text):
        return False
    if CODE_HINT.search(text) and not (len(words) >= 3 and _title_case(text)) and not (
            len(words) >= 2 and not re.search(r"[:(]", text)
            and not CODE_HINT.search(SNAKE.sub("", text))):
        return False  # "Using Box<T> on the Heap" is a heading, "The no_std attribute" too
    if is_question(text):
        return _title_case(text)
    return True


def _metadata(units: list[Unit]) -> dict:
    """Take the category, title, byline, reading time and date lines from the top."""
    meta: dict = {}
    used: set[int] = set()
    byline_at = _byline(units, meta)
    if byline_at is not None:
        used.add(byline_at)
        _above_byline(units, byline_at, meta, used)
    elif units and _title_line(units):
        meta["title"] = strip_anchor(units[0].text)
        used.add(0)
    for index, unit in enumerate(units[:8]):
        if index in used or unit.kind != UnitKind.PARAGRAPH or len(unit.text) > 40:
            continue
        date = _date(unit.text)
        if date:
            meta["date"] = date
            used.add(index)
            break
    units[:] = [u for i, u in enumerate(units) if i not in used]
    meta["title_taken"] = "title" in meta
    return meta


def _byline(units: list[Unit], meta: dict) -> int | None:
    """The index of the byline ("By Name 5 min read", "By Name | March 3, 2024") or of a lone
    reading time ("5 min read") among the first lines; what it says goes into `meta`."""
    for index, unit in enumerate(units[:6]):
        if not _one_line(unit):
            continue
        byline = BYLINE.match(unit.text)
        if byline and len(byline.group(1).split()) <= 8 and not _terminal(byline.group(1)):
            name, *rest = re.split(r"\s+[|·•—–]\s+", byline.group(1), maxsplit=1)
            date = _date(rest[0]) if rest else None
            if date:  # "By Name | March 3, 2024"
                meta["date"] = date
            meta["byline"] = (name if date else byline.group(1)).strip(" ,|")
            if byline.group(2):
                meta["reading_time"] = byline.group(2)
            return index
        reading = READING_LINE.match(unit.text)
        if reading and index <= 3:
            meta["reading_time"] = reading.group(1)
            return index
    return None


def _above_byline(units: list[Unit], byline_at: int, meta: dict, used: set[int]) -> None:
    """Around the byline: a reading time under it, the title right above it and a category
    line above the title. Their indexes go into `used`."""
    after = byline_at + 1
    if after < len(units) and units[after].kind == UnitKind.PARAGRAPH:
        reading = READING_LINE.match(units[after].text)
        if reading and "reading_time" not in meta:
            meta["reading_time"] = reading.group(1)
            used.add(after)
    candidates = [i for i in range(byline_at) if _meta_line(units[i])]
    if candidates and candidates[-1] == byline_at - 1:
        meta["title"] = strip_anchor(units[byline_at - 1].text)
        used.add(byline_at - 1)
        if byline_at >= 2 and byline_at - 2 in candidates and len(
            units[byline_at - 2].text.split()
        ) <= 6:
            meta["category"] = units[byline_at - 2].text
            used.add(byline_at - 2)


def _title_line(units: list[Unit]) -> bool:
    """The first line is the title: a short line, or the only top-level underlined heading."""
    first = units[0]
    if _meta_line(first):
        return True
    if _code_named(first) and not first.text.isalpha() and len(units) > 1 and (
            units[1].group != first.group):
        return True  # a manual or API page opens with its name: "frobnicate(1)", "lang_items"
    return first.kind == UnitKind.HEADING and first.level == 1 and not any(
        u.kind == UnitKind.HEADING and u.level == 1 for u in units[1:])


def _meta_line(unit: Unit) -> bool:
    return _one_line(unit) and heading_like(unit.text.rstrip("?"))


def _date(text: str) -> str | None:
    cleaned = re.sub(r"^(published|updated|posted|date)[:\s]+", "", text.strip(),
                     flags=re.IGNORECASE)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def parse_text(text: str) -> tuple[list, dict]:
    """Plain text -> (headings and blocks in order, metadata)."""
    units = _units(_groups(text))
    meta = _metadata(units)
    refs = take_refs(units)
    return _notes_section(_TextReader(units, refs).read()), meta


def take_refs(units: list[Unit]) -> dict[int, list[str]]:
    """Take the "[1]" references out of the units' text, before anything is judged by how a
    line ends; {unit index: the note keys it refers to}. A reference spaced from its word
    ("word [1]") or glued to a letter ("word[1]") counts only when a trailing "Notes" or
    "References" section has that key (see _note_keys)."""
    keys = _note_keys(units)
    refs: dict[int, list[str]] = {}
    for index, unit in enumerate(units):
        if unit.kind in (UnitKind.PARAGRAPH, UnitKind.ITEM, UnitKind.QUOTE) and "[" in unit.text:
            text, found = _strip_refs(unit.text, keys)
            if found or text != unit.text:
                unit.text = squash(text)
                refs[index] = found
    return refs


def _note_keys(units: list[Unit]) -> set[str]:
    """The keys of the notes under a last "Notes" or "References" line ("[1] ...", "1. ...")."""
    start = next((n for n in range(len(units) - 1, -1, -1) if NOTES_TITLE.match(
        strip_anchor(units[n].text).strip()) and (units[n].kind == UnitKind.HEADING
                                                  or _one_line(units[n]))), None)
    body = units[start + 1:] if start is not None else []
    if not body or any(u.kind not in (UnitKind.PARAGRAPH, UnitKind.ITEM) for u in body):
        return set()
    texts = [part for unit in body for part in NOTE_START.split(unit.text)]
    return {_note_key(text, place)[0] for place, text in enumerate(texts, 1)}


def _note_key(text: str, place: int) -> tuple[str, str]:
    """ "[2] Mostly crabs." -> ("2", "Mostly crabs."); unlabelled: (its place, the text)."""
    label = NOTE_LABEL.match(text)
    if not label:
        return str(place), text
    return next(g for g in label.groups() if g), text[label.end():]


def _notes_section(items: list) -> list:
    """The items with the blocks after a last "Notes" heading (or "Notes:" lead-in) made into
    Notes, keyed by their label ("[1]", "1.") or their place in a numbered list."""
    start = next((n for n in range(len(items) - 1, -1, -1)
                  if isinstance(items[n], Heading) or isinstance(items[n], Block)
                  and items[n].kind == LEADIN), None)
    if start is None or not NOTES_TITLE.match(strip_anchor(items[start].text).strip()):
        return items
    body = items[start + 1:]
    if not body or not all(isinstance(b, Block) and b.kind in (PARAGRAPH, ITEM) for b in body):
        return items
    texts = [part for block in body for part in NOTE_START.split(block.text)]
    notes: list = []
    for place, text in enumerate(texts, 1):
        key, note = _note_key(text, place)
        notes.append(Note(Block(BlockKind.NOTE, note), key))
    head = items[start]
    levels = [item.level for item in items if isinstance(item, Heading)]
    # A chapter-level "Notes" heading stays (assemble drops it once its notes have moved).
    kept = [head] if isinstance(head, Heading) and head.level == min(levels) else []
    return items[:start] + kept + notes


def _strip_refs(text: str, keys: set[str]) -> tuple[str, list[str]]:
    """ "Tides rise.[1] Then[2, 3] fall" -> ("Tides rise. Then fall", ["1", "2", "3"])."""
    if CODE_LIKE.search(text.replace("[", "").replace("]", "")):
        return text, []
    refs: list[str] = []

    def cut(match: re.Match[str]) -> str:
        if not match.group(1):
            return ""  # [citation needed]
        found = _ref_keys(match.group(1))
        after_letter = match.start() and text[match.start() - 1].isalpha()
        if after_letter and not (keys and set(found) <= keys):
            return match.group(0)  # "array[1]" with no note 1: an index, not a reference
        refs.extend(found)
        return ""

    def cut_spaced(match: re.Match[str]) -> str:
        if match.group(1) not in keys:
            return match.group(0)
        refs.append(match.group(1))
        return ""

    text = SPACED_REF.sub(cut_spaced, NOTE_REF.sub(cut, text))
    return text, refs


def _ref_keys(label: str) -> list[str]:
    """ "2, 3" -> ["2", "3"]; "5–7" -> ["5", "6", "7"] (a range of at most 20)."""
    keys: list[str] = []
    for part in re.split(r"\s*,\s*", label):
        ends = [int(n) for n in re.split(r"\s*[–-]\s*", part) if n]
        if len(ends) == 2 and 0 <= ends[1] - ends[0] <= 20:
            keys.extend(str(n) for n in range(ends[0], ends[1] + 1))
        else:
            keys.extend(str(n) for n in ends)
    return keys


class _TextReader:
    """Units -> headings and blocks: which lines are headings, lead-ins, nested items."""

    def __init__(self, units: list[Unit], refs: dict[int, list[str]] | None = None) -> None:
        self.units = units
        self.refs = refs or {}  # unit index -> the notes it refers to (see take_refs)
        self.idents = _ident_headings(units)
        self.fields = _repeated_fields(units)
        self.one_group = len({unit.group for unit in units}) <= 1
        self.items: list = []
        self.in_faq = False  # under an FAQ heading: "...?" lines are questions
        self.stack: list[int] = []  # the indents of the open list levels

    def read(self) -> list:
        for index, unit in enumerate(self.units):
            if unit.kind != UnitKind.ITEM:
                self.stack.clear()
            if unit.kind == UnitKind.TABLE:
                rows = _unlabel(unit.rows or [], unit.header)
                self.items.append(table_blocks(rows, unit.header))
            elif unit.kind == UnitKind.HEADING:
                self.heading(unit.text, unit.level)
            elif unit.kind == UnitKind.QUOTE:
                self.items.append(Block(QUOTE, unit.text))
            elif unit.kind == UnitKind.ITEM:
                self.item(index, unit)
            else:
                self.paragraph(index, unit)
            self.items.extend(NoteRef(key) for key in self.refs.get(index, ()))
        return self.items

    def neighbours(self, index: int) -> tuple[Unit | None, Unit | None]:
        """The units before and after units[index] (None at either end)."""
        previous = self.units[index - 1] if index else None
        following = self.units[index + 1] if index + 1 < len(self.units) else None
        return previous, following

    def heading(self, text: str, level: int) -> None:
        self.items.append(Heading(strip_anchor(text), level))
        self.in_faq = is_faq_title(text)

    def item(self, index: int, unit: Unit) -> None:
        """A list item, nested by its indent among the open levels; or a numbered heading."""
        previous, following = self.neighbours(index)
        if unit.numbered and unit.indent == 0 and _numbered_heading(unit, previous, following):
            self.heading(unit.text, 2)  # "2. Getting started"
            self.stack.clear()
            return
        while self.stack and self.stack[-1] > unit.indent:
            self.stack.pop()
        if not self.stack or self.stack[-1] < unit.indent:
            self.stack.append(unit.indent)
        self.items.append(Block(ITEM, unit.text, level=len(self.stack) - 1))

    def paragraph(self, index: int, unit: Unit) -> None:
        """A paragraph: a LEADIN (ends with ":"), an identifier heading or what it introduces,
        a plain heading ("2.1 Setup" one level deeper), or a PARAGRAPH."""
        line = unit.text
        previous, following = self.neighbours(index)
        first_in_group = previous is None or previous.group != unit.group
        multi = MULTI_NUMBERED.match(line) if unit.lines == 1 else None
        title = multi.group(2) if multi else line
        if unit.lines == 1 and line.endswith((":", "：")) and len(line.split()) <= 30:
            self.items.append(Block(LEADIN, line))
        elif unit.lines == 1 and self.in_faq and is_question(line):
            self.items.append(Block(PARAGRAPH, line))
        elif index in self.idents:
            self.items.append(Heading(strip_anchor(line), 2))
            self.in_faq = False
        elif index - 1 in self.idents:  # what the identifier above is or does
            self.items.append(Block(PARAGRAPH, line))
        elif (first_in_group or self.one_group) and line not in self.fields and _plain_heading(
                unit, title, following):
            self.heading(title, 2 + multi.group(1).count(".") if multi else 2)
        else:
            self.items.append(Block(PARAGRAPH, line))


def _plain_heading(unit: Unit, text: str, following: Unit | None) -> bool:
    """A one-line paragraph that is a heading: heading-like, before a paragraph, list or quote.

    Not before one more heading-like line (unless it is an FAQ or ALL CAPS section title), and
    not a line of a program's output (indented deeper than what follows, see _output_line).
    """
    if unit.lines != 1 or following is None or following.kind not in BODY_KINDS:
        return False
    if unit.indent > following.indent and not _all_caps(text) and _output_line(text, following):
        return False
    if not heading_like(text):
        return False
    strong = is_faq_title(text) or _all_caps(text) or anchored(text)
    return strong or not _heading_like_line(following)


def _output_line(text: str, following: Unit) -> bool:
    """An indented line over a less indented one is a program's output when it looks like it
    (figures, code signs, a call) or what follows is indented too or goes on in lower case
    ("   Doc-tests adder" over "running 0 tests"); not a centred heading."""
    return following.indent > 0 or following.text[:1].islower() or bool(
        re.search(r"\d|\w\(", text) or CODE_HINT.search(text))


def _repeated_fields(units: list[Unit]) -> set[str]:
    """ "Type: Runtime" lines met twice or more: a field repeated in a list of entries.

    A heading of the form "Event: 'close'" may repeat too, but a docs site marks it with its
    anchor ("Event: 'close'#"); such lines are left out.
    """
    seen: dict[str, int] = {}
    for unit in units:
        if _one_line(unit) and FIELD_LINE.match(unit.text) and not anchored(unit.text):
            seen[unit.text] = seen.get(unit.text, 0) + 1
    return {text for text, count in seen.items() if count >= 2}


def _ident_shaped(unit: Unit) -> bool:
    """A one-line paragraph shaped like an identifier or a signature (IDENT).

    Not a bare option ("-v", unless it carries a heading's "#" anchor), not a plain word of 3
    letters or fewer ("or", "foo": output and glue words), not "word: some words" ("note: ...",
    "level: warn": a field), not a sentence ("Follow-up: we fixed the bug."), not an e-mail
    address. A plain word ("allow") is shaped like one too: see _code_named.
    """
    text = unit.text
    if not _one_line(unit) or unit.indent or len(text) > MAX_HEADING_CHARS or "\t" in text:
        return False
    match = IDENT.match(text)
    if not match or OPTION.match(text) and ": " not in text and not text.endswith(ANCHORS):
        return False
    bare = text.rstrip("#¶§ ")
    if bare.endswith(TERMINAL) and not (bare.endswith("!") and " " not in bare):
        return False  # "Follow-up: we fixed the bug.": a sentence ("macro_rules!" is a name)
    name = text.split(": ")[0] if ": " in text else bare
    if EMAIL.match(_ident_name(text)) or SITE.match(bare):
        return False  # "editor@example.com", "example.com"
    return not (name.isalpha() and (len(name) <= 3 or ": " in text))


def _ident_name(text: str) -> str:
    """The name in an identifier line.

    "Static method: Pool.create(size)#" -> "Pool.create(size)"; "--out-dir: where" -> "--out-dir".
    """
    return IDENT_PREFIX.sub("", text.rstrip("#¶§ ")).split(": ")[0]


def _code_named(unit: Unit) -> bool:
    """An identifier line whose name has a sign of code (CODE_SIGN): "fs.open", "color_mode",
    "async-idents"; not a plain word ("anyway", "allow") nor "Re-test: it works"."""
    return _ident_shaped(unit) and bool(CODE_SIGN.search(_ident_name(unit.text)))


def _indented_para(unit: Unit) -> bool:
    return unit.kind in (UnitKind.PARAGRAPH, UnitKind.TABLE) and unit.indent > 0


def _ident_headings(units: list[Unit]) -> set[int]:
    """Indexes of the identifier headings of a reference page ("widget.spin(speed)").

    Such a line stands alone between blank lines (or after a table), is followed by a paragraph,
    item or quote that is not one more identifier line (unless it carries an anchor), and does
    not come right after a line ending with ":" (that introduces an example). They count when
    MIN_IDENT_HEADINGS of them have a sign of code in the name (_code_named), or one has and
    there are three or more: plain words ("allow", "warn") are names only on such a page. Else
    none counts: a stray code line or a lone word ("anyway") in an article stays a paragraph.
    """
    found = set()
    named = 0
    for index, unit in enumerate(units):
        if not _ident_shaped(unit) or heading_like(unit.text):
            continue
        previous = units[index - 1] if index else None
        following = units[index + 1] if index + 1 < len(units) else None
        if following is None or following.kind not in BODY_KINDS:
            continue
        if following.group == unit.group or _indented_para(following) or previous is not None and (
            previous.group == unit.group or previous.text.endswith(OPENERS)
        ):
            continue
        if (_ident_shaped(following) or index - 1 in found) and not anchored(unit.text):
            continue
        found.add(index)
        named += _code_named(unit)
    return found if named >= MIN_IDENT_HEADINGS or named and len(found) >= 3 else set()


def _all_caps(text: str) -> bool:
    """ "OPTIONS", "SEE ALSO": a manual's section, a heading even right before a subheading."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and len(text.split()) <= 4 and all(c.isupper() for c in letters)


def _heading_like_line(unit: Unit) -> bool:
    return _one_line(unit) and heading_like(unit.text)


def _numbered_heading(unit: Unit, previous: Unit | None, following: Unit | None) -> bool:
    """'2. Getting started' standing alone before a paragraph, not inside a numbered list."""
    if not heading_like(unit.text) or unit.lines != 1 or following is None:
        return False
    if following.kind not in (UnitKind.PARAGRAPH, UnitKind.TABLE):
        return False
    if previous is not None and previous.kind == UnitKind.ITEM and previous.group == unit.group:
        return False
    return not (following.lines == 1 and heading_like(following.text)
                and following.group == unit.group)
