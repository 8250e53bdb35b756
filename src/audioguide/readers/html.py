"""HTML -> headings and blocks: the page's story found among its furniture (issue 22).

The page is parsed once (lxml: no DTDs, external entities or network resources); what a
sighted reader never sees is dropped and the parts with a role (notes, asides, figures,
clutter) are marked (htmlroles.py). Then:

- the marked content is read as before: the page's own <main>/<article>, else trafilatura's
  pick unless it lost more than half the headings, else the body;
- a reference text for the story is taken: trafilatura's precise extraction of the page with
  the roles set apart, else JSON-LD articleBody, else itemprop="articleBody";
- if the reference holds all the text of the marked content, that is read (a clean page);
  otherwise the whole body is read and cut to the story (htmlpick.py): news sites put menus,
  author boxes, teasers and other stories inside their <main> and <article>.

Metadata comes from <html lang>, JSON-LD (headline, author, datePublished), <title>, the meta
tags (author, description, Open Graph, article:published_time, article:section) and the page's
byline (rel/itemprop author, class "byline"/"author"), which is taken out of the text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .. import langtag
from ..models import PARAGRAPH, Block
from .assemble import ArticleMeta, Heading, Item, iso_date, squash
from .htmlelement import HtmlElement, html_tree, xpath_elements
from .htmlpick import Reference, jsonld_article, story_items, story_share
from .htmlroles import ASIDE, NOTES, REF, SKIP, drop_unseen, mark_roles
from .htmltree import (
    HEADINGS,
    BlockWalker,
    body_of,
    element_text,
    html_text,
    parse_document,
    strip_furniture,
    strip_scripts,
)

BYLINE_XPATH = ("//*[@rel='author' or @itemprop='author' or contains(concat(' ', "
                "normalize-space(@class), ' '), ' byline ') or contains(concat(' ', "
                "normalize-space(@class), ' '), ' author ')]")


def _meta_values(tree: HtmlElement) -> dict[str, str]:
    """The page's <meta> tags: name, property or itemprop (lower case) -> content; first wins."""
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "")
        content = element.get("content")
        if key and content and key.lower() not in values:
            values[key.lower()] = squash(content)[:1000]
    return values


