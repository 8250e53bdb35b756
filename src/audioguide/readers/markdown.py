"""Markdown (CommonMark + tables, with YAML front matter) -> headings and blocks.

Links read as their text, images as their alt text, inline HTML as its text; code blocks become
CODE blocks with a short spoken note; tables are read row by row.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from ..models import CODE, ITEM, PARAGRAPH, QUOTE, TABLE, Block
from .assemble import Heading, squash

MAX_FRONT_MATTER = 64 * 1024
MAX_NESTING = 100
LANGUAGE_NAMES = {
    "py": "Python", "python": "Python", "js": "JavaScript", "javascript": "JavaScript",
    "ts": "TypeScript", "typescript": "TypeScript", "sh": "shell", "bash": "shell",
    "shell": "shell", "console": "shell", "zsh": "shell", "powershell": "PowerShell",
    "c": "C", "cpp": "C++", "c++": "C++", "cs": "C#", "csharp": "C#", "java": "Java",
    "go": "Go", "rust": "Rust", "rs": "Rust", "rb": "Ruby", "ruby": "Ruby", "php": "PHP",
    "html": "HTML", "css": "CSS", "json": "JSON", "yaml": "YAML", "yml": "YAML",
    "toml": "TOML", "sql": "SQL", "xml": "XML", "kotlin": "Kotlin", "swift": "Swift",
    "r": "R", "ini": "INI", "dockerfile": "Dockerfile", "makefile": "Makefile",
}
HTML_STRUCTURE = re.compile(r"<(h[1-6]|ul|ol|table|pre|blockquote)[\s>]", re.IGNORECASE)
HEADING_ID = re.compile(r"\s*\{#[\w:.-]+\}$")  # "## Title {#anchor}"
_TAG = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<[^>]*>", re.DOTALL | re.IGNORECASE)


def code_note(language: str) -> str:
    """What to say for a code block: a short note, the code itself stays in the transcript."""
    language = (language or "").strip().split()[0].lower() if (language or "").strip() else ""
    name = LANGUAGE_NAMES.get(language.lstrip("{."), "")
    if name:
        return f"A code example in {name}, shown in the transcript."
    return "A code example, shown in the transcript."


def table_blocks(rows: list[list[str]], has_header: bool = True) -> Block:
    """A table: plain text for the transcript, read row by row for the listener."""
    rows = [[squash(cell) for cell in row] for row in rows if any(squash(c) for c in row)]
    text = "\n".join(" | ".join(row) for row in rows)
    header = rows[0] if has_header and len(rows) > 1 else []
    body = rows[1:] if header else rows
    spoken_rows = []
    for number, row in enumerate(body, 1):
        if header:
            cells = [f"{name}, {value}" if name else value
                     for name, value in zip(header, row) if value]
        else:
            cells = [value for value in row if value]
        if cells:
            row_text = f"Row {number}: " + "; ".join(cells)
            spoken_rows.append(row_text if row_text.endswith((".", "!", "?")) else row_text + ".")
    intro = f"A table with {len(body)} row{'s' if len(body) != 1 else ''}"
    if header:
        intro += ": " + ", ".join(name for name in header if name)
    spoken = " ".join([intro + "."] + spoken_rows)
    return Block(TABLE, text, spoken=spoken)


def html_text(fragment: str) -> str:
    """The text of an HTML fragment inside Markdown (no tags, comments, scripts)."""
    return squash(html.unescape(_TAG.sub(" ", fragment)))


def _inline_text(token, images: bool = True) -> str:
    """The text of an inline run: links as their text, images as their alt text (if `images`)."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image" and images:
            alt = "".join(c.content for c in child.children or []) or child.content
            if alt:
                parts.append(alt)
        elif child.type == "html_inline":
            parts.append(" " if re.match(r"<br\b", child.content, re.IGNORECASE) else "")
    if not token.children:
        parts.append(token.content)
    return squash("".join(parts))


def _as_text(value) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return squash(str(value))[:500]
    return ""


