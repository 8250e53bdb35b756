"""A last "Notes" or "References" section made into Notes, and the "[1]" references to them
taken out of the text."""

from __future__ import annotations

import re

from ...models import ITEM, LEADIN, PARAGRAPH, Block, BlockKind
from ..assemble import Heading, Item, Note, squash
from .headings import strip_anchor
from .lines import CODE_LIKE, Unit, UnitKind, one_line

# The last section of an article that holds its notes ("Notes", "References:").
NOTES_TITLE = re.compile(r"^(?:notes|footnotes|endnotes|references|sources|citations)\s*:?$",
                         re.IGNORECASE)
# "[1] The survey...", "1. The survey...", "^1 The survey": a note and its key.
NOTE_LABEL = re.compile(r"^\s*(?:\[(\d{1,3})\]|\^(\d{1,3})|(\d{1,3})[.)])\s+(?=\S)")
NOTE_START = re.compile(r"\s(?=\[\d{1,3}\]\s+\S)")  # where the next "[2] ..." starts in a run
# "end.[2]", "cited[3, 4]", "shown[5–7]": a reference glued to what it refers to (after a
# letter only when the notes have its key; never in a line of code). "[citation needed]" too.
NOTE_REF = re.compile(r"(?<=[^\W\d_]|[.,;:!?”’\"')])\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]"
                      r"(?=[\s.,;:!?)”’\"']|$)|\s?\[citation needed\]", re.IGNORECASE)
SPACED_REF = re.compile(r"\s\[(\d{1,3})\](?=[\s.,;:!?)]|$)")  # "word [1]": when note 1 exists


def take_refs(units: list[Unit]) -> dict[int, list[str]]:
    """Take the "[1]" references out of the units' text, before anything is judged by how a
    line ends; {unit index: the note keys it refers to}. A reference spaced from its word
    ("word [1]") or glued to a letter ("word[1]") counts only when a trailing "Notes" or
    "References" section has that key (see _note_keys)."""
    keys = _note_keys(units)
    refs: dict[int, list[str]] = {}
    for index, unit in enumerate(units):
        if unit.kind in (UnitKind.PARAGRAPH, UnitKind.ITEM, UnitKind.QUOTE) and "[" in unit.text:
            text, found = _strip_refs(unit.text, keys)
            if found or text != unit.text:
                unit.text = squash(text)
                refs[index] = found
    return refs


def _note_keys(units: list[Unit]) -> set[str]:
    """The keys of the notes under a last "Notes" or "References" line ("[1] ...", "1. ...")."""
    start = next((n for n in range(len(units) - 1, -1, -1) if NOTES_TITLE.match(
        strip_anchor(units[n].text).strip()) and (units[n].kind == UnitKind.HEADING
                                                  or one_line(units[n]))), None)
    body = units[start + 1:] if start is not None else []
    if not body or any(u.kind not in (UnitKind.PARAGRAPH, UnitKind.ITEM) for u in body):
        return set()
    texts = [part for unit in body for part in NOTE_START.split(unit.text)]
    return {_note_key(text, place)[0] for place, text in enumerate(texts, 1)}


def _note_key(text: str, place: int) -> tuple[str, str]:
    """ "[2] Mostly crabs." -> ("2", "Mostly crabs."); unlabelled: (its place, the text)."""
    label = NOTE_LABEL.match(text)
    if not label:
        return str(place), text
    return next(g for g in label.groups() if g), text[label.end():]


def _heads_notes(item: Item) -> bool:
    """A heading or a lead-in: what may stand above a notes list."""
    return isinstance(item, Heading) or isinstance(item, Block) and item.kind == LEADIN


def notes_section(items: list[Item]) -> list[Item]:
    """The items with the blocks after a last "Notes" heading (or "Notes:" lead-in) made into
    Notes, keyed by their label ("[1]", "1.") or their place in a numbered list."""
    start = next((n for n in range(len(items) - 1, -1, -1) if _heads_notes(items[n])), None)
    if start is None or not NOTES_TITLE.match(strip_anchor(items[start].text).strip()):
        return items
    body = items[start + 1:]
    if not body or not all(isinstance(b, Block) and b.kind in (PARAGRAPH, ITEM) for b in body):
        return items
    texts = [part for block in body for part in NOTE_START.split(block.text)]
    notes: list[Item] = []
    for place, text in enumerate(texts, 1):
        key, note = _note_key(text, place)
        notes.append(Note(Block(BlockKind.NOTE, note), key))
    head = items[start]
    levels = [item.level for item in items if isinstance(item, Heading)]
    # A chapter-level "Notes" heading stays (assemble drops it once its notes have moved).
    kept = [head] if isinstance(head, Heading) and head.level == min(levels) else []
    return items[:start] + kept + notes


def _strip_refs(text: str, keys: set[str]) -> tuple[str, list[str]]:
    """ "Tides rise.[1] Then[2, 3] fall" -> ("Tides rise. Then fall", ["1", "2", "3"])."""
    if CODE_LIKE.search(text.replace("[", "").replace("]", "")):
        return text, []
    refs: list[str] = []

    def cut(match: re.Match[str]) -> str:
        if not match.group(1):
            return ""  # [citation needed]
        found = _ref_keys(match.group(1))
        after_letter = match.start() and text[match.start() - 1].isalpha()
        if after_letter and not (keys and set(found) <= keys):
            return match.group(0)  # "array[1]" with no note 1: an index, not a reference
        refs.extend(found)
        return ""

    def cut_spaced(match: re.Match[str]) -> str:
        if match.group(1) not in keys:
            return match.group(0)
        refs.append(match.group(1))
        return ""

    text = SPACED_REF.sub(cut_spaced, NOTE_REF.sub(cut, text))
    return text, refs


def _ref_keys(label: str) -> list[str]:
    """ "2, 3" -> ["2", "3"]; "5–7" -> ["5", "6", "7"] (a range of at most 20)."""
    keys: list[str] = []
    for part in re.split(r"\s*,\s*", label):
        ends = [int(n) for n in re.split(r"\s*[–-]\s*", part) if n]
        if len(ends) == 2 and 0 <= ends[1] - ends[0] <= 20:
            keys.extend(str(n) for n in range(ends[0], ends[1] + 1))
        else:
            keys.extend(str(n) for n in ends)
    return keys
