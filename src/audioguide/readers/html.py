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

from ..models import PARAGRAPH, Block
from .assemble import Heading, iso_date, language_tag, squash
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


def _meta_values(tree) -> dict[str, str]:
    """The page's <meta> tags: name, property or itemprop (lower case) -> content; first wins."""
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "")
        content = element.get("content")
        if key and content and key.lower() not in values:
            values[key.lower()] = squash(content)[:1000]
    return values


def _meta(tree, article: dict[str, str]) -> dict:
    """Metadata from <html lang>, JSON-LD (`article`, htmlpick.jsonld_article), <title>, the
    meta tags and <time datetime>.

    "og_title" and "page_title" are candidates for the title, decided by parse_html;
    "published" says the page carries social metadata (Open Graph, Twitter cards, article:
    tags, JSON-LD or microdata articleBody), as news and blog pages do.
    """
    meta: dict = {}
    if tree is None:
        return meta
    lang = language_tag(
        (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    )
    if lang:
        meta["lang"] = lang
    values = _meta_values(tree)
    meta["published"] = any(key.startswith(("og:", "twitter:", "article:")) for key in values) \
        or bool(tree.xpath("//*[@itemprop='articleBody'] | //script[@type='application/ld+json']"))
    titles = tree.xpath("//title")
    meta["og_title"] = (squash(article.get("headline", ""))[:300] or values.get("og:title")
                        or values.get("twitter:title") or "")
    meta["page_title"] = squash(titles[0].text_content()) if titles else ""
    author = (squash(article.get("author", ""))[:200] or values.get("author")
              or values.get("article:author") or values.get("dc.creator"))
    if author and not author.startswith(("http://", "https://")):
        meta["byline"] = re.sub(r"^by\s+", "", author, flags=re.IGNORECASE)
    meta["description"] = values.get("description") or values.get("og:description") or ""
    meta["category"] = values.get("article:section") or ""
    date = (article.get("date") or values.get("article:published_time") or values.get("date")
            or values.get("dc.date") or values.get("datepublished") or "")
    if not date:
        times = tree.xpath("//time[@datetime]")
        date = times[0].get("datetime") if times else ""
    day = iso_date(date or "")
    if day:
        meta["date"] = day
    image = values.get("og:image") or values.get("twitter:image")
    if image:
        meta["image"] = image
    return meta


def _trafilatura(text: str, url: str | None, **options) -> str:
    """trafilatura.extract(text, ...) with its own warnings kept quiet; "" when it fails."""
    import logging

    import trafilatura
    from lxml import etree

    for name in ("trafilatura", "htmldate", "courlan"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.ERROR)  # its warnings ("discarding data") are not ours
    try:
        return trafilatura.extract(text, url=url, include_comments=False, include_links=False,
                                   include_images=False, deduplicate=False, **options) or ""
    except (ValueError, TypeError, etree.LxmlError, RecursionError):
        return ""


def _extract(text: str, url: str | None):
    """trafilatura's idea of the main content, as an lxml element, or None."""
    content = _trafilatura(text, url, output_format="html", include_tables=True,
                           include_formatting=False, favor_recall=True)
    if not content.strip():
        return None
    tree = parse_document(content)
    return None if tree is None else body_of(tree)


def _reference(cleaned: str, url: str | None, page, jsonld_body: str) -> Reference | None:
    """The text that says which blocks are the story (htmlpick.py): trafilatura's precise
    extraction, else the page's JSON-LD articleBody, else its itemprop="articleBody"."""
    text = _trafilatura(cleaned, url, include_tables=True, favor_precision=True)
    if not text.strip():
        text = jsonld_body
    if not text.strip() and page is not None:
        text = " ".join(e.text_content() for e in page.xpath("//*[@itemprop='articleBody']"))
    return Reference(text) if text.strip() else None


def _content_byline(tree) -> str:
    """The author named in the page (rel/itemprop author, .byline): taken out of the text."""
    if tree is None:
        return ""
    found = ""
    for element in tree.xpath(BYLINE_XPATH):
        text = squash(element_text(element))
        if not found and 0 < len(text) <= 100:
            found = re.sub(r"^(by|written by|author:?)\s+", "", text, flags=re.IGNORECASE)
        if len(text) <= 200 and element.getparent() is not None:
            element.drop_tree()
    return found


def _main_content(tree):
    """The page's own <main> or <article> (furniture removed), and whether it was marked so."""
    if tree is None:
        return None, False
    strip_furniture(tree)
    for path in ("//main", "//*[@role='main']", "//article"):
        found = tree.xpath(path)
        if found:
            return max(found, key=lambda e: len(e.text_content())), True
    return body_of(tree), False


def _story(page, reference: Reference, lang: str | None) -> list:
    """The page's body read whole (scripts and styles removed: the reference decides what
    else is furniture), then cut to the story (htmlpick.py). Takes the scripts out of `page`."""
    strip_scripts(page)
    walker = BlockWalker(lang)
    walker.read(body_of(page))
    return story_items(walker.items, reference)


def _count_headings(element) -> int:
    return sum(1 for _ in element.iter(*HEADINGS))


def _content(text: str, url: str | None, tree):
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


def _set_apart_removed(tree):
    """A copy of the marked page for trafilatura, without what mark_roles set apart: note
    references (else "places1" is read), notes, clutter and asides."""
    from copy import deepcopy

    copy = deepcopy(tree)
    for marker in list(copy.iter(REF, NOTES, SKIP, ASIDE)):
        if marker.getparent() is not None:
            marker.drop_tree()  # its tail stays
    return copy


def _notes_of(tree):
    """The page's notes (outermost note markers, in order) under one element, for the walker
    to read after trafilatura's pick: they land at the end of its last section."""
    from copy import deepcopy

    from lxml import html as lxml_html

    holder = lxml_html.Element("div")
    for notes in tree.iter(NOTES):
        if not any(a.tag == NOTES for a in notes.iterancestors()):
            holder.append(deepcopy(notes))
    return holder


def _single_h1(tree) -> str:
    """The text of the page's <h1> if it has exactly one, else ""."""
    page_h1 = tree.xpath("//h1") if tree is not None else []
    return squash(element_text(page_h1[0])) if len(page_h1) == 1 else ""


def parse_html(text: str, url: str | None = None) -> tuple[list, dict]:
    """HTML -> (headings and blocks in order, metadata)."""
    tree = parse_document(text)
    # What is read from the whole page comes first: the byline and furniture go next.
    jsonld = jsonld_article(tree) if tree is not None else {}
    meta = _meta(tree, jsonld)
    published = meta.pop("published", False)
    cleaned = text
    if tree is not None:
        from lxml import html as lxml_html

        drop_unseen(tree)  # nothing hidden and no permalink reaches trafilatura either
        mark_roles(tree)
        cleaned = lxml_html.tostring(_set_apart_removed(tree), encoding="unicode")
    page_h1 = _single_h1(tree)
    byline = _content_byline(tree)
    if byline and not meta.get("byline"):
        meta["byline"] = byline
    # The story is cut from the whole page, before _content strips its furniture by class.
    from copy import deepcopy

    page = deepcopy(tree) if tree is not None else None
    walker = BlockWalker(meta.get("lang"))
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
            items = _story(page, reference, meta.get("lang")) or items
    items = items or _flat_text(text)
    og_title, page_title = meta.pop("og_title", ""), meta.pop("page_title", "")
    headings = [i for i in items if isinstance(i, Heading) and squash(i.text)]
    if headings:
        top = min(h.level for h in headings)
        if [h for h in headings if h.level == top] == [headings[0]]:
            return items, meta  # the content's own single top heading is the title
    meta["title"] = og_title or _site_stripped(page_title) or page_h1
    return items, meta


def _flat_text(text: str) -> list:
    """Last resort for pages lxml cannot build (too deep, too broken): text between blocks."""
    pieces = re.split(r"<(?:/?(?:p|div|br|h[1-6]|li|tr|section|article|main|body)\b)[^>]*>",
                      text, flags=re.IGNORECASE)
    return [Block(PARAGRAPH, piece) for piece in map(html_text, pieces) if piece]


def _site_stripped(title: str) -> str:
    """'How to X | Site Name' -> 'How to X'."""
    parts = re.split(r"\s+[|–—·•]\s+|\s+-\s+", title)
    return parts[0] if parts and parts[0] else title
