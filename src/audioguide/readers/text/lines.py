"""Plain text -> units: its lines grouped between blank lines and read as paragraphs, list
items, quotes, underlined or "#" headings and tables (the rules: see the package's docstring)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...models import StrEnum

BULLET = re.compile(r"^(\s*)([•◦▪▫‣●○■□➢➤►▸✓✔–*+\-·])\s+(\S.*)$")
NUMBERED = re.compile(r"^(\s*)(\d{1,3}[.)]|[a-z]\)|\(\d{1,3}\)|\([a-z]\))\s+(\S.*)$")
UNDERLINE = re.compile(r"^\s*(={3,}|-{3,})\s*$")
ATX = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
# "# define NAME 4", "#  include <stdio.h>": the C preprocessor, not a Markdown heading.
CPP_DIRECTIVE = re.compile(r"^(?:define|include|ifn?def|endif|undef|pragma|elif|else|if|error)\b")
TABLE_ROW = re.compile(r"^\s*\S[^\t]*\t")  # "Name<TAB>Age": cells as a browser copies a table
QUOTE_LINE = re.compile(r"^\s*>\s?(.*)$")
# A byline: metadata.py takes it; a "# My Post" line right above it is a heading.
READING = r"\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s+read"
BYLINE = re.compile(
    rf"^(?:by|written by|author:?)\s+([^\W\d_].{{0,80}}?)\s*(?:[|·•—–,-]\s*)?({READING})?\s*$",
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
TERMINAL = (".", "!", "?", ":", ";", '."', ".”", "!”", "?”", '?"', '!"', "…", "。", "！", "？",
            "：", "；", "۔", "؟")
LONG_LINE = 40  # a shorter line never continues onto the next one (it may be a heading)
YEAR = re.compile(r"(?:1[89]|20)\d\d")  # "2023" over a column of figures: a column name


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


def one_line(unit: Unit) -> bool:
    """A paragraph of a single line: it may be a heading, a title, a byline, a field..."""
    return unit.kind == UnitKind.PARAGRAPH and unit.lines == 1


def terminal(line: str) -> bool:
    """The line ends a sentence or a clause (TERMINAL)."""
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
    runs_on = len(before) >= LONG_LINE and not terminal(before) and not _is_marker_line(before)
    return not (runs_on or after[:1].islower())


def _hard_wrapped(groups: list[list[str]]) -> bool:
    """Prose wrapped at a fixed width: long lines, blank lines between paragraphs."""
    plain = [line for g in groups for line in g if not _is_marker_line(line)]
    if len(groups) < 3 or not plain or max(len(line) for line in plain) > 100:
        return False
    multi = sum(1 for g in groups if sum(not _is_marker_line(line) for line in g) >= 2)
    return multi >= 3 and multi >= len(groups) // 4


def text_units(text: str) -> list[Unit]:
    """Plain text -> units: its lines in groups (_groups), each group read as units (_units)."""
    return _units(_groups(text))


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
            nxt.lstrip()[:1].islower() and not terminal(parts[-1])
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
        if not (lower and not terminal(last) or len(last) >= LONG_LINE and (
            wrapped or not terminal(last) or lower
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


def unlabel(rows: list[list[str]], header: bool) -> list[list[str]]:
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
    if nxt and (CODE_LIKE.search(nxt) or CODE_HINT.search(nxt)) and not terminal(nxt):
        return False
    if before and CODE_LIKE.search(before) and not terminal(before):
        return False
    # a one-"#" comment: "# Unpack it first" over "tar xf kiln.tar.gz", "# Done for today."
    return not (level == 1 and (text.endswith(".") or nxt[:1].islower() and not terminal(nxt)
                                and not BYLINE.match(nxt)))
