"""Markdown (CommonMark + tables, with YAML front matter) -> headings and blocks.

Links read as their text, images as their alt text, inline HTML as its text; code blocks become
CODE blocks with a short spoken note, and so do formulas (`$$...$$` a MATH block; `$...$` in a
sentence is shown with its dollars and said as a short note unless it is a lone symbol, see
blocks.inline_math_said; in a heading or a table cell it is its TeX; "$5 and $10" stays money);
tables are read row by row (see blocks.py). An HTML block with headings, lists, tables, code
or quotes in it is read like a page (see htmltree.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from .. import langtag
from ..models import CODE, ITEM, PARAGRAPH, QUOTE, Block, BlockKind
from .assemble import ArticleMeta, Heading, Item, Note, NoteRef, iso_date, squash
from .blocks import MATH_NOTE, code_note, inline_math_said, table_blocks
from .htmltree import html_text, parse_fragment

if TYPE_CHECKING:
    from markdown_it.token import Token

MAX_FRONT_MATTER = 64 * 1024
MAX_NESTING = 100
HTML_STRUCTURE = re.compile(r"<(h[1-6]|ul|ol|table|pre|blockquote)[\s>]", re.IGNORECASE)
HEADING_ID = re.compile(r"\s*\{#[\w:.-]+\}$")  # "## Title {#anchor}"
NESTING_TOKENS = frozenset((
    "bullet_list_open", "ordered_list_open", "bullet_list_close", "ordered_list_close",
    "list_item_open", "list_item_close", "blockquote_open", "blockquote_close",
    "heading_open", "heading_close",
))
TABLE_TOKENS = frozenset(("table_open", "tr_open", "table_close"))


HTML_OPEN = re.compile(r"<([A-Za-z][\w-]*)\b([^>]*?)(/?)>\Z")
HTML_CLOSE = re.compile(r"</([A-Za-z][\w-]*)\s*>\Z")
HTML_LANG = re.compile(r"""\blang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
VOID_TAGS = frozenset(("br", "img", "hr", "wbr", "input", "meta", "link", "source"))


def _html_lang(tag: str) -> tuple[str, str] | None:
    """An inline HTML tag -> ("open", lang or "") or ("close", ""); None for anything else."""
    closing = HTML_CLOSE.match(tag)
    if closing:
        return "close", ""
    opening = HTML_OPEN.match(tag)
    if not opening or opening.group(3) or opening.group(1).lower() in VOID_TAGS:
        return None
    found = HTML_LANG.search(opening.group(2))
    return "open", langtag.tag(next(filter(None, found.groups()), "") if found else "")


def _inline_text(token: Token, images: bool = True) -> str:
    """The text of an inline run: links as their text, images as their alt text (if `images`)."""
    return _inline_parts(token, images)[0]


