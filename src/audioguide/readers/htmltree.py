"""An HTML tree -> headings and blocks: what both the HTML and the Markdown readers need.

`parse_document` builds an lxml tree (no DTDs, external entities or network resources);
`strip_furniture` takes navigation, headers, footers, sidebars, banners, forms, scripts and
styles out of it; `BlockWalker` reads headings h1-h6, paragraphs, lists, quotes, code and tables
from an element in document order. `parse_fragment` does all three for an HTML block inside
Markdown; `html_text` is the text of a fragment without building a tree.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .. import langtag
from ..models import CODE, ITEM, PARAGRAPH, QUOTE, Block, BlockKind, Skipped
from .assemble import Heading, Item, Note, NoteRef, squash
from .blocks import MATH_NOTE, code_note, inline_math_said, table_blocks
from .htmlelement import HtmlElement, html_tree, xpath_elements
from .htmlroles import ASIDE, FIGURE, MATH, NOTES, REF, SAY, SKIP

if TYPE_CHECKING:
    from lxml import etree

MAX_DEPTH = 150  # deeper elements are read as flat text (no recursion past this)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup",
    "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "menu",
    "caption", "colgroup", "noscript", "doc", NOTES, ASIDE, FIGURE, MATH,
}
LIST_TAGS = ("ul", "ol", "menu")
DROP_TAGS = ("script", "style", "noscript", "template", "svg", "math", "iframe", "object",
             "embed", "canvas", "button", "select", "textarea", "input", "head", "link", "meta")
FURNITURE_TAGS = ("nav", "header", "footer", "aside", "form", "dialog", "menu")
FURNITURE_WORDS = re.compile(
    r"(^|[-_\s])(nav|navbar|navigation|menu|sidebar|side-bar|footer|header|cookie|cookies|"
    r"consent|banner|breadcrumbs?|share|social|related|comments?|advert|ads|promo|newsletter|"
    r"subscribe|popup|modal|skip)($|[-_\s])",
    re.IGNORECASE,
)
ITEM_INLINE = ("p", "div", "span", "dd", "dt", "figcaption", "section", "summary")
# (iframes are among DROP_TAGS, gone before containers are looked at)
FURNITURE_CONTAINERS = ("div", "section", "ul", "ol", "dl", "table", "p", "span")
_TAG = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<[^>]*>", re.DOTALL | re.IGNORECASE)
_BACKLINK = re.compile(r"(^|\s)(footnote-backref|fn-backref|reversefootnote|footnote-back|"
                       r"mw-cite-backlink|label|fn-bracket|backlink)($|\s)")
_NOTE_LABEL = re.compile(r"^(\[\d{1,3}\]|\d{1,3}[.)]|\^)\s+")
_CODE_LANGUAGE = re.compile(r"(?:language|lang|highlight)-([\w+#-]+)")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _parser() -> etree.HTMLParser:
    from lxml import html as lxml_html

    # lxml-stubs' HTMLParser lacks default_doctype (an lxml option since 2.x).
    return lxml_html.HTMLParser(  # type: ignore[call-arg]
        recover=True, no_network=True, huge_tree=False, remove_comments=True, remove_pis=True,
        default_doctype=False,
    )


def parse_document(text: str) -> HtmlElement | None:
    """The page as an lxml tree (its <html> element), or None if lxml cannot build one."""
    from lxml import etree
    from lxml import html as lxml_html

    # lxml refuses str input that declares its own encoding.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        return html_tree(lxml_html.document_fromstring(text, parser=_parser()))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def body_of(tree: HtmlElement) -> HtmlElement:
    """The tree's <body>, else the tree itself."""
    bodies = xpath_elements(tree, "//body")
    return bodies[0] if bodies else tree


def strip_scripts(tree: HtmlElement) -> None:
    """Remove scripts, styles, form controls and other elements that are never text (in
    place)."""
    _drop(tree, DROP_TAGS)


def _drop(tree: HtmlElement, tags: Iterable[str]) -> None:
    for element in list(tree.iter(*tags)):
        if element.getparent() is not None:
            element.drop_tree()


def strip_furniture(tree: HtmlElement) -> None:
    """Remove scripts, styles, navigation, headers, footers, sidebars, banners (in place).

    A container marked as furniture (class, id or role; or hidden) goes only if it holds less
    than 30% of the page's text: a wrapper holding most of it is the content, whatever its class.
    """
    _drop(tree, (*DROP_TAGS, *FURNITURE_TAGS))
    total = len(tree.text_content()) or 1
    for element in list(tree.iter(*FURNITURE_CONTAINERS)):
        if element.getparent() is None:
            continue
        marks = " ".join(filter(None, (element.get("class"), element.get("id"),
                                        element.get("role"))))
        hidden = element.get("aria-hidden") == "true" or element.get("hidden") is not None
        if (hidden or marks and FURNITURE_WORDS.search(marks)) and len(
            element.text_content()
        ) < 0.3 * total:
            element.drop_tree()


