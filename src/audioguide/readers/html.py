"""HTML -> headings and blocks: the article found among the page furniture.

Pages that mark their article (<main>, role="main", <article>) are read from that element,
with navigation, headers, footers, sidebars, cookie banners, forms, scripts and styles removed.
Other pages go through trafilatura, a library made to find the main content; if it loses most
of the headings, the page's <body> (furniture removed) is read instead. lxml reads headings
h1-h6, paragraphs, lists, quotes, code and tables. Metadata comes from <html lang>, <title>,
the meta tags (author, description, Open Graph, article:published_time, article:section) and
the page's byline (rel/itemprop author, class "byline"/"author"), which is taken out of the text.
The parser never loads DTDs, external entities or network resources.
"""

from __future__ import annotations

import datetime as dt
import re

from ..models import CODE, ITEM, PARAGRAPH, QUOTE, Block
from .assemble import Heading, squash
from .markdown import code_note, table_blocks

MAX_DEPTH = 150  # deeper elements are read as flat text (no recursion past this)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup",
    "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "menu",
    "caption", "colgroup", "noscript", "doc",
}
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
FURNITURE_CONTAINERS = ("div", "section", "ul", "ol", "dl", "table", "p", "span", "iframe")
BYLINE_XPATH = ("//*[@rel='author' or @itemprop='author' or contains(concat(' ', "
                "normalize-space(@class), ' '), ' byline ') or contains(concat(' ', "
                "normalize-space(@class), ' '), ' author ')]")
LANG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*")


def _parser():
    from lxml import html as lxml_html

    return lxml_html.HTMLParser(
        recover=True, no_network=True, huge_tree=False, remove_comments=True, remove_pis=True,
        default_doctype=False,
    )


def _parse(text: str):
    from lxml import etree
    from lxml import html as lxml_html

    # lxml refuses str input that declares its own encoding.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        return lxml_html.document_fromstring(text, parser=_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _meta(tree) -> dict:
    meta: dict = {}
    if tree is None:
        return meta
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    if LANG.fullmatch(lang.strip()):
        meta["lang"] = lang.strip().replace("_", "-")
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "")
        content = element.get("content")
        if key and content and key.lower() not in values:
            values[key.lower()] = squash(content)[:1000]
    titles = tree.xpath("//title")
    page_title = squash(titles[0].text_content()) if titles else ""
    meta["og_title"] = values.get("og:title") or values.get("twitter:title") or ""
    meta["page_title"] = page_title
    author = values.get("author") or values.get("article:author") or values.get("dc.creator")
    if author and not author.startswith(("http://", "https://")):
        meta["byline"] = re.sub(r"^by\s+", "", author, flags=re.IGNORECASE)
    meta["description"] = values.get("description") or values.get("og:description") or ""
    meta["category"] = values.get("article:section") or ""
    date = (values.get("article:published_time") or values.get("date")
            or values.get("dc.date") or values.get("datepublished") or "")
    if not date:
        times = tree.xpath("//time[@datetime]")
        date = times[0].get("datetime") if times else ""
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", date or "")
    if match:
        try:
            meta["date"] = dt.date.fromisoformat(match.group(1)).isoformat()
        except ValueError:
            pass
    image = values.get("og:image") or values.get("twitter:image")
    if image:
        meta["image"] = image
    return meta


def _extract(text: str, url: str | None):
    """trafilatura's idea of the main content, as an lxml element, or None."""
    import logging

    import trafilatura
    from lxml import etree

    for name in ("trafilatura", "htmldate", "courlan"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.ERROR)  # its warnings ("discarding data") are not ours

    try:
        content = trafilatura.extract(
            text, url=url, output_format="html", include_tables=True, include_comments=False,
            include_images=False, include_links=False, include_formatting=False,
            favor_recall=True, deduplicate=False,
        )
    except (ValueError, TypeError, etree.LxmlError, RecursionError):
        return None
    if not content or not content.strip():
        return None
    tree = _parse(content)
    if tree is None:
        return None
    bodies = tree.xpath("//body")
    return bodies[0] if bodies else tree


