"""What is read and what is skipped, by the settings: `--skip notes`, `--keep asides`.

The readers give every section its NOTE, ASIDE, FIGURE and MATH blocks and list in
`Section.skipped` what they left out on their own judgement (hidden text, clutter).
`apply_roles` then moves the blocks of the roles that are skipped into `Section.skipped`, in
order: asides (and pull quotes) are skipped unless kept, notes, figures and formulas are read
unless skipped. Pure: an Article in, an Article out.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..models import Article, BlockKind, Section, Skipped

# role name (as the options spell it) -> (block kind, read by default), and the Skipped kind.
ROLES = {
    "notes": (BlockKind.NOTE, True),
    "asides": (BlockKind.ASIDE, False),
    "figures": (BlockKind.FIGURE, True),
    "math": (BlockKind.MATH, True),
}
SKIPPED_KIND = {BlockKind.NOTE: "notes", BlockKind.ASIDE: "aside", BlockKind.FIGURE: "figure",
                BlockKind.MATH: "math"}


def skipped_kinds(skip: tuple[str, ...] = (), keep: tuple[str, ...] = ()) -> frozenset:
    """The block kinds left out: the defaults, then `keep`, then `skip` (skip wins)."""
    out = {kind for kind, read in ROLES.values() if not read}
    out -= {ROLES[name][0] for name in keep if name in ROLES}
    out |= {ROLES[name][0] for name in skip if name in ROLES}
    return frozenset(out)


def apply_roles(article: Article, skip: tuple[str, ...] = (),
                keep: tuple[str, ...] = ()) -> Article:
    """The article with the skipped roles' blocks moved into their section's `skipped`."""
    left_out = skipped_kinds(skip, keep)
    sections = []
    for section in article.sections:
        kept = tuple(b for b in section.blocks if b.kind not in left_out)
        if len(kept) == len(section.blocks):
            sections.append(section)
            continue
        moved = tuple(Skipped(SKIPPED_KIND[b.kind], b.text, count_words(b.text))
                      for b in section.blocks if b.kind in left_out)
        sections.append(Section(section.title, kept, section.skipped + moved))
    return replace(article, sections=tuple(sections))


def count_words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def skipped_summary(section: Section) -> list[dict]:
    """[{"kind": str, "words": int}] for `audioguide sections --json`: one per kind, in order."""
    totals: dict[str, int] = {}
    for item in section.skipped:
        totals[item.kind] = totals.get(item.kind, 0) + item.words
    return [{"kind": kind, "words": words} for kind, words in totals.items()]


# Kinds listed by kind and word count only: hidden for a reason, or clutter nobody wants read.
UNSHOWN_KINDS = frozenset({"hidden", "clutter"})


def listing(item: Skipped) -> Skipped:
    """A skipped item as the transcript and the page list it: hidden text and clutter keep
    their kind and word count, never their words."""
    return replace(item, text="") if item.kind in UNSHOWN_KINDS else item


def chapter_skips(article: Article, titles: tuple[str, ...]) -> list[tuple[Skipped, ...]]:
    """The listed skips of each chapter (`titles`: the plan's chapter titles, in order).

    A section matches the next chapter of its title (the opening section, untitled, the first
    chapter); a section with no chapter (nothing read aloud) lends its skips to the chapter
    before it, or to the first one.
    """
    out: list[list[Skipped]] = [[] for _ in titles]
    named = {" ".join(section.title.split()) for section in article.sections}
    opening = bool(titles) and titles[0] not in named  # the untitled opening was read
    current, following = 0, 0
    for section in article.sections:
        title = " ".join(section.title.split())
        if following < len(titles) and (title == titles[following]
                                        or not title and following == 0 and opening):
            current, following = following, following + 1
        if out:
            out[current].extend(listing(item) for item in section.skipped)
    return [tuple(items) for items in out]