def _tag(node: etree._Element) -> str:
    """An element's tag in lower case; "" for comments and processing instructions."""
    return node.tag.lower() if isinstance(node.tag, str) else ""


def element_text(element: etree._Element, said: bool = False) -> str:
    """All text inside an element in document order, without scripts and styles; <br> and the
    edges of block elements break it ("Related posts" + "Another walk" never run together).

    `said`: the text as it is said, not as it is shown: an ag-say marker gives its `say`
    attribute (a `<time>`'s machine-readable value), a formula its inline spoken form."""
    from lxml import etree

    parts: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    node: etree._Element
    for event, node in walker:
        if event in ("comment", "pi"):
            parts.append(node.tail or "")  # only the tail of a comment is text
        elif event == "start":
            tag = _tag(node)
            if tag in BLOCK_TAGS and node is not element:
                _break(parts)
            if tag in DROP_TAGS:
                walker.skip_subtree()
            elif said and tag in (SAY, MATH):
                parts.append(node.get("say") or "" if tag == SAY
                             else inline_math_said(node.text or ""))
                walker.skip_subtree()
            elif tag == "br":
                parts.append("\n")
            elif node.text:
                parts.append(node.text)
        elif node is not element:
            if _tag(node) in BLOCK_TAGS and not (node.tail or "")[:1].isspace():
                _break(parts)
            parts.append(node.tail or "")
    return "".join(parts)


def _block_element(element: etree._Element, tag: str) -> bool:
    """Whether the walker reads an element as a block: a block tag, or an inline or unknown
    one that holds blocks (a custom element wrapping the page, an <a> around a <div>)."""
    if tag in BLOCK_TAGS:
        return True
    if tag in (SKIP, REF, SAY):
        return False
    return any(_tag(child) in BLOCK_TAGS for child in element)


def _break(parts: list[str]) -> None:
    """A line break between blocks, unless the text so far ends in white space."""
    last = next((part for part in reversed(parts) if part), "")
    if last and not last[-1].isspace():
        parts.append("\n")


def lang_of(element: etree._Element) -> str:
    """An element's own language tag (`lang`, or `xml:lang` in XHTML), normalized; "" if none."""
    value = element.get("lang") or element.get(XML_LANG) or element.get("xml:lang") or ""
    return langtag.tag(value.strip())