def _meta(tree: HtmlElement, values: dict[str, str], article: dict[str, str]) -> ArticleMeta:
    """Metadata from <html lang>, JSON-LD (`article`, htmlpick.jsonld_article), the meta tags
    (`values`) and <time datetime>; the title is parse_html's to decide (_titles)."""
    lang = langtag.tag(
        (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    )
    author = (squash(article.get("author", ""))[:200] or values.get("author")
              or values.get("article:author") or values.get("dc.creator"))
    date = (article.get("date") or values.get("article:published_time") or values.get("date")
            or values.get("dc.date") or values.get("datepublished") or "")
    if not date:
        times = xpath_elements(tree, "//time[@datetime]")
        date = times[0].get("datetime") or "" if times else ""
    return ArticleMeta(
        lang=lang,
        byline=re.sub(r"^by\s+", "", author, flags=re.IGNORECASE)
        if author and not author.startswith(("http://", "https://")) else "",
        description=values.get("description") or values.get("og:description") or "",
        category=values.get("article:section") or "",
        date=iso_date(date) or "",
        image=values.get("og:image") or values.get("twitter:image") or "",
    )


def _head(tree: HtmlElement | None,
          article: dict[str, str]) -> tuple[ArticleMeta, bool, tuple[str, str]]:
    """What the page says of itself, before it is changed: its metadata (_meta), whether it
    is published (_published) and the candidates for its title (_titles)."""
    if tree is None:
        return ArticleMeta(), False, ("", "")
    values = _meta_values(tree)
    return _meta(tree, values, article), _published(tree, values), _titles(tree, values, article)


def _published(tree: HtmlElement, values: dict[str, str]) -> bool:
    """Whether the page carries social metadata (Open Graph, Twitter cards, article: tags,
    JSON-LD or microdata articleBody), as news and blog pages do."""
    return any(key.startswith(("og:", "twitter:", "article:")) for key in values) or bool(
        xpath_elements(tree, "//*[@itemprop='articleBody'] | "
                             "//script[@type='application/ld+json']"))


def _titles(tree: HtmlElement, values: dict[str, str], article: dict[str, str]) -> tuple[str, str]:
    """The candidates for the title: the social one (JSON-LD headline, og:title,
    twitter:title) and the page's <title>."""
    titles = xpath_elements(tree, "//title")
    social = (squash(article.get("headline", ""))[:300] or values.get("og:title")
              or values.get("twitter:title") or "")
    return social, squash(titles[0].text_content()) if titles else ""


def _trafilatura(text: str, url: str | None, *, output_format: str = "txt",
                 include_formatting: bool | None = None, favor_recall: bool = False,
                 favor_precision: bool = False) -> str:
    """trafilatura.extract(text, ...) with its own warnings kept quiet; "" when it fails.
    (The options and their defaults are trafilatura's.)"""
    import logging

    import trafilatura
    from lxml import etree

    for name in ("trafilatura", "htmldate", "courlan"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.ERROR)  # its warnings ("discarding data") are not ours
    try:
        return trafilatura.extract(text, url=url, include_comments=False, include_links=False,
                                   include_images=False, deduplicate=False, include_tables=True,
                                   output_format=output_format,
                                   include_formatting=include_formatting,
                                   favor_recall=favor_recall, favor_precision=favor_precision
                                   ) or ""
    except (ValueError, TypeError, etree.LxmlError, RecursionError):
        return ""


def _extract(text: str, url: str | None) -> HtmlElement | None:
    """trafilatura's idea of the main content, as an lxml element, or None."""
    content = _trafilatura(text, url, output_format="html", include_formatting=False,
                           favor_recall=True)
    if not content.strip():
        return None
    tree = parse_document(content)
    return None if tree is None else body_of(tree)


def _reference(cleaned: str, url: str | None, page: HtmlElement | None,
               jsonld_body: str) -> Reference | None:
    """The text that says which blocks are the story (htmlpick.py): trafilatura's precise
    extraction, else the page's JSON-LD articleBody, else its itemprop="articleBody"."""
    text = _trafilatura(cleaned, url, favor_precision=True)
    if not text.strip():
        text = jsonld_body
    if not text.strip() and page is not None:
        text = " ".join(e.text_content()
                        for e in xpath_elements(page, "//*[@itemprop='articleBody']"))
    return Reference(text) if text.strip() else None


def _content_byline(tree: HtmlElement | None) -> str:
    """The author named in the page (rel/itemprop author, .byline): taken out of the text."""
    if tree is None:
        return ""
    found = ""
    for element in xpath_elements(tree, BYLINE_XPATH):
        text = squash(element_text(element))
        if not found and 0 < len(text) <= 100:
            found = re.sub(r"^(by|written by|author:?)\s+", "", text, flags=re.IGNORECASE)
        if len(text) <= 200 and element.getparent() is not None:
            element.drop_tree()
    return found


def _main_content(tree: HtmlElement | None) -> tuple[HtmlElement | None, bool]:
    """The page's own <main> or <article> (furniture removed), and whether it was marked so."""
    if tree is None:
        return None, False
    strip_furniture(tree)
    for path in ("//main", "//*[@role='main']", "//article"):
        found = xpath_elements(tree, path)
        if found:
            return max(found, key=lambda e: len(e.text_content())), True
    return body_of(tree), False


def _story(page: HtmlElement, reference: Reference, lang: str | None) -> list[Item]:
    """The page's body read whole (scripts and styles removed: the reference decides what
    else is furniture), then cut to the story (htmlpick.py). Takes the scripts out of `page`."""
    strip_scripts(page)
    walker = BlockWalker(lang)
    walker.read(body_of(page))
    return story_items(walker.items, reference)


def _count_headings(element: HtmlElement) -> int:
    return sum(1 for _ in element.iter(*HEADINGS))


def _content(text: str, url: str | None,
             tree: HtmlElement | None) -> tuple[HtmlElement | None, bool]:
    """The element to read, and whether trafilatura picked it: the page's marked article,
    else trafilatura's pick unless it lost more than half the headings, else the page's body.
    Takes the furniture out of `tree`."""
    own, marked = _main_content(tree)
    if marked or own is None or not own.text_content().strip():
        return own, False
    extracted = _extract(text, url)
    if extracted is not None and 2 * _count_headings(extracted) >= _count_headings(own):
        return extracted, True
    return own, False


def _set_apart_removed(tree: HtmlElement) -> HtmlElement:
    """A copy of the marked page for trafilatura, without what mark_roles set apart: note
    references (else "places1" is read), notes, clutter and asides."""
    from copy import deepcopy

    copy = deepcopy(tree)
    for marker in list(copy.iter(REF, NOTES, SKIP, ASIDE)):
        if marker.getparent() is not None:
            marker.drop_tree()  # its tail stays
    return copy


def _notes_of(tree: HtmlElement) -> HtmlElement:
    """The page's notes (outermost note markers, in order) under one element, for the walker
    to read after trafilatura's pick: they land at the end of its last section."""
    from copy import deepcopy

    from lxml import html as lxml_html

    holder = html_tree(lxml_html.Element("div"))
    for notes in tree.iter(NOTES):
        if not any(a.tag == NOTES for a in notes.iterancestors()):
            holder.append(deepcopy(notes))
    return holder


def _single_h1(tree: HtmlElement | None) -> str:
    """The text of the page's <h1> if it has exactly one, else ""."""
    page_h1 = xpath_elements(tree, "//h1") if tree is not None else []
    return squash(element_text(page_h1[0])) if len(page_h1) == 1 else ""


def parse_html(text: str, url: str | None = None) -> tuple[list[Item], ArticleMeta]:
    """HTML -> (headings and blocks in order, metadata)."""
    tree = parse_document(text)
    # What is read from the whole page comes first: the byline and furniture go next.
    jsonld = jsonld_article(tree) if tree is not None else {}
    meta, published, (og_title, page_title) = _head(tree, jsonld)
    cleaned = text
    if tree is not None:
        from lxml import html as lxml_html

        drop_unseen(tree)  # nothing hidden and no permalink reaches trafilatura either
        mark_roles(tree)
        cleaned = lxml_html.tostring(_set_apart_removed(tree), encoding="unicode")
    page_h1 = _single_h1(tree)
    byline = _content_byline(tree)
    if byline and not meta.byline:
        meta = replace(meta, byline=byline)
    # The story is cut from the whole page, before _content strips its furniture by class.
    from copy import deepcopy

    page = deepcopy(tree) if tree is not None else None
    walker = BlockWalker(meta.lang or None)
    content, extracted = _content(cleaned, url, tree)
    if content is not None:
        walker.read(content)
    if extracted and tree is not None:
        walker.read(_notes_of(tree))  # trafilatura's pick never holds them: read them last
    items = walker.items
    # A published page whose marked content holds more than the story is read as the story
    # alone; other pages (documentation, whose lists and tables the reference tools drop) as
    # their marked content, unless it reads as nothing.
    if page is not None and (published or not items):
        reference = _reference(cleaned, url, page, jsonld.get("body", ""))
        if reference and (not items or story_share(items, reference) < 1.0):
            items = _story(page, reference, meta.lang or None) or items
    items = items or _flat_text(text)
    headings = [i for i in items if isinstance(i, Heading) and squash(i.text)]
    if headings:
        top = min(h.level for h in headings)
        if [h for h in headings if h.level == top] == [headings[0]]:
            return items, meta  # the content's own single top heading is the title
    return items, replace(meta, title=og_title or _site_stripped(page_title) or page_h1)


def _flat_text(text: str) -> list[Item]:
    """Last resort for pages lxml cannot build (too deep, too broken): text between blocks."""
    pieces = re.split(r"<(?:/?(?:p|div|br|h[1-6]|li|tr|section|article|main|body)\b)[^>]*>",
                      text, flags=re.IGNORECASE)
    return [Block(PARAGRAPH, piece) for piece in map(html_text, pieces) if piece]


def _site_stripped(title: str) -> str:
    """'How to X | Site Name' -> 'How to X'."""
    parts = re.split(r"\s+[|–—·•]\s+|\s+-\s+", title)
    return parts[0] if parts and parts[0] else title
