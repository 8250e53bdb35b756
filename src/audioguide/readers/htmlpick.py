"""Which of a page's blocks are its article (issue 22).

A news or blog page holds much besides its story: menus, author boxes, "read next" and teaser
lists, "filed under" tags, share and newsletter blocks, comments, adverts, other stories in
<article> elements of their own. The page's own marks (<main>, <article>) say too little:
sites put all of that inside them. So the page is read whole (its body, furniture and the
clutter htmlroles marks set apart), and a reference text says which blocks are the story:

- the reference is trafilatura's extraction of the page with the roles set apart, in its
  precise mode; where it finds nothing, the page's own claim: JSON-LD `articleBody`
  (`NewsArticle`, `BlogPosting`, `Article`...), else the microdata `itemprop="articleBody"`;
- a block is the story's when most of its word trigrams are in the reference (a block of one or
  two words: when the reference has them in that order);
- the article is the run of blocks with the most story words less other words (other
  stories' text, headings and pictures count against it): Kadane's maximum subarray, so a copy
  of the story in a teaser far down the page does not stretch it. The run takes in the story's
  own heading and widgets before it and its figures, notes and asides after it;
- outside the run nothing is read but notes; inside it, text blocks the reference lacks are
  left out (the furniture a site puts inside its article: author boxes, "filed under", "enlarge
  image"), headings stay when story text follows them, and code, tables, formulas, figures and
  asides stay where story text is on both sides (the reference tools drop those; the roles
  decide them), each once. What htmlroles set apart stays listed as skipped.

html.py reads a page this way unless the text of its marked content (or trafilatura's pick) is
all in the reference: a clean page is read whole, as before.

The blocks keep their structure and roles because they come from the page, not from the
reference: headings, lists, quotes, language spans, notes and figures read as before.
"""

from __future__ import annotations

import json
import re

from ..models import Block, BlockKind, Skipped
from .assemble import Heading, Item, Note, NoteRef
from .htmlelement import HtmlElement, xpath_elements

_WORD = re.compile(r"\w+")
_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|Report|Posting)$")
# Blocks the reference decides; the rest (code, tables, formulas, figures, asides) are roles.
_TEXT_KINDS = (BlockKind.PARAGRAPH, BlockKind.ITEM, BlockKind.QUOTE, BlockKind.LEADIN,
               BlockKind.QUESTION)
MATCH = 0.7  # the share of a block's trigrams the reference must hold


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _grams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return list(zip(*(tokens[i:] for i in range(n)), strict=False))


class Reference:
    """A text that says which blocks are the article: its word 1-, 2- and 3-grams."""

    def __init__(self, text: str) -> None:
        tokens = words(text)
        self.grams = [set(_grams(tokens, n)) for n in (1, 2, 3)]

    def share(self, text: str) -> float:
        """How much of `text` the reference holds (0-1): its trigrams, or for one or two
        words the words in that order."""
        tokens = words(text)
        if not tokens:
            return 0.0
        grams = _grams(tokens, min(3, len(tokens)))
        found = self.grams[len(grams[0]) - 1]
        return sum(1 for gram in grams if gram in found) / len(grams)


def jsonld_article(tree: HtmlElement) -> dict[str, str]:
    """What the page's JSON-LD says of its article (`NewsArticle`, `BlogPosting`,
    `Article`...): "body" (the longest articleBody), "headline", "author", "date"."""
    found: dict[str, str] = {}
    for script in xpath_elements(tree, "//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(stack) < 10_000:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if _is_article(item):
                    _take_article(item, found)
                stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
    return found


def _is_article(item: dict[str, object]) -> bool:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds)


