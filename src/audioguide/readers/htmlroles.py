"""The parts of a page with a role, found before the page is read (issue 18).

`drop_unseen` takes out what a sighted reader never sees: hidden elements (`hidden`,
`aria-hidden="true"`, an inline `display:none` or `visibility:hidden`, `<template>`), heading
permalinks (Sphinx's `.headerlink` "¶", `.anchor`, `.hash-link`, "#", icon fonts, "Link to this
heading") and the line and page numbers of code listings and books.

`mark_roles` then renames what has a role to marker elements that `BlockWalker` knows:

    ag-skip    clutter (share and follow widgets, related posts, comment counts, credits, ads,
               breadcrumbs, skip links, cookie text), empty, with kind/text/words attributes
    ag-ref     a note reference (`<sup><a href="#fn1">`, role="doc-noteref"), empty, key=...
    ag-notes   footnotes and endnotes (role="doc-footnote"/"doc-endnotes", .footnotes, ...)
    ag-aside   an aside inside the article or a pull quote (role="doc-pullquote", .pullquote)
    ag-figure  a figure with an image: text=its caption or alt text
    ag-math    MathML or TeX (KaTeX, MathJax, Sphinx .math): its text is the TeX or alt text
               (MathML without either: a linear form, "A = πr^2")
    ag-say     shown as its text, said as its `say` attribute: a `<time datetime>`

`<abbr title>` is expanded on its first use ("WHO (World Health Organization)"). A `<time>`
with a machine-readable `datetime` (date, time, date and time, duration "PT2H30M") is said from
it ("Tue 5/3" -> 2024-03-05) while the transcript keeps the text as the page shows it. Ads,
image credits (a caption's `.credit` part, "Photo: A. Name/Agency") and "related posts" or
"read more" blocks are clutter. sr-only text stays.
Everything here works on an lxml tree in place; nothing from the page becomes markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .assemble import iso_date, squash
from .htmlelement import HtmlElement, html_tree, xpath_texts

if TYPE_CHECKING:
    from lxml import etree

SKIP, REF, NOTES, ASIDE, FIGURE, MATH, SAY = ("ag-skip", "ag-ref", "ag-notes", "ag-aside",
                                              "ag-figure", "ag-math", "ag-say")
MARKERS = (SKIP, REF, NOTES, ASIDE, FIGURE, MATH, SAY)
_HIDDEN_STYLE = re.compile(r"(^|;)\s*(display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)
_ANCHOR_CLASS = re.compile(
    r"(^|[\s_-])(headerlink|anchor|anchorjs-link|header-anchor|heading-anchor|hash-link|"
    r"permalink|anchor-link|heading-link|octicon-link|self-link|deep-link|zola-anchor|"
    r"hanchor|toclink)($|[\s_-])", re.I)
_ANCHOR_TEXT = re.compile(
    r"^[\s¶§#🔗⚓\ue000-\uf8ff]*$|^(permalink|link|link to this (heading|headline|section)|"
    r"permalink to this (heading|headline|section|definition)|anchor)$", re.I)
_NUMBER_CLASS = re.compile(
    r"(^|\s)(linenos?|linenodiv|lineno|line-numbers?|line-numbers-rows|gutter|lnt|ln|"
    r"pagenum|page-number|pagebreak|page-break)($|\s)", re.I)
_CLUTTER = re.compile(
    r"(^|[-_\s])(share|sharing|sharedaddy|social|social-links|follow|related|related-posts|"
    r"comment-count|comments-count|comments-link|comment-link|credits?|photo-credit|"
    r"image-credit|caption-credit|breadcrumbs?|skip-link|skip-to-content|skiplink|cookie|cookies|"
    r"consent|newsletter|subscribe|recommended|recommendations|read-more|readmore|more-stories|"
    r"more-posts|also-read|you-may-like|outbrain|taboola)($|[-_\s])",
    re.I)
# Ads, by class, id (ad slots are named by id: "div-gpt-ad-1") or label.
_AD = re.compile(r"(^|[-_\s])(ad|ads|adv|advert|adverts|advertisement|advertising|adsbygoogle|"
                 r"adslot|ad-slot|sponsor|sponsored|promo|promoted)($|[-_\s])", re.I)
_AD_LABEL = re.compile(r"^(advertisement|advertising|ad|ads|sponsored( content)?)$", re.I)
# A block's heading that says it lists other pages: "Related posts", "More stories".
_RELATED_HEADING = re.compile(
    r"^(related (posts|articles|stories|content|reading|links|pages|items)|recommended|read more|"
    r"more (stories|posts|articles|from|like this|to read)|you (may|might) (also )?like|"
    r"popular (posts|articles|stories)|trending|most read|also read|advertisement|sponsored|"
    r"share( this)?)\b", re.I)
# An image credit in a caption: "Photo credit: Kim Lee", "(Photo: Kim Lee)", "Kim Lee/Getty".
_CREDIT_LEAD = (r"(?:(?:photo(?:graph)?|image|picture|illustration)s?\s+(?:credits?|courtesy)"
                r"\s*:?|(?:photo(?:graph)?s?|illustration)\s+by\b|(?:photo\s+|image\s+)?credits?"
                r"\s*:|photo(?:graph)?s?\s*:)")
_CREDIT = re.compile(
    rf"\(\s*{_CREDIT_LEAD}[^()]*\)|(?:^|(?<=[.;!?]\s)){_CREDIT_LEAD}.*$|(?:^|(?<=[.;!?]\s))"
    r"[^.;!?]{0,80}/\s?(?:getty|ap|afp|reuters|shutterstock|alamy|epa|pa|unsplash|istock)\b.*$",
    re.I | re.S)
_CREDIT_CLASS = re.compile(r"(^|[-_\s])(credits?|photo-credit|image-credit|caption-credit|"
                           r"byline|copyright|attribution)($|[-_\s])", re.I)
# What sites call their story's body: never clutter, whatever else its class says
# ("entry-content entry-content-read-more").
_CONTENT_CLASS = re.compile(
    r"(^|\s)(entry-content|article-body|article__body|articlebody|article-content|story-body|"
    r"story-content|post-content|post-body|post-entry|body-text|article-text|content-body)($|\s)",
    re.I)
_SKIP_LINK = re.compile(r"^skip to (the )?(main )?(content|navigation|main|article)$", re.I)
_CLUTTER_TAGS = ("div", "section", "ul", "ol", "p", "span", "a", "small", "figcaption", "dl",
                 "aside", "ins", "nav")
_NOTES_CLASS = re.compile(r"(^|\s)(footnotes?|endnotes?|references|footnote-list|fn-list)($|\s)")
_NOTE_ROLES = ("doc-footnote", "doc-endnote", "doc-endnotes", "doc-footnotes")
_PULLQUOTE = re.compile(r"(^|[\s_-])(pullquote|pull-quote|pull_quote)($|[\s_-])", re.I)
_BACKLINK_TEXT = re.compile(r"^[\s↩↑^⤴]*$")
_TEX_ANNOTATION = ("application/x-tex", "tex", "latex")
MATH_CLASS = re.compile(r"(^|\s)(math|katex|katex-display|mathjax|MathJax|arithmatex)($|\s)")


def _classes(element: etree._Element) -> str:
    return " ".join(filter(None, (element.get("class"), element.get("id"), element.get("role"))))


def _tag(element: etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _remove(element: HtmlElement) -> None:
    """Take an element out, keeping the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()