def _kept_phrases(text: str, phrases: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The (phrase, tag) pairs whose phrase is in `text`, each once, in order."""
    kept: list[tuple[str, str]] = []
    for phrase, tag in phrases:
        if phrase and phrase in text and (phrase, tag) not in kept:
            kept.append((phrase, tag))
    return tuple(kept)


class BlockWalker:
    """Reads an element's headings and blocks, in document order, into `items`.

    Inline text is gathered until a block element starts or ends, then becomes a PARAGRAPH
    (a QUOTE inside <blockquote>). Lists nest: an ITEM's level is its list depth.
    Languages: a block inside an element whose `lang` differs from `doc_lang` gets Block.lang;
    an inline element with another language than its block's gives (its text, tag) in
    Block.langs (the outermost such element only: phrases never overlap).
    A block whose text is said otherwise than shown (a `<time datetime>`, a formula in a
    sentence) gets Block.spoken.
    """

    def __init__(self, doc_lang: str | None = None) -> None:
        self.items: list[Item] = []
        self.inline: list[str] = []
        self.said: list[str] = []  # the inline run as it is said (parallel to `inline`)
        self.phrases: list[tuple[str, str]] = []  # foreign phrases in the inline run
        self.doc_lang = doc_lang or None
        self.lang = self.doc_lang  # the language in effect where the walker is

    def read(self, element: HtmlElement) -> None:
        """Read `element` (the content root) with its own language, if it says one."""
        with self.lang_scope(element):
            self.walk(element)

    @contextmanager
    def lang_scope(self, element: etree._Element) -> Iterator[None]:
        """Inside `element`, its `lang` (if any) is the language in effect."""
        saved = self.lang
        self.lang = lang_of(element) or saved
        try:
            yield
        finally:
            self.lang = saved

    def block_lang(self) -> str | None:
        """Block.lang for a block made here: the language in effect unless it is the page's."""
        return None if langtag.same_language(self.lang, self.doc_lang) else self.lang

    def inline_text(self, element: HtmlElement, phrases: list[tuple[str, str]]) -> str:
        """An inline element's text; its foreign-language parts are added to `phrases`, the
        markers in it (skips, note references, figures) to `items`."""
        for node in _outer_langs(element, self.lang):
            phrases.append((squash(element_text(node)), lang_of(node)))
        for node in element.iter(SKIP, REF, FIGURE):
            self.marker(node)
        return element_text(element)

    def add(self, shown: str, said: str | None = None) -> None:
        """Text for the inline run: as shown, and as said (None: the same)."""
        self.inline.append(shown)
        self.said.append(shown if said is None else said)

    def marker(self, node: etree._Element) -> None:
        """What stands in the text for something skipped, a note reference or a figure."""
        if node.tag == SKIP:
            words = node.get("words") or "0"
            self.items.append(Skipped(node.get("kind") or "clutter", node.get("text") or "",
                                      int(words) if words.isdigit() else 0))
        elif node.tag == REF:
            self.items.append(NoteRef(node.get("key") or ""))
        else:
            if squash(node.get("text") or ""):
                self.items.append(Block(BlockKind.FIGURE, squash(node.get("text") or ""),
                                        lang=self.block_lang()))
            words = node.get("credit_words") or "0"
            if node.get("credit"):  # an image credit: clutter
                self.items.append(Skipped("clutter", node.get("credit") or "",
                                          int(words) if words.isdigit() else 0))

    def role_block(self, element: HtmlElement, tag: str) -> None:
        """Notes, an aside, a figure or a formula marked by htmlroles."""
        if tag == NOTES:
            self.notes(element)
        elif tag == FIGURE:
            self.marker(element)
        elif tag == MATH:
            tex = squash(element.text or "")
            if tex:
                self.items.append(Block(BlockKind.MATH, tex, spoken=MATH_NOTE))
        else:
            text = squash(element_text(element))
            if text:
                self.items.append(Block(BlockKind.ASIDE, text, lang=self.block_lang()))

    def notes(self, element: HtmlElement) -> None:
        """Each note (an <li>, else the whole element) without its back links and label."""
        items = [li for li in element.iter("li")] or [element]
        for item in items:
            for link in list(item.iter()):
                if link is not item and isinstance(link.tag, str) and link.getparent() is not None \
                        and (_BACKLINK.search(link.get("class") or "")
                             or link.get("role") == "doc-backlink"):
                    link.drop_tree()
            text = _NOTE_LABEL.sub("", squash(element_text(item)))
            if text:
                key = item.get("id") or element.get("id") or ""
                self.items.append(Note(Block(BlockKind.NOTE, text, lang=self.block_lang()), key))

    def flush(self, quote: bool) -> None:
        text, said = squash("".join(self.inline)), squash("".join(self.said))
        phrases, self.inline, self.phrases, self.said = self.phrases, [], [], []
        if text:
            self.items.append(Block(QUOTE if quote else PARAGRAPH, text, lang=self.block_lang(),
                                    spoken=said if said != text else None,
                                    langs=_kept_phrases(text, phrases)))

    def walk(self, element: HtmlElement, depth: int = 0, quote: bool = False,
             list_level: int = -1) -> None:
        if isinstance(element.tag, str) and element.text:
            self.add(element.text)
        for child in element:
            tag = _tag(child)
            if not tag or tag in DROP_TAGS:
                pass
            elif tag == MATH and _inline_math(child, element):
                self.add(child.text or "", inline_math_said(child.text or ""))
            elif not _block_element(child, tag) or tag == "pre" and element.tag == "p":
                self.add(self.inline_text(child, self.phrases), element_text(child, said=True))
            else:
                self.flush(quote)
                self.block(child, tag, depth + 1, quote, list_level)
            if child.tail:
                self.add(child.tail)
        self.flush(quote)

    def block(self, element: HtmlElement, tag: str, depth: int, quote: bool,
              list_level: int) -> None:
        with self.lang_scope(element):
            self.block_in_lang(element, tag, depth, quote, list_level)

    def block_in_lang(self, element: HtmlElement, tag: str, depth: int, quote: bool,
                      list_level: int) -> None:
        if depth > MAX_DEPTH:
            text = squash(element_text(element))
            if text:
                self.items.append(Block(PARAGRAPH, text, lang=self.block_lang()))
        elif tag in (NOTES, ASIDE, FIGURE, MATH):
            self.role_block(element, tag)
        elif tag in HEADINGS:
            self.items.append(Heading(squash(element_text(element)), HEADINGS[tag]))
        elif tag == "pre":
            self.code(element)
        elif tag == "table":
            self.table(element)
        elif tag in LIST_TAGS:
            self.list_children(element, depth + 1, quote, list_level)
        elif tag == "li":
            self.list_item(element, depth, list_level + 1)
        elif tag == "blockquote":
            self.walk(element, depth, True, list_level)
        elif tag != "hr":
            self.walk(element, depth, quote, list_level)

    def code(self, pre: HtmlElement) -> None:
        """A <pre>: a CODE block, its language from a "language-x" class on it or its <code>."""
        code = element_text(pre).strip("\n")
        if not code.strip():
            return
        classes = " ".join(filter(None, [pre.get("class")] + [
            c.get("class") for c in pre.iter("code") if c.get("class")]))
        match = _CODE_LANGUAGE.search(classes or "")
        self.items.append(Block(CODE, code, spoken=code_note(match.group(1) if match else "")))

    def table(self, table: HtmlElement) -> None:
        """A <table>: one TABLE block; its first row is the header if all its cells are <th>."""
        rows: list[list[str]] = []
        header = False
        for row in table.iter("tr"):
            cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
            if not rows and cells and all(c.tag == "th" for c in cells):
                header = True
            rows.append([element_text(c) for c in cells])
        if any(squash(cell) for row in rows for cell in row):
            self.items.append(table_blocks(rows, has_header=header))

    def list_children(self, element: HtmlElement, depth: int, quote: bool, level: int) -> None:
        """A list's <li>s are items one level below `level`; anything else is read as a block."""
        for child in element:
            tag = _tag(child)
            if tag == "li":
                self.list_item(child, depth, level + 1)
            elif tag:
                self.block(child, tag, depth, quote, level)

    def list_item(self, element: HtmlElement, depth: int, level: int) -> None:
        with self.lang_scope(element):
            self.list_item_in_lang(element, depth, level)

    def list_item_in_lang(self, element: HtmlElement, depth: int, level: int) -> None:
        """The item's own text is one ITEM; nested lists and blocks follow one level deeper."""
        if depth > MAX_DEPTH:
            text = squash(element_text(element))
            if text:
                self.items.append(Block(ITEM, text, level=max(0, level), lang=self.block_lang()))
            return
        own: list[str] = [element.text or ""]
        said: list[str] = [element.text or ""]
        phrases: list[tuple[str, str]] = []
        nested: list[HtmlElement] = []
        for child in element:
            tag = _tag(child)
            if tag in BLOCK_TAGS and tag not in ITEM_INLINE:
                nested.append(child)
            elif tag and tag not in DROP_TAGS:
                space = " " if tag in ITEM_INLINE else ""
                own.append(self.inline_text(child, phrases) + space)
                said.append(element_text(child, said=True) + space)
            own.append(child.tail or "")
            said.append(child.tail or "")
        text, spoken = squash("".join(own)), squash("".join(said))
        if text:
            self.items.append(Block(ITEM, text, level=max(0, level), lang=self.block_lang(),
                                    spoken=spoken if spoken != text else None,
                                    langs=_kept_phrases(text, phrases)))
        for child in nested:
            tag = child.tag.lower()
            if tag in LIST_TAGS:
                self.list_children(child, depth + 1, False, level)
            else:
                self.block(child, tag, depth + 1, False, level)
        self.flush(False)


def _inline_math(element: etree._Element, parent: etree._Element) -> bool:
    """A formula inside a sentence: not displayed as a block, with other text around it."""
    return element.get("display") != "block" and squash(element_text(parent)) != squash(
        element.text or "")


def _outer_langs(element: HtmlElement, lang: str | None) -> list[HtmlElement]:
    """The outermost elements in `element` (itself included) whose `lang` is not `lang`."""
    found: list[HtmlElement] = []
    stack = [(element, lang)]
    while stack:
        node, in_effect = stack.pop()
        own = lang_of(node)
        if own and not langtag.same_language(own, in_effect):
            found.append(node)
            continue
        stack.extend((child, in_effect) for child in reversed(node)
                     if isinstance(child.tag, str) and _tag(child) not in DROP_TAGS)
    return found


def parse_fragment(fragment: str, doc_lang: str | None = None) -> list[Item]:
    """Headings and blocks of an HTML fragment (an HTML block inside Markdown)."""
    tree = parse_document(f"<html><body>{fragment}</body></html>")
    if tree is None:
        return []
    strip_furniture(tree)
    walker = BlockWalker(doc_lang)
    walker.walk(body_of(tree))
    return walker.items


def html_text(fragment: str) -> str:
    """The text of an HTML fragment without a tree: no tags, comments, scripts; entities read."""
    return squash(html.unescape(_TAG.sub(" ", fragment)))