def _take_article(item: dict[str, object], found: dict[str, str]) -> None:
    body = item.get("articleBody")
    if isinstance(body, str) and len(body) > len(found.get("body", "")):
        found["body"] = body
    headline = item.get("headline")
    if isinstance(headline, str) and headline.strip():
        found.setdefault("headline", headline.strip())
    date = item.get("datePublished")
    if isinstance(date, str) and date.strip():
        found.setdefault("date", date.strip())
    authors = item.get("author")
    named = [a.get("name") if isinstance(a, dict) else a
             for a in (authors if isinstance(authors, list) else [authors])]
    names = [n.strip() for n in named if isinstance(n, str) and n.strip()
             and not n.strip().startswith(("http://", "https://"))]
    if names:
        found.setdefault("author", ", ".join(names[:3]))


def _text_of(item: Item) -> str | None:
    """The text a reference decides on: a heading's or a text block's; None for the rest."""
    if isinstance(item, Heading):
        return item.text
    if isinstance(item, Block) and item.kind in _TEXT_KINDS:
        return item.text
    return None


def story_share(items: list[Item], reference: Reference) -> float:
    """The share of the words in the items' text blocks that the reference holds (1.0 when
    they have none)."""
    total = held = 0
    for item in items:
        if _is_text_block(item):
            count = len(words(item.text))
            total += count
            held += count * (reference.share(item.text) >= MATCH)
    return held / total if total else 1.0


def story_items(items: list[Item], reference: Reference) -> list[Item]:
    """The items of the article: see the module's docstring. [] when no block matches."""
    story = [_text_of(item) is not None and reference.share(item.text) >= MATCH
             for item in items]
    span = _densest_run(items, story)
    if span is None:
        return []
    first, last = span
    # The story's own heading and widgets before it (a lead picture is not read: its caption
    # is seldom the story's); its figures, notes and asides after it: up to the nearest text.
    while first > 0 and not _is_text_block(items[first - 1]) and not _is_figure(items[first - 1]):
        first -= 1
    while last + 1 < len(items) and not _is_text_block(items[last + 1]):
        last += 1
    kept: list[Item] = []
    roles: set[Item] = set()
    for i, item in enumerate(items):
        if isinstance(item, Note):
            kept.append(item)  # notes are the notes role's to decide, wherever they are
        elif not first <= i <= last:
            continue
        elif story[i]:
            kept.append(item)
        elif isinstance(item, Heading):
            if _next_text(items, story, i, +1, stop_at_heading=True):
                kept.append(item)
        elif isinstance(item, (Skipped, NoteRef)):
            kept.append(item)  # not read (listed as skipped), or where a note is referred to
        elif _text_of(item) is None and item not in roles and _next_text(
                items, story, i, -1) and _next_text(items, story, i, +1, last=last):
            kept.append(item)  # a figure, table, aside... inside the story's flow, once
            roles.add(item)
    return kept


def _densest_run(items: list[Item], story: list[bool]) -> tuple[int, int] | None:
    """The run of items with the most story words less other words (Kadane's maximum
    subarray): one stray copy of a paragraph far down the page does not stretch it."""
    best, best_span = 0, None
    total, start = 0, 0
    for i, item in enumerate(items):
        if story[i]:
            weight = 0 if isinstance(item, Heading) else len(words(item.text))
        elif _text_of(item) is not None or _is_figure(item):
            weight = -len(words(item.text))  # other stories' text, headings and pictures
        else:
            continue
        if total <= 0:
            total, start = 0, i
        total += weight
        if total > best:
            best, best_span = total, (start, i)
    return best_span


def _is_figure(item: Item) -> bool:
    return isinstance(item, Block) and item.kind == BlockKind.FIGURE


def _is_text_block(item: Item) -> bool:
    return isinstance(item, Block) and item.kind in _TEXT_KINDS


def _next_text(items: list[Item], story: list[bool], at: int, step: int,
               stop_at_heading: bool = False, last: int | None = None) -> bool:
    """Whether the nearest text block from `at` (forwards or backwards) is story text; with
    `last`, also when there is none up to that item (the end of the story)."""
    i = at + step
    while 0 <= i < len(items):
        if last is not None and i > last:
            return True
        item = items[i]
        if isinstance(item, Heading):
            if stop_at_heading:
                return False
        elif _text_of(item) is not None:
            return story[i]
        i += step
    return last is not None and step > 0