def _visit(tree: HtmlElement, handle: Callable[[HtmlElement], bool]) -> None:
    """Call `handle` on every element below `tree` in document order; an element it replaced
    or removed (it returns True) is not gone into."""
    stack = list(reversed([c for c in tree if isinstance(c.tag, str)]))
    while stack:
        element = stack.pop()
        if not handle(element):
            stack.extend(reversed([c for c in element if isinstance(c.tag, str)]))


def _replace(element: etree._Element, tag: str, inner: str = "",
             **attributes: str) -> HtmlElement:
    """Put an empty (or `inner`-holding) marker element where `element` was; keep its tail."""
    from lxml import html as lxml_html

    marker = html_tree(lxml_html.Element(tag))
    for name, value in attributes.items():
        marker.set(name, value)
    marker.text = inner or None
    marker.tail = element.tail
    parent = element.getparent()
    if parent is not None:
        parent.replace(element, marker)
    return marker


def hidden(element: etree._Element) -> bool:
    """Not shown to a sighted reader (nor to a screen reader)."""
    return (_tag(element) == "template" or element.get("hidden") is not None
            or (element.get("aria-hidden") or "").strip().lower() == "true"
            or bool(_HIDDEN_STYLE.search(element.get("style") or "")))


def words_in(text: str) -> int:
    return len(re.findall(r"\w+", text))