def _inline_parts(token: Token, images: bool = True,
                  doc_lang: str | None = None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """An inline run's text and its phrases in another language than `doc_lang`: inline
    `<span lang="fr">...</span>` and Pandoc's `[...]{lang=fr}` (the outermost ones)."""
    parts: list[str] = []
    opened: list[tuple[int, str]] = []  # per open span or tag: where it starts, its language
    phrases: list[tuple[str, str]] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "math_inline":
            parts.append(f"${child.content}$")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image" and images:
            alt = "".join(c.content for c in child.children or []) or child.content
            if alt:
                parts.append(alt)
        elif child.type == "html_inline":
            parts.append(" " if re.match(r"<br\b", child.content, re.IGNORECASE) else "")
            _span_edge(_html_lang(child.content), parts, opened, phrases, doc_lang)
        elif child.type in ("span_open", "span_close"):
            edge = ("open", langtag.tag(str(child.attrs.get("lang", "")).strip()))
            _span_edge(edge if child.type == "span_open" else ("close", ""), parts, opened,
                       phrases, doc_lang)
    if not token.children:
        parts.append(token.content)
    text = squash("".join(parts))
    kept = [(p, t) for p, t in phrases if p and p in text]
    return text, tuple(dict.fromkeys(kept))


def _said(token: Token, text: str) -> str | None:
    """An inline run as said, when it holds a formula: each `$...$` as `inline_math_said`
    ("$v = d / t$" -> "a formula shown in the transcript"; "$x$" -> "x"); else None."""
    formulas = [c.content for c in token.children or [] if c.type == "math_inline"]
    said = text
    for tex in formulas:
        said = said.replace(f"${tex}$", inline_math_said(tex), 1)
    return said if formulas and said != text else None


def _undollared(token: Token, text: str) -> str:
    """The run with its formulas as bare TeX (a heading, a table cell): "$x^2$" -> "x^2"."""
    for tex in (c.content for c in token.children or [] if c.type == "math_inline"):
        text = text.replace(f"${tex}$", tex, 1)
    return text


def _span_edge(edge: tuple[str, str] | None, parts: list[str], opened: list[tuple[int, str]],
               phrases: list[tuple[str, str]], doc_lang: str | None) -> None:
    """A span opening or closing: a closing one with a language (and none open around it
    with another) adds its text to `phrases`."""
    if edge is None:
        return
    kind, lang = edge
    if kind == "open":
        opened.append((len(parts), lang))
        return
    if not opened:
        return
    start, lang = opened.pop()
    outer_foreign = any(tag and not langtag.same_language(tag, doc_lang) for _, tag in opened)
    if lang and not langtag.same_language(lang, doc_lang) and not outer_foreign:
        phrases.append((squash("".join(parts[start:])), lang))


def _as_text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return squash(str(value))[:500]
    return ""


def _first_text(value: object) -> str:
    if isinstance(value, list):
        return next((_as_text(v) for v in value if _as_text(v)), "")
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title") or "")
    return _as_text(value)


def _date(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return iso_date(value)
    return None


def front_matter(content: str) -> ArticleMeta:
    """YAML front matter -> metadata; anything malformed or oddly typed is ignored."""
    if len(content) > MAX_FRONT_MATTER:
        return ArticleMeta()
    import yaml

    try:
        data = yaml.safe_load(content)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return ArticleMeta()  # a malformed header never stops the article being read
    if not isinstance(data, dict):
        return ArticleMeta()
    data = {str(k).lower(): v for k, v in data.items() if isinstance(k, (str, int))}
    image = data.get("image") or data.get("cover")
    if isinstance(image, dict):
        image = image.get("image") or image.get("src") or image.get("url")
    reading = _as_text(data.get("reading_time") or data.get("readingtime"))
    if reading and "read" not in reading:
        reading = f"{reading} min read"
    return ArticleMeta(
        title=_as_text(data.get("title")),
        byline=_first_text(data.get("author") or data.get("authors") or data.get("byline")),
        category=_first_text(data.get("category") or data.get("categories")),
        lang=langtag.tag(_as_text(data.get("lang") or data.get("language"))),
        date=_date(data.get("date") or data.get("published")) or "",
        description=_as_text(
            data.get("description") or data.get("summary") or data.get("excerpt")),
        image=_as_text(image),
        reading_time=reading,
    )


def _flattened(text: str) -> str:
    """Cap quote depth at 8 and indentation at 40 columns, so no text is past the limit."""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"^(\s*>){9,}", ">" * 8, line)
        stripped = line.lstrip(" ")
        if len(line) - len(stripped) > 40:
            line = " " * 40 + stripped
        lines.append(line)
    return "\n".join(lines)


def _tokens(text: str) -> list[Token]:
    """markdown-it's tokens for `text`, with front matter and tables, never losing deep text."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
    parser.use(front_matter_plugin).use(attrs_plugin, spans=True).use(footnote_plugin)
    # "$5 and $10" stays money: no digit or space just inside the dollars.
    parser.use(dollarmath_plugin, allow_digits=False, allow_space=False)
    tokens = parser.parse(text)
    if any(token.level >= MAX_NESTING - 3 for token in tokens):
        # Past the nesting limit markdown-it drops text: flatten the deepest levels and retry.
        tokens = parser.parse(_flattened(text))
    return tokens


class _TokenReader:
    """markdown-it's flat token stream -> headings and blocks, tracking where each token is:
    in how many lists and quotes, in a heading, in a table."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.meta = ArticleMeta()
        self.list_depth = 0
        self.quote_depth = 0
        self.item_open: list[bool] = []  # per open list item: has its first paragraph been read?
        self.heading_level = 0
        self.table: list[list[str]] | None = None  # the rows so far, inside a table
        self.note_key: str | None = None  # inside a footnote's definition: its label

    def read(self, token: Token) -> None:
        kind = token.type
        if kind == "front_matter":
            self.meta = front_matter(token.content)
        elif kind in NESTING_TOKENS:
            self.nesting(kind, token)
        elif kind in TABLE_TOKENS:
            self.table_token(kind)
        elif kind in ("fence", "code_block"):
            code = token.content.rstrip("\n")
            if code.strip():
                self.items.append(Block(CODE, code, spoken=code_note(token.info)))
        elif kind == "html_block":
            self.html_block(token.content)
        elif kind in ("math_block", "math_block_label"):
            if token.content.strip():
                self.items.append(Block(BlockKind.MATH, token.content.strip(), spoken=MATH_NOTE))
        elif kind == "footnote_open":
            self.note_key = str((token.meta or {}).get("label", ""))
        elif kind == "footnote_close":
            self.note_key = None
        elif kind == "inline":
            self.inline(token)

    def nesting(self, kind: str, token: Token) -> None:
        """Lists, list items, quotes and headings opening and closing."""
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.list_depth = max(0, self.list_depth - 1)
        elif kind == "list_item_open":
            self.item_open.append(False)
        elif kind == "list_item_close":
            if self.item_open:
                self.item_open.pop()
        elif kind == "blockquote_open":
            self.quote_depth += 1
        elif kind == "blockquote_close":
            self.quote_depth = max(0, self.quote_depth - 1)
        elif kind == "heading_open":
            self.heading_level = int(token.tag[1:]) if token.tag[1:].isdigit() else 2
        else:  # heading_close
            self.heading_level = 0

    def table_token(self, kind: str) -> None:
        """A table opening, a row starting, a table closing: then it is one TABLE block."""
        if kind == "table_open":
            self.table = []
        elif self.table is None:
            return
        elif kind == "tr_open":
            self.table.append([])
        else:  # table_close
            if self.table:
                self.items.append(table_blocks(self.table))
            self.table = None

    def html_block(self, content: str) -> None:
        """HTML with structure (headings, lists, tables...) is read as a page; else its text."""
        if not self.quote_depth and (HTML_STRUCTURE.search(content)
                                     or HTML_LANG.search(content)):
            self.items.extend(parse_fragment(content, self.meta.lang or None))
            return
        fragment = html_text(content)
        if fragment:
            self.items.append(Block(QUOTE if self.quote_depth else PARAGRAPH, fragment))

    def inline(self, token: Token) -> None:
        """A run of text: a table cell, a heading, a list item's first paragraph, a quote or a
        paragraph, by where it stands."""
        # (no images in headings: badges)
        content, langs = _inline_parts(token, not self.heading_level,
                                       self.meta.lang or None)
        said = _said(token, content)
        children = token.children or []
        self.items.extend(NoteRef(str((c.meta or {}).get("label", ""))) for c in children
                          if c.type == "footnote_ref")
        if self.note_key is not None:
            if content:
                self.items.append(Note(Block(BlockKind.NOTE, content, spoken=said, langs=langs),
                                       self.note_key))
            return
        shown = [c for c in children if c.type not in ("link_open", "link_close", "softbreak")
                 and not (c.type == "text" and not c.content.strip())]
        if (content and not self.heading_level and self.table is None and len(shown) == 1
                and shown[0].type == "image"):
            self.items.append(Block(BlockKind.FIGURE, content))  # an image on its own line
            return
        if self.table is not None:
            if self.table:
                self.table[-1].append(_undollared(token, content))
        elif self.heading_level:
            self.items.append(Heading(HEADING_ID.sub("", _undollared(token, content)),
                                      self.heading_level))
        elif self.item_open and not self.item_open[-1]:
            self.item_open[-1] = True
            self.items.append(Block(ITEM, content, level=max(0, self.list_depth - 1),
                                    spoken=said, langs=langs))
        elif self.quote_depth:
            self.items.append(Block(QUOTE, content, spoken=said, langs=langs))
        elif content:
            self.items.append(Block(PARAGRAPH, content, spoken=said, langs=langs))


def parse_markdown(text: str) -> tuple[list[Item], ArticleMeta]:
    """Markdown -> (headings and blocks in order, metadata)."""
    reader = _TokenReader()
    for token in _tokens(text):
        reader.read(token)
    return reader.items, reader.meta
