"""Plain text -> headings and blocks, the way people paste articles (and docs pages).

The plain-text rules (described here only), by the module that holds them:

- Lines and tables (lines.py): lines between blank lines make a group. A line joins the
  paragraph above when it goes on in lower case after a line that does not end a sentence, or
  after a long line (LONG_LINE) that does not end one, or in hard-wrapped text. Bullets (•, -,
  *, ...) and numbers make list items, nested by indentation; "> " lines are a quote. Two or more
  lines of tab-separated cells in a row (as a browser copies a table) are one table, read with
  its column names (see _table_unit) and ending its group of lines; a stray tab in prose or
  after a list marker reads as a space (see _groups). Lines underlined with === or --- and
  "# Heading" are headings, unless "# ..." is a comment in pasted code (a C preprocessor line
  such as "# define X 4"; next to code lines; one "#" over a lower-case command, "# build it",
  or ending with ".").
- Metadata (metadata.py): a category line, a title line and a byline ("By Name 5 min read", or
  "By Name | March 3, 2024") at the top, and a date among the first lines.
- Headings (headings.py): a heading is a short line standing alone (after a blank line),
  without a closing period, comma or colon, that is followed by a paragraph or a list, not by
  one more such line (unless it is ALL CAPS, an FAQ title or ends with a docs site's anchor);
  "2. Getting started" counts too. Questions ("...?") are headings only in Title Case; in an
  FAQ section they are QUESTION blocks. A line ending with ":" introduces a list (LEADIN),
  never a heading. Never headings either: captions ("Figure 2:", "Listing 3-1:", "Photo by
  ..."), code and command lines, table rows, lines of program output (indented deeper than
  what follows and looking like output, or over more indented or lower-case lines; a centred
  heading counts), and "Key: value" fields met more than once in the document. A reference
  page's identifier lines ("fs.open(path)", "profile.<name>.debug", "--out-dir: where it
  goes") are headings when the page has several whose names carry a sign of code (never a
  sentence, a plain word or an e-mail address alone). A heading's copied anchor ("¶", "§", a
  "#" glued to a word or ")", not "C#") is dropped.
- Notes (notes.py): a last "Notes", "Footnotes" or "References" section becomes Notes ("[1]
  ...", "1. ..."), and a "[1]" glued to a sentence's end is a reference, never read (see
  take_refs).
"""

from __future__ import annotations

from ..assemble import ArticleMeta, Item
from .headings import TextReader
from .lines import text_units
from .metadata import take_metadata
from .notes import notes_section, take_refs


def parse_text(text: str) -> tuple[list[Item], ArticleMeta]:
    """Plain text -> (headings and blocks in order, metadata)."""
    units = text_units(text)
    meta = take_metadata(units)
    refs = take_refs(units)
    return notes_section(TextReader(units, refs).read()), meta