_BLOCK_EDGES = frozenset(("p", "div", "li", "dt", "dd", "td", "th", "tr", "section", "aside",
                          "figcaption", "blockquote", "br", "h1", "h2", "h3", "h4", "h5", "h6"))


def spaced_text(element: etree._Element) -> str:
    """An element's text with a space where a block starts or ends ("Related posts" and
    "Another walk" stay two phrases), squashed."""
    from lxml import etree

    parts: list[str] = []
    node: etree._Element
    for event, node in etree.iterwalk(element, events=("start", "end")):
        edge = " " if _tag(node) in _BLOCK_EDGES else ""
        if event == "start":
            parts.append(edge + (node.text or "") if isinstance(node.tag, str) else "")
        elif node is not element:
            parts.append(edge + (node.tail or ""))
    return squash("".join(parts))


def drop_unseen(tree: HtmlElement | None) -> None:
    """Remove hidden elements, heading permalinks and line and page numbers (in place).

    Hidden text with words in it stays as an ag-skip marker (kind "hidden")."""
    if tree is None:
        return
    _visit(tree, _math_one)  # before the hidden parts go: KaTeX hides its rendering, not its TeX
    _visit(tree, _unseen_one)
    _unwrap_code_tables(tree)


def _unseen_one(element: HtmlElement) -> bool:
    """A hidden element, a heading's permalinks, a line or page number: out (True if gone)."""
    tag = _tag(element)
    if hidden(element):
        text = spaced_text(element)
        if words_in(text) and tag != "template":
            _replace(element, SKIP, kind="hidden", text=text[:200], words=str(words_in(text)))
        else:
            _remove(element)
        return True
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        _drop_permalinks(element)
    elif (_NUMBER_CLASS.search(element.get("class") or "") or element.get("role") == "doc-pagebreak"
          or "pagebreak" in (element.get("epub:type") or "")):
        _remove(element)
        return True
    return False


def _drop_permalinks(heading: HtmlElement) -> None:
    """A heading's permalink elements: by class, or a link to an anchor that says "¶" or "#"."""
    for element in list(heading.iter()):
        if element is heading or not isinstance(element.tag, str):
            continue
        text = squash(element.text_content())
        if _ANCHOR_CLASS.search(_classes(element)) and len(text) < 40 or (
            _tag(element) == "a" and (element.get("href") or "").startswith("#")
            and _ANCHOR_TEXT.match(text)
        ) or _tag(element) in ("svg", "img", "i") and not text:
            _remove(element)


def _unwrap_code_tables(tree: HtmlElement) -> None:
    """A code listing laid out as a table (its line numbers gone): just its <pre>."""
    for table in list(tree.iter("table")):
        parent = table.getparent()
        if parent is None:
            continue
        cells = [c for c in table.iter("td", "th")]
        pres = list(table.iter("pre"))
        if len(pres) == 1 and len(cells) <= 2 and all(
            not squash(c.text_content()) or pres[0] in c.iter() for c in cells
        ):
            pres[0].tail = table.tail
            parent.replace(table, pres[0])


def _math_one(element: HtmlElement) -> bool:
    """MathML and rendered TeX -> ag-math holding the TeX (or the alt text, or the text)."""
    tag = _tag(element)
    if not (tag in ("math", "mjx-container") or (
            MATH_CLASS.search(element.get("class") or "") and tag in ("span", "div", "p"))):
        return False
    tex = _tex_of(element)
    display = (element.get("display") == "block" or tag in ("div", "p")
               or "display" in (element.get("class") or ""))
    _replace(element, MATH, tex, display="block" if display else "inline")
    return True


