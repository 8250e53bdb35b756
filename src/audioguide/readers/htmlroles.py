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

`<abbr title>` is expanded on its first use ("WHO (World Health Organization)") and
`<time datetime>` reads its machine-readable date (2024-03-05). sr-only text stays.
Everything here works on an lxml tree in place; nothing from the page becomes markup.
"""

from __future__ import annotations

import re

from .assemble import iso_date, squash

SKIP, REF, NOTES, ASIDE, FIGURE, MATH = ("ag-skip", "ag-ref", "ag-notes", "ag-aside",
                                         "ag-figure", "ag-math")
MARKERS = (SKIP, REF, NOTES, ASIDE, FIGURE, MATH)
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
    r"image-credit|ads|advert|advertisement|adsbygoogle|sponsor|sponsored|promo|breadcrumbs?|"
    r"skip-link|skip-to-content|skiplink|cookie|cookies|consent|newsletter|subscribe)($|[-_\s])",
    re.I)
_SKIP_LINK = re.compile(r"^skip to (the )?(main )?(content|navigation|main|article)$", re.I)
_CLUTTER_TAGS = ("div", "section", "ul", "ol", "p", "span", "a", "small", "figcaption", "dl")
_NOTES_CLASS = re.compile(r"(^|\s)(footnotes?|endnotes?|references|footnote-list|fn-list)($|\s)")
_NOTE_ROLES = ("doc-footnote", "doc-endnote", "doc-endnotes", "doc-footnotes")
_PULLQUOTE = re.compile(r"(^|[\s_-])(pullquote|pull-quote|pull_quote)($|[\s_-])", re.I)
_BACKLINK_TEXT = re.compile(r"^[\s↩↑^⤴]*$")
_TEX_ANNOTATION = ("application/x-tex", "tex", "latex")
MATH_CLASS = re.compile(r"(^|\s)(math|katex|katex-display|mathjax|MathJax|arithmatex)($|\s)")


def _classes(element) -> str:
    return " ".join(filter(None, (element.get("class"), element.get("id"), element.get("role"))))


def _tag(element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _remove(element) -> None:
    """Take an element out, keeping the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()


def _visit(tree, handle) -> None:
    """Call `handle` on every element below `tree` in document order; an element it replaced
    or removed (it returns True) is not gone into."""
    stack = list(reversed([c for c in tree if isinstance(c.tag, str)]))
    while stack:
        element = stack.pop()
        if not handle(element):
            stack.extend(reversed([c for c in element if isinstance(c.tag, str)]))


def _replace(element, tag: str, inner: str = "", **attributes: str):
    """Put an empty (or `inner`-holding) marker element where `element` was; keep its tail."""
    from lxml import html as lxml_html

    marker = lxml_html.Element(tag)
    for name, value in attributes.items():
        marker.set(name, value)
    marker.text = inner or None
    marker.tail = element.tail
    parent = element.getparent()
    if parent is not None:
        parent.replace(element, marker)
    return marker


def hidden(element) -> bool:
    """Not shown to a sighted reader (nor to a screen reader)."""
    return (_tag(element) == "template" or element.get("hidden") is not None
            or (element.get("aria-hidden") or "").strip().lower() == "true"
            or bool(_HIDDEN_STYLE.search(element.get("style") or "")))


def words_in(text: str) -> int:
    return len(re.findall(r"\w+", text))


def drop_unseen(tree) -> None:
    """Remove hidden elements, heading permalinks and line and page numbers (in place).

    Hidden text with words in it stays as an ag-skip marker (kind "hidden")."""
    if tree is None:
        return
    _visit(tree, _math_one)  # before the hidden parts go: KaTeX hides its rendering, not its TeX
    _visit(tree, _unseen_one)
    _unwrap_code_tables(tree)


def _unseen_one(element) -> bool:
    """A hidden element, a heading's permalinks, a line or page number: out (True if gone)."""
    tag = _tag(element)
    if hidden(element):
        text = squash(element.text_content())
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


def _drop_permalinks(heading) -> None:
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


def _unwrap_code_tables(tree) -> None:
    """A code listing laid out as a table (its line numbers gone): just its <pre>."""
    for table in list(tree.iter("table")):
        if table.getparent() is None:
            continue
        cells = [c for c in table.iter("td", "th")]
        pres = list(table.iter("pre"))
        if len(pres) == 1 and len(cells) <= 2 and all(
            not squash(c.text_content()) or pres[0] in c.iter() for c in cells
        ):
            pres[0].tail = table.tail
            table.getparent().replace(table, pres[0])


def _math_one(element) -> bool:
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