def _strip_furniture(tree) -> None:
    for element in list(tree.iter(*DROP_TAGS, *FURNITURE_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    total = len(tree.text_content()) or 1
    for element in list(tree.iter(*FURNITURE_CONTAINERS)):
        if element.getparent() is None:
            continue
        marks = " ".join(filter(None, (element.get("class"), element.get("id"),
                                        element.get("role"))))
        hidden = element.get("aria-hidden") == "true" or element.get("hidden") is not None
        # A wrapper holding most of the page is the content, whatever its class says.
        if (hidden or marks and FURNITURE_WORDS.search(marks)) and len(
            element.text_content()
        ) < 0.3 * total:
            element.drop_tree()


def _content_byline(tree) -> str:
    """The author named in the page (rel/itemprop author, .byline): taken out of the text."""
    if tree is None:
        return ""
    found = ""
    for element in tree.xpath(BYLINE_XPATH):
        text = squash(_text(element))
        if not found and 0 < len(text) <= 100:
            found = re.sub(r"^(by|written by|author:?)\s+", "", text, flags=re.IGNORECASE)
        if len(text) <= 200 and element.getparent() is not None:
            element.drop_tree()
    return found


def _main_content(tree):
    """The page's own <main> or <article> (furniture removed), and whether it was marked so."""
    if tree is None:
        return None, False
    _strip_furniture(tree)
    for path in ("//main", "//*[@role='main']", "//article"):
        found = tree.xpath(path)
        if found:
            return max(found, key=lambda e: len(e.text_content())), True
    bodies = tree.xpath("//body")
    return (bodies[0] if bodies else tree), False


def _count_headings(element) -> int:
    return sum(1 for _ in element.iter(*HEADINGS)) if element is not None else 0


class _Walker:
    def __init__(self) -> None:
        self.items: list = []
        self.inline: list[str] = []

    def flush(self, quote: bool) -> None:
        text = squash("".join(self.inline))
        self.inline = []
        if text:
            self.items.append(Block(QUOTE if quote else PARAGRAPH, text))

    def walk(self, element, depth: int = 0, quote: bool = False, list_level: int = -1) -> None:
        if isinstance(element.tag, str) and element.text:
            self.inline.append(element.text)
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if not tag or tag in DROP_TAGS:
                if child.tail:
                    self.inline.append(child.tail)
                continue
            if tag not in BLOCK_TAGS or tag == "pre" and element.tag == "p":
                self.inline.append(_text(child))
                if child.tail:
                    self.inline.append(child.tail)
                continue
            self.flush(quote)
            self.block(child, tag, depth + 1, quote, list_level)
            if child.tail:
                self.inline.append(child.tail)
        self.flush(quote)

    def block(self, element, tag: str, depth: int, quote: bool, list_level: int) -> None:
        if depth > MAX_DEPTH:
            text = squash(_text(element))
            if text:
                self.items.append(Block(PARAGRAPH, text))
            return
        if tag in HEADINGS:
            self.items.append(Heading(squash(_text(element)), HEADINGS[tag]))
        elif tag == "pre":
            code = _text(element).strip("\n")
            if code.strip():
                classes = " ".join(filter(None, [element.get("class")] + [
                    c.get("class") for c in element.iter("code") if c.get("class")]))
                match = re.search(r"(?:language|lang|highlight)-([\w+#-]+)", classes or "")
                self.items.append(Block(CODE, code, spoken=code_note(match.group(1) if match
                                                                       else "")))
        elif tag == "table":
            rows = []
            header = False
            for row in element.iter("tr"):
                cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
                if not rows and cells and all(c.tag == "th" for c in cells):
                    header = True
                rows.append([_text(c) for c in cells])
            if any(squash(cell) for row in rows for cell in row):
                self.items.append(table_blocks(rows, has_header=header))
        elif tag in ("ul", "ol", "menu"):
            for child in element:
                if isinstance(child.tag, str) and child.tag.lower() == "li":
                    self.list_item(child, depth + 1, list_level + 1)
                elif isinstance(child.tag, str):
                    self.block(child, child.tag.lower(), depth + 1, quote, list_level)
        elif tag == "li":
            self.list_item(element, depth, list_level + 1)
        elif tag == "blockquote":
            self.walk(element, depth, True, list_level)
        elif tag == "hr":
            return
        else:
            self.walk(element, depth, quote, list_level)

    def list_item(self, element, depth: int, level: int) -> None:
        """The item's own text is one ITEM; nested lists and blocks follow one level deeper."""
        if depth > MAX_DEPTH:
            text = squash(_text(element))
            if text:
                self.items.append(Block(ITEM, text, level=max(0, level)))
            return
        own: list[str] = [element.text or ""]
        nested = []
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in BLOCK_TAGS and tag not in ITEM_INLINE:
                nested.append(child)
            elif tag and tag not in DROP_TAGS:
                own.append(_text(child) + (" " if tag in ITEM_INLINE else ""))
            if child.tail:
                own.append(child.tail)
        text = squash("".join(own))
        if text:
            self.items.append(Block(ITEM, text, level=max(0, level)))
        for child in nested:
            tag = child.tag.lower()
            if tag in ("ul", "ol", "menu"):
                for li in child:
                    if isinstance(li.tag, str) and li.tag.lower() == "li":
                        self.list_item(li, depth + 1, level + 1)
                    elif isinstance(li.tag, str):
                        self.block(li, li.tag.lower(), depth + 1, False, level)
            else:
                self.block(child, tag, depth + 1, False, level)
        self.flush(False)


def _text(element) -> str:
    """All text inside an element in document order, without scripts and styles; <br> breaks."""
    from lxml import etree

    parts: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if event in ("comment", "pi"):
            parts.append(node.tail or "")  # only the tail of a comment is text
        elif event == "start":
            if tag in DROP_TAGS:
                walker.skip_subtree()
            elif tag == "br":
                parts.append("\n")
            elif node.text:
                parts.append(node.text)
        elif node is not element and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def parse_fragment(fragment: str) -> list:
    """Headings and blocks of an HTML fragment (an HTML block inside Markdown)."""
    tree = _parse(f"<html><body>{fragment}</body></html>")
    if tree is None:
        return []
    _strip_furniture(tree)
    walker = _Walker()
    bodies = tree.xpath("//body")
    walker.walk(bodies[0] if bodies else tree)
    return walker.items


def parse_html(text: str, url: str | None = None) -> tuple[list, dict]:
    """HTML -> (headings and blocks in order, metadata)."""
    tree = _parse(text)
    meta = _meta(tree)
    own_tree = _parse(text)
    byline = _content_byline(own_tree)
    if byline and not meta.get("byline"):
        meta["byline"] = byline
    own, marked = _main_content(own_tree)
    content = own
    if not marked:
        # No <main> or <article>: let trafilatura find the article, unless it lost the headings.
        extracted = _extract(text, url) if own is not None and own.text_content().strip() else None
        if extracted is not None and (
            own is None or 2 * _count_headings(extracted) >= _count_headings(own)
        ):
            content = extracted
    walker = _Walker()
    if content is not None:
        walker.walk(content)
    items = walker.items
    if not items:
        items = _flat_text(text)
    headings = [i for i in items if isinstance(i, Heading) and squash(i.text)]
    og_title, page_title = meta.pop("og_title", ""), meta.pop("page_title", "")
    if headings:
        top = min(h.level for h in headings)
        if [h for h in headings if h.level == top] == [headings[0]]:
            return items, meta  # the content's own single top heading is the title
    page_h1 = tree.xpath("//h1") if tree is not None else []
    meta["title"] = (og_title or _site_stripped(page_title)
                     or (squash(_text(page_h1[0])) if len(page_h1) == 1 else ""))
    return items, meta


def _flat_text(text: str) -> list:
    """Last resort for pages lxml cannot build (too deep, too broken): text between blocks."""
    from .markdown import html_text

    pieces = re.split(r"<(?:/?(?:p|div|br|h[1-6]|li|tr|section|article|main|body)\b)[^>]*>",
                      text, flags=re.IGNORECASE)
    return [Block(PARAGRAPH, piece) for piece in map(html_text, pieces) if piece]


def _site_stripped(title: str) -> str:
    """'How to X | Site Name' -> 'How to X'."""
    parts = re.split(r"\s+[|–—·•]\s+|\s+-\s+", title)
    return parts[0] if parts and parts[0] else title