def _first_text(value) -> str:
    if isinstance(value, list):
        return next((_as_text(v) for v in value if _as_text(v)), "")
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title") or "")
    return _as_text(value)


def _date(value) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
        if match:
            try:
                return dt.date.fromisoformat(match.group(1)).isoformat()
            except ValueError:
                return None
    return None


def front_matter(content: str) -> dict:
    """YAML front matter -> metadata; anything malformed or oddly typed is ignored."""
    if len(content) > MAX_FRONT_MATTER:
        return {}
    import yaml

    try:
        data = yaml.safe_load(content)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return {}  # a malformed header never stops the article being read
    if not isinstance(data, dict):
        return {}
    data = {str(k).lower(): v for k, v in data.items() if isinstance(k, (str, int))}
    meta: dict = {}
    meta["title"] = _as_text(data.get("title"))
    meta["byline"] = _first_text(data.get("author") or data.get("authors") or data.get("byline"))
    meta["category"] = _first_text(data.get("category") or data.get("categories"))
    lang = _as_text(data.get("lang") or data.get("language"))
    if re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*", lang):
        meta["lang"] = lang.replace("_", "-")
    meta["date"] = _date(data.get("date") or data.get("published"))
    meta["description"] = _as_text(
        data.get("description") or data.get("summary") or data.get("excerpt"))
    image = data.get("image") or data.get("cover")
    if isinstance(image, dict):
        image = image.get("image") or image.get("src") or image.get("url")
    meta["image"] = _as_text(image) or None
    reading = _as_text(data.get("reading_time") or data.get("readingtime"))
    if reading:
        meta["reading_time"] = reading if "read" in reading else f"{reading} min read"
    return {k: v for k, v in meta.items() if v}


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


def parse_markdown(text: str) -> tuple[list, dict]:
    """Markdown -> (headings and blocks in order, metadata)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
    parser.use(front_matter_plugin)
    tokens = parser.parse(text)
    if any(token.level >= MAX_NESTING - 3 for token in tokens):
        # Past the nesting limit markdown-it drops text: flatten the deepest levels and retry.
        tokens = parser.parse(_flattened(text))
    meta: dict = {}
    items: list = []
    list_depth = 0
    quote_depth = 0
    item_open: list[bool] = []  # per open list item: has its first paragraph been read?
    heading_level = 0
    table: list[list[str]] | None = None
    for token in tokens:
        kind = token.type
        if kind == "front_matter":
            meta = front_matter(token.content)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth = max(0, list_depth - 1)
        elif kind == "list_item_open":
            item_open.append(False)
        elif kind == "list_item_close":
            if item_open:
                item_open.pop()
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth = max(0, quote_depth - 1)
        elif kind == "heading_open":
            heading_level = int(token.tag[1:]) if token.tag[1:].isdigit() else 2
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "table_open":
            table = []
        elif kind == "tr_open" and table is not None:
            table.append([])
        elif kind == "table_close" and table is not None:
            if table:
                items.append(table_blocks(table))
            table = None
        elif kind in ("fence", "code_block"):
            code = token.content.rstrip("\n")
            if code.strip():
                items.append(Block(CODE, code, spoken=code_note(token.info)))
        elif kind == "html_block":
            if not quote_depth and HTML_STRUCTURE.search(token.content):
                from .html import parse_fragment

                items.extend(parse_fragment(token.content))
                continue
            fragment = html_text(token.content)
            if fragment:
                items.append(Block(QUOTE if quote_depth else PARAGRAPH, fragment))
        elif kind == "inline":
            content = _inline_text(token, images=not heading_level)  # badges in headings
            if table is not None:
                if table:
                    table[-1].append(content)
            elif heading_level:
                items.append(Heading(HEADING_ID.sub("", content), heading_level))
            elif item_open and not item_open[-1]:
                item_open[-1] = True
                items.append(Block(ITEM, content, level=max(0, list_depth - 1)))
            elif quote_depth:
                items.append(Block(QUOTE, content))
            elif content:
                items.append(Block(PARAGRAPH, content))
    return items, meta