def _tex_of(element: HtmlElement) -> str:
    """The TeX of a formula: its annotation, alttext, or its text without \\( \\) or $$."""
    for annotation in element.iter("annotation"):
        if (annotation.get("encoding") or "").lower() in _TEX_ANNOTATION:
            return squash(annotation.text_content())
    alt = element.get("alttext") or element.get("aria-label") or ""
    if alt:
        return squash(alt)
    if _tag(element).rpartition("}")[2] == "math":
        return squash(_mathml_linear(element))
    text = squash(element.text_content())
    return re.sub(r"^(\\\(|\\\[|\$\$?)\s*|\s*(\\\)|\\\]|\$\$?)$", "", text)


_SCRIPTS = {"msup": "{}^{}", "msub": "{}_{}", "msubsup": "{}_{}^{}", "mfrac": "{}/{}",
            "mroot": "root({1}, {0})", "munder": "{}_{}", "mover": "{}^{}",
            "munderover": "{}_{}^{}"}


def _mathml_linear(element: etree._Element, depth: int = 0) -> str:
    """MathML as one line for the transcript: <msup><mi>r</mi><mn>2</mn></msup> -> "r^2",
    <mfrac> -> "a/b", <msqrt> -> "√(x)", operators spaced ("A = πr^2"); annotations left out."""
    tag = _tag(element).rpartition("}")[2]
    children = [c for c in element if isinstance(c.tag, str)]
    if depth > 50 or tag.startswith("annotation"):
        return ""
    if tag == "semantics":
        return _mathml_linear(children[0], depth + 1) if children else ""
    if not children:
        text = squash(element.text or "")
        return f" {text} " if tag == "mo" and text not in "()[]{}|,." else text
    inner = [_mathml_linear(c, depth + 1).strip() for c in children]
    parts = [part if len(part) <= 1 or part.isdigit() else f"({part})" for part in inner]
    if tag in _SCRIPTS and len(parts) == _SCRIPTS[tag].count("{"):
        return _SCRIPTS[tag].format(*parts)
    if tag == "msqrt":
        return f"√({''.join(inner)})"
    return "".join(_mathml_linear(c, depth + 1) for c in children)


def mark_roles(tree: HtmlElement | None) -> None:
    """Rename notes, references, asides, figures and clutter to markers; expand <abbr> and
    <time> (in place). Asides count only inside an <article>/<main> (else they are sidebars)."""
    if tree is None:
        return
    total = visible_length(tree) or 1
    _visit(tree, lambda element: _mark_one(element, total))
    _expand_abbreviations(tree)
    for time in list(tree.iter("time")):
        said = datetime_said(time.get("datetime") or "")
        if said and squash(time.text_content()):
            time.tag = SAY
            time.set("say", said)


_VISIBLE = ("descendant-or-self::text()[not(ancestor::script) and not(ancestor::style) and "
            "not(ancestor::noscript) and not(ancestor::template)]")


def visible_length(element: etree._Element) -> int:
    """The length of an element's text without its scripts and styles (a page's inline
    scripts can outweigh its story)."""
    return sum(len(text) for text in xpath_texts(element, _VISIBLE))


def _mark_one(element: HtmlElement, total: int) -> bool:
    """Mark one element; True if it became a marker that is not gone into."""
    tag = _tag(element)
    marks = _classes(element)
    role = (element.get("role") or "").lower()
    epub = (element.get("epub:type") or element.get(
        "{http://www.idpf.org/2007/ops}type") or "").lower()
    if tag in MARKERS:
        return True
    if role == "doc-noteref" or "noteref" in epub or _is_noteref(element, tag, marks):
        _replace(element, REF, key=_ref_key(element))
        return True
    if role in _NOTE_ROLES or any(k in epub for k in ("footnote", "endnote", "rearnote")) or (
        tag in ("div", "section", "ol", "aside", "dl", "table") and _NOTES_CLASS.search(
            element.get("class") or "")
    ):
        element.tag = NOTES
        return True
    if tag in _CLUTTER_TAGS and _clutter(element, tag, total):
        text = spaced_text(element)
        _replace(element, SKIP, kind="clutter", text=text[:200], words=str(words_in(text)))
        return True
    if role == "doc-pullquote" or _PULLQUOTE.search(marks) or tag == "aside" and any(
        _tag(a) in ("article", "main") or a.get("role") == "main"
        for a in element.iterancestors()
    ):
        element.tag = ASIDE
        return True
    if tag == "figure" or tag == "img" and _lone_image(element):
        return _mark_figure(element, tag)
    return False