def _tex_of(element) -> str:
    """The TeX of a formula: its annotation, alttext, or its text without \\( \\) or $$."""
    for annotation in element.iter("annotation"):
        if (annotation.get("encoding") or "").lower() in _TEX_ANNOTATION:
            return squash(annotation.text_content())
    alt = element.get("alttext") or element.get("aria-label") or ""
    if alt:
        return squash(alt)
    text = squash(element.text_content())
    return re.sub(r"^(\\\(|\\\[|\$\$?)\s*|\s*(\\\)|\\\]|\$\$?)$", "", text)


def mark_roles(tree) -> None:
    """Rename notes, references, asides, figures and clutter to markers; expand <abbr> and
    <time> (in place). Asides count only inside an <article>/<main> (else they are sidebars)."""
    if tree is None:
        return
    total = len(tree.text_content()) or 1
    _visit(tree, lambda element: _mark_one(element, total))
    _expand_abbreviations(tree)
    for time in list(tree.iter("time")):
        day = iso_date(time.get("datetime") or "")
        if day and len(time) == 0:
            time.text = day


def _mark_one(element, total: int) -> bool:
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
    if role == "doc-pullquote" or _PULLQUOTE.search(marks) or tag == "aside" and any(
        _tag(a) in ("article", "main") or a.get("role") == "main"
        for a in element.iterancestors()
    ):
        element.tag = ASIDE
        return True
    if tag == "figure" or tag == "img" and _lone_image(element):
        return _mark_figure(element, tag)
    if tag in _CLUTTER_TAGS and _clutter(element, tag, total):
        text = squash(element.text_content())
        _replace(element, SKIP, kind="clutter", text=text[:200], words=str(words_in(text)))
        return True
    return False


def _clutter(element, tag: str, total: int) -> bool:
    """Marked as a widget by its class or role (not its id: ids come from headings), holding no
    heading and less than 30% of the page; or a "skip to content" link."""
    if tag == "a":
        return bool(_SKIP_LINK.match(squash(element.text_content())))
    marks = " ".join(filter(None, (element.get("class"), element.get("role"))))
    return bool(marks and _CLUTTER.search(marks)) and not any(
        True for _ in element.iter("h1", "h2", "h3", "h4", "h5", "h6")
    ) and len(element.text_content()) < 0.3 * total


def _is_noteref(element, tag: str, marks: str) -> bool:
    """<sup><a href="#fn1">1</a></sup>, <a class="footnote-reference">, [1] in a <sup>."""
    if tag == "a":
        href = element.get("href") or ""
        return href.startswith("#") and (
            bool(re.search(r"footnote-ref|fnref|noteref|citation-ref", marks))
            or bool(re.match(r"#(fn|footnote|note|cite_note|endnote|en)[-_:]?\w", href))
            and len(squash(element.text_content())) <= 6)
    if tag == "sup":
        text = squash(element.text_content())
        links = [a for a in element.iter("a") if (a.get("href") or "").startswith("#")]
        return bool(links) and len(text) <= 8 or bool(re.fullmatch(r"\[\d{1,3}\]", text))
    return False


def _ref_key(element) -> str:
    for link in element.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#"):
            return href[1:]
    return squash(element.text_content()).strip("[]")


def _lone_image(img) -> bool:
    """An image with alt text standing alone in its paragraph (not an icon inside a sentence)."""
    parent = img.getparent()
    if not (img.get("alt") or "").strip() or parent is None or _tag(parent) == "figure":
        return False
    if any(_tag(a) == "figure" for a in img.iterancestors()):
        return False
    if _tag(parent) == "a":
        parent = parent.getparent() if parent.getparent() is not None else parent
    return _tag(parent) in ("p", "div", "body", "main", "article", "section", "center") and (
        squash(parent.text_content()) == "" and len(list(parent.iter("img"))) == 1)


def _mark_figure(element, tag: str) -> bool:
    """A figure with an image -> ag-figure (caption, else alt); other figures stay (a quote or
    code in a <figure> is read as such). True if it became a marker."""
    if tag == "img":
        _replace(element, FIGURE, text=squash(element.get("alt") or ""))
        return True
    if any(True for _ in element.iter("pre", "blockquote", "table", MATH)):
        return False
    captions = [squash(c.text_content()) for c in element.iter("figcaption")]
    alts = [squash(i.get("alt") or "") for i in element.iter("img")]
    text = next(filter(None, captions + alts), "")
    if text or any(True for _ in element.iter("img", "svg", "picture", "video")):
        _replace(element, FIGURE, text=text)
        return True
    return False


def _expand_abbreviations(tree) -> None:
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
        for child in list(abbr):
            child.drop_tree()
        abbr.text = f"{short} ({title})"
