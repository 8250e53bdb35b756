"""Plain text -> headings and blocks, the way people paste articles.

The shape: an optional category line, a title line, a byline ("By Name 5 min read"), then
paragraphs. A heading is a short standalone line without a closing period that is followed by
a paragraph or a list ("2. Getting started" and lines underlined with === or --- too). Lists use
bullets (•, -, *, ...) or numbers and nest by indentation. A line ending with ":" introduces a
list (LEADIN), never a heading; in an FAQ section, lines ending with "?" are questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..models import ITEM, LEADIN, PARAGRAPH, QUOTE, Block
from .assemble import Heading, is_faq_title, is_question

BULLET = re.compile(r"^(\s*)([•◦▪▫‣●○■□➢➤►▸✓✔–*+\-·])\s+(\S.*)$")
NUMBERED = re.compile(r"^(\s*)(\d{1,3}[.)]|[a-z]\)|\(\d{1,3}\)|\([a-z]\))\s+(\S.*)$")
MULTI_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(\S.*)$")
UNDERLINE = re.compile(r"^\s*(={3,}|-{3,})\s*$")
ATX = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
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
# Lines of code, commands and markup pasted with an article are not headings.
CODE_LIKE = re.compile(r"[{};$=|@`]|^(//|#|--|/|\[|!|\.|&|\()|\(\)|\[\]|::|->|=>|[(\[,]$")
# Less certain signs of code: allowed in a Title Case heading ("Using Box<T> on the Heap").
CODE_HINT = re.compile(r"[<>\\~^]|\w_\w|\w\.\w+\(|\w/[\w.-]+\.\w")
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


@dataclass
class Unit:
    kind: str  # "para" | "item" | "quote" | "heading"
    text: str
    indent: int = 0
    lines: int = 1
    group: int = 0
    numbered: bool = False
    level: int = 2  # headings only


def _terminal(line: str) -> bool:
    return line.rstrip().endswith(TERMINAL)


def _is_marker_line(line: str) -> bool:
    return bool(BULLET.match(line) or NUMBERED.match(line) or QUOTE_LINE.match(line)
                or ATX.match(line) or UNDERLINE.match(line))


def _groups(text: str) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for raw in text.split("\n"):
        line = raw.expandtabs(4).rstrip()
        if line.strip():
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def _hard_wrapped(groups: list[list[str]]) -> bool:
    """Prose wrapped at a fixed width: long lines, blank lines between paragraphs."""
    plain = [line for g in groups for line in g if not _is_marker_line(line)]
    if len(groups) < 3 or not plain or max(len(line) for line in plain) > 100:
        return False
    multi = sum(1 for g in groups if sum(not _is_marker_line(line) for line in g) >= 2)
    return multi >= 3 and multi >= len(groups) // 4


def _units(groups: list[list[str]]) -> list[Unit]:
    wrapped = _hard_wrapped(groups)
    units: list[Unit] = []
    for number, lines in enumerate(groups):
        i = 0
        while i < len(lines):
            line = lines[i]
            following = lines[i + 1] if i + 1 < len(lines) else ""
            underline = UNDERLINE.match(following) if following else None
            if underline and not _is_marker_line(line) and re.search(r"\w", line):
                level = 1 if underline.group(1).startswith("=") else 2
                units.append(Unit("heading", line.strip(), group=number, level=level))
                i += 2
                continue
            if UNDERLINE.match(line):
                i += 1  # a rule between parts: nothing to read
                continue
            atx = ATX.match(line)
            if atx:
                units.append(Unit("heading", atx.group(2), group=number, level=len(atx.group(1))))
                i += 1
                continue
            quote = QUOTE_LINE.match(line)
            if quote:
                parts = [quote.group(1)]
                while i + 1 < len(lines) and QUOTE_LINE.match(lines[i + 1]):
                    i += 1
                    parts.append(QUOTE_LINE.match(lines[i]).group(1))
                units.append(Unit("quote", " ".join(parts), group=number))
                i += 1
                continue
            item = BULLET.match(line) or NUMBERED.match(line)
            if item:
                indent = len(item.group(1))
                parts = [item.group(3)]
                while i + 1 < len(lines):
                    nxt = lines[i + 1]
                    nxt_indent = len(nxt) - len(nxt.lstrip())
                    if _is_marker_line(nxt) or nxt_indent <= indent and not (
                        nxt.lstrip()[:1].islower() and not _terminal(parts[-1])
                    ):
                        break
                    parts.append(nxt.strip())
                    i += 1
                units.append(Unit("item", " ".join(parts), indent=indent, lines=len(parts),
                                  group=number, numbered=bool(NUMBERED.match(line))))
                i += 1
                continue
            parts = [line.strip()]
            while i + 1 < len(lines):
                nxt = lines[i + 1]
                if _is_marker_line(nxt) or (
                    i + 2 < len(lines) and UNDERLINE.match(lines[i + 2])
                ):
                    break
                last = parts[-1]
                lower = nxt.lstrip()[:1].islower()
                if not (lower and not _terminal(last) or len(last) >= LONG_LINE and (
                    wrapped or not _terminal(last) or lower
                )):
                    break
                parts.append(nxt.strip())
                i += 1
            units.append(Unit("para", " ".join(parts), lines=len(parts), group=number))
            i += 1
    return units


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
    if text.endswith("!") and not _title_case(text):
        return False
    if text.endswith((".", ",", ";", ":", "…", "-", "–", "—", "(", "/", "&", "。", "．",
                      "！", "，", "；", "：", "،", "۔")):
        return False
    if CODE_LIKE.search(text) or words[-1] in TRAILING_WORDS:
        return False
    if CODE_HINT.search(text) and not (len(words) >= 3 and _title_case(text)):
        return False
    if is_question(text):
        return _title_case(text)
    return True


def _metadata(units: list[Unit]) -> dict:
    """Take the category, title, byline, reading time and date lines from the top."""
    meta: dict = {}
    head = units[:6]
    byline_at = None
    for index, unit in enumerate(head):
        if unit.kind != "para" or unit.lines != 1:
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
            byline_at = index
            break
        reading = READING_LINE.match(unit.text)
        if reading and index <= 3:
            meta["reading_time"] = reading.group(1)
            byline_at = index
            break
    used: set[int] = set()
    if byline_at is not None:
        used.add(byline_at)
        after = byline_at + 1
        if after < len(units) and units[after].kind == "para":
            reading = READING_LINE.match(units[after].text)
            if reading and "reading_time" not in meta:
                meta["reading_time"] = reading.group(1)
                used.add(after)
        candidates = [i for i in range(byline_at) if _meta_line(units[i])]
        if candidates and candidates[-1] == byline_at - 1:
            meta["title"] = units[byline_at - 1].text
            used.add(byline_at - 1)
            if byline_at >= 2 and byline_at - 2 in candidates and len(
                units[byline_at - 2].text.split()
            ) <= 6:
                meta["category"] = units[byline_at - 2].text
                used.add(byline_at - 2)
    elif units and _title_line(units):
        meta["title"] = units[0].text
        used.add(0)
    for index, unit in enumerate(units[:8]):
        if index in used or unit.kind != "para" or len(unit.text) > 40:
            continue
        date = _date(unit.text)
        if date:
            meta["date"] = date
            used.add(index)
            break
    units[:] = [u for i, u in enumerate(units) if i not in used]
    meta["title_taken"] = "title" in meta
    return meta


def _title_line(units: list[Unit]) -> bool:
    """The first line is the title: a short line, or the only top-level underlined heading."""
    first = units[0]
    if _meta_line(first) and heading_like(first.text.rstrip("?")):
        return True
    return first.kind == "heading" and first.level == 1 and not any(
        u.kind == "heading" and u.level == 1 for u in units[1:])


def _meta_line(unit: Unit) -> bool:
    return unit.kind == "para" and unit.lines == 1 and heading_like(unit.text.rstrip("?"))


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
    items: list = []
    one_group = len({unit.group for unit in units}) <= 1
    in_faq = False
    stack: list[int] = []
    for index, unit in enumerate(units):
        following = units[index + 1] if index + 1 < len(units) else None
        previous = units[index - 1] if index else None
        first_in_group = previous is None or previous.group != unit.group
        if unit.kind != "item":
            stack.clear()
        if unit.kind == "heading":
            items.append(Heading(unit.text, unit.level))
            in_faq = is_faq_title(unit.text)
            continue
        if unit.kind == "quote":
            items.append(Block(QUOTE, unit.text))
            continue
        if unit.kind == "item":
            if unit.numbered and unit.indent == 0 and _numbered_heading(unit, previous, following):
                items.append(Heading(unit.text, 2))  # "2. Getting started" -> "Getting started"
                in_faq = is_faq_title(unit.text)
                stack.clear()
                continue
            while stack and stack[-1] > unit.indent:
                stack.pop()
            if not stack or stack[-1] < unit.indent:
                stack.append(unit.indent)
            items.append(Block(ITEM, unit.text, level=len(stack) - 1))
            continue
        line = unit.text
        multi = MULTI_NUMBERED.match(line) if unit.lines == 1 else None
        if unit.lines == 1 and line.endswith((":", "：")) and len(line.split()) <= 30:
            items.append(Block(LEADIN, line))
        elif unit.lines == 1 and in_faq and is_question(line):
            items.append(Block(PARAGRAPH, line))
        elif (
            unit.lines == 1
            and (first_in_group or one_group)
            and heading_like(multi.group(2) if multi else line)
            and following is not None
            and following.kind in ("para", "item", "quote")
            and (is_faq_title(line) or not _heading_like_line(following))
        ):
            title = multi.group(2) if multi else line
            level = 2 + multi.group(1).count(".") if multi else 2
            items.append(Heading(title, level))
            in_faq = is_faq_title(title)
        else:
            items.append(Block(PARAGRAPH, line))
    return items, meta


def _heading_like_line(unit: Unit) -> bool:
    return unit.kind == "para" and unit.lines == 1 and heading_like(unit.text)


def _numbered_heading(unit: Unit, previous: Unit | None, following: Unit | None) -> bool:
    """'2. Getting started' standing alone before a paragraph, not inside a numbered list."""
    if not heading_like(unit.text) or unit.lines != 1 or following is None:
        return False
    if following.kind != "para" or (previous is not None and previous.kind == "item"
                                    and previous.group == unit.group):
        return False
    return not (following.lines == 1 and heading_like(following.text)
                and following.group == unit.group)