def _clutter(element: HtmlElement, tag: str, total: int) -> bool:
    """Less than 30% of the page, and: marked as a widget by its class or role (not its id:
    ids come from headings) or as an ad (class, id, label; Google's <ins class="adsbygoogle">),
    holding no heading but one that names the widget ("Related posts"); or a block of links
    under such a heading; or a "skip to content" link."""
    if tag == "a":
        return bool(_SKIP_LINK.match(squash(element.text_content())))
    if len(element.text_content()) >= 0.3 * total and visible_length(element) >= 0.3 * total:
        return False
    marks = " ".join(filter(None, (element.get("class"), element.get("role"))))
    if _CONTENT_CLASS.search(marks) or element.get("itemprop") == "articleBody":
        return False
    headings = [squash(h.text_content()) for h in element.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    widget_headings = all(_RELATED_HEADING.match(h) for h in headings)
    if _AD.search(" ".join(filter(None, (marks, element.get("id"))))) or _AD_LABEL.match(
            squash(element.get("aria-label") or "")):
        return widget_headings
    if marks and _CLUTTER.search(marks):
        return widget_headings
    return bool(headings) and widget_headings and tag in ("aside", "section", "div", "nav") \
        and _mostly_links(element)


def _mostly_links(element: HtmlElement) -> bool:
    """Most of the element's text (its headings aside) is link text: a list of other pages."""
    text = words_in(element.text_content()) - sum(
        words_in(h.text_content()) for h in element.iter("h1", "h2", "h3", "h4", "h5", "h6"))
    links = sum(words_in(a.text_content()) for a in element.iter("a"))
    return text > 0 and links >= 0.6 * text


def _is_noteref(element: HtmlElement, tag: str, marks: str) -> bool:
    """<sup><a href="#fn1">1</a></sup>, <a class="footnote-reference">, [1] in a <sup>."""
    if tag == "a":
        href = element.get("href") or ""
        return href.startswith("#") and (
            bool(re.search(r"footnote-ref|fnref|noteref|citation-ref", marks))
            or bool(re.match(r"#(fn|footnote|note|cite_note|endnote|en)(?:[-_:]\w|\d)", href))
            and len(squash(element.text_content())) <= 6)
    if tag == "sup":
        text = squash(element.text_content())
        links = [a for a in element.iter("a") if (a.get("href") or "").startswith("#")]
        return bool(links) and len(text) <= 8 or bool(re.fullmatch(r"\[\d{1,3}\]", text))
    return False


def _ref_key(element: HtmlElement) -> str:
    for link in element.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#"):
            return href[1:]
    return squash(element.text_content()).strip("[]")


def _lone_image(img: HtmlElement) -> bool:
    """An image with alt text standing alone in its paragraph (not an icon inside a sentence)."""
    parent = img.getparent()
    if not (img.get("alt") or "").strip() or parent is None or _tag(parent) == "figure":
        return False
    if any(_tag(a) == "figure" for a in img.iterancestors()):
        return False
    grandparent = parent.getparent()
    if _tag(parent) == "a" and grandparent is not None:  # (an element with no children is falsy)
        parent = grandparent
    return _tag(parent) in ("p", "div", "body", "main", "article", "section", "center") and (
        squash(parent.text_content()) == "" and len(list(parent.iter("img"))) == 1)


def _mark_figure(element: HtmlElement, tag: str) -> bool:
    """A figure with an image -> ag-figure (caption, else alt); other figures stay (a quote or
    code in a <figure> is read as such). True if it became a marker."""
    if tag == "img":
        _replace(element, FIGURE, text=_alt(element))
        return True
    if any(True for _ in element.iter("pre", "blockquote", "table", MATH)):
        return False
    credits: list[str] = []
    for part in list(element.iter()):
        if part is not element and isinstance(part.tag, str) and _CREDIT_CLASS.search(
                _classes(part)) and part.getparent() is not None:
            credits.append(spaced_text(part))
            _remove(part)
    captions: list[str] = []
    for caption in element.iter("figcaption"):
        kept, credit = split_credit(squash(caption.text_content()))
        captions.append(kept)
        credits.append(credit)
    alts = [_alt(i) for i in element.iter("img")]
    text = next(filter(None, captions + alts), "")
    credit = squash(" ".join(credits))
    if text or credit or any(True for _ in element.iter("img", "svg", "picture", "video")):
        marker = _replace(element, FIGURE, text=text)
        if words_in(credit):
            marker.set("credit", credit[:200])
            marker.set("credit_words", str(words_in(credit)))
        return True
    return False


_FILE_NAME = re.compile(r"^\S+\.(jpe?g|png|gif|webp|svg|avif|bmp|tiff?)$|^(image|photo|img)$",
                        re.I)


def _alt(img: etree._Element) -> str:
    """An image's alt text, unless it is only a file name ("airpods-2.jpg") or "image"."""
    alt = squash(img.get("alt") or "")
    return "" if _FILE_NAME.match(alt) else alt


def split_credit(caption: str) -> tuple[str, str]:
    """A caption without its image credit, and the credit: "A heron (Photo: Kim Lee)." ->
    ("A heron.", "(Photo: Kim Lee)"). Pure."""
    credits = [match.group(0) for match in _CREDIT.finditer(caption)]
    kept = re.sub(r"\s+([.,;:!?])", r"\1", _CREDIT.sub(" ", caption))
    return squash(kept).strip(" ,;:"), squash(" ".join(credits))


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                       r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$", re.I)
_DURATION_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")
_CLOCK = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def datetime_said(value: str) -> str | None:
    """A `<time datetime>` value as words the speech steps read well; None if it is none of
    date, month, year, time, date and time, duration. "2024-03-05T18:30:00Z" -> "2024-03-05,
    18:30"; "PT2H30M" -> "2 hours 30 minutes"; "2024-03" -> "March 2024". Pure."""
    value = value.strip()
    duration = _DURATION.match(value)
    if duration and value.upper() not in ("P", "PT"):
        parts = [f"{n} {unit}{'' if n in ('1', '1.0') else 's'}"
                 for n, unit in zip(duration.groups(), _DURATION_UNITS, strict=True) if n]
        return " ".join(parts) or None
    day = iso_date(value)
    if day:
        rest = re.sub(r"^\d{4}-\d{2}-\d{2}[T ]?", "", value)
        clock = _clock(re.sub(r"(Z|[+-]\d{2}:?\d{2})$", "", rest, flags=re.I))
        return f"{day}, {clock}" if clock else day
    month = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if month and 1 <= int(month.group(2)) <= 12:
        return f"{_MONTHS[int(month.group(2)) - 1]} {month.group(1)}"
    if re.fullmatch(r"\d{4}", value):
        return value
    return _clock(value)


def _clock(value: str) -> str | None:
    """"18:30:00" -> "18:30" (seconds kept when not zero); None if not a time of day."""
    match = _CLOCK.match(value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    seconds = match.group(3)
    return f"{match.group(1)}:{match.group(2)}" + (f":{seconds}" if seconds and seconds != "00"
                                                    else "")


def _expand_abbreviations(tree: HtmlElement) -> None:
    """The first <abbr title> of each abbreviation reads "ABBR (title)", unless the title is
    already written around it."""
    seen: set[str] = set()
    for abbr in list(tree.iter("abbr", "acronym")):
        short = squash(abbr.text_content())
        title = squash(abbr.get("title") or "")
        if not short or not title or short.casefold() in {*seen, title.casefold()}:
            continue
        seen.add(short.casefold())
        parent = abbr.getparent()
        around = squash(parent.text_content()) if parent is not None else ""
        if title.casefold() in around.casefold():
            continue
        for child in list(abbr.iterchildren()):
            child.drop_tree()
        abbr.text = f"{short} ({title})"
