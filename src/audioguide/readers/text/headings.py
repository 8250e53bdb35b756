"""Units -> headings and blocks: which one-line paragraphs are headings (heading_like, a
reference page's identifier lines), lead-ins and nested list items; a copied anchor is dropped."""

from __future__ import annotations

import re

from ...models import ITEM, LEADIN, PARAGRAPH, QUOTE, Block
from ..assemble import Heading, Item, NoteRef, is_faq_title, is_question
from ..blocks import table_blocks
from .lines import BODY_KINDS, CODE_HINT, CODE_LIKE, TERMINAL, Unit, UnitKind, one_line, unlabel

MULTI_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(\S.*)$")
CAPTION = re.compile(
    r"^((figure|fig\.?|table|photo|image|illustration|listing|filename|file name|file|exhibit|"
    r"chart|diagram|video|map|screenshot|example|output)\s*([\d:.(]|[IVX]+\b)|"
    r"(photo|photograph|image|picture|illustration)\s+(by|courtesy|credit)|(source|credits?|"
    r"caption)\s*:)",
    re.IGNORECASE,
)
SNAKE = re.compile(r"\w_\w")  # snake_case: a name, fine in a heading of two words or more
# A line ending in one of these lower-case words runs on into what follows: not a heading.
TRAILING_WORDS = frozenset((
    "a", "an", "the", "of", "to", "at", "is", "are", "was", "were", "be", "by", "for", "with",
    "and", "or", "but", "in", "on", "from", "that", "as", "into", "than", "this", "these", "our",
    "your", "their", "its", "my", "via", "per",
))
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


class TextReader:
    """Units -> headings and blocks: which lines are headings, lead-ins, nested items."""

    def __init__(self, units: list[Unit], refs: dict[int, list[str]] | None = None) -> None:
        self.units = units
        self.refs = refs or {}  # unit index -> the notes it refers to (see take_refs)
        self.idents = _ident_headings(units)
        self.fields = _repeated_fields(units)
        self.one_group = len({unit.group for unit in units}) <= 1
        self.items: list[Item] = []
        self.in_faq = False  # under an FAQ heading: "...?" lines are questions
        self.stack: list[int] = []  # the indents of the open list levels

    def read(self) -> list[Item]:
        for index, unit in enumerate(self.units):
            if unit.kind != UnitKind.ITEM:
                self.stack.clear()
            if unit.kind == UnitKind.TABLE:
                rows = unlabel(unit.rows or [], unit.header)
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
        if one_line(unit) and FIELD_LINE.match(unit.text) and not anchored(unit.text):
            seen[unit.text] = seen.get(unit.text, 0) + 1
    return {text for text, count in seen.items() if count >= 2}


def _ident_shaped(unit: Unit) -> bool:
    """A one-line paragraph shaped like an identifier or a signature (IDENT).

    Not a bare option ("-v", unless it carries a heading's "#" anchor), not a plain word of 3
    letters or fewer ("or", "foo": output and glue words), not "word: some words" ("note: ...",
    "level: warn": a field), not a sentence ("Follow-up: we fixed the bug."), not an e-mail
    address. A plain word ("allow") is shaped like one too: see code_named.
    """
    text = unit.text
    if not one_line(unit) or unit.indent or len(text) > MAX_HEADING_CHARS or "\t" in text:
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


def code_named(unit: Unit) -> bool:
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
    MIN_IDENT_HEADINGS of them have a sign of code in the name (code_named), or one has and
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
        named += code_named(unit)
    return found if named >= MIN_IDENT_HEADINGS or named and len(found) >= 3 else set()


def _all_caps(text: str) -> bool:
    """ "OPTIONS", "SEE ALSO": a manual's section, a heading even right before a subheading."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and len(text.split()) <= 4 and all(c.isupper() for c in letters)


def _heading_like_line(unit: Unit) -> bool:
    return one_line(unit) and heading_like(unit.text)


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
