"""Sentences, words and speaking time: split_sentences, count_words, estimate_seconds."""

from __future__ import annotations

import re

from . import data

WORDS_PER_MINUTE = 155.0

_BOUNDARY = re.compile(r"(?:\.{3}|…|[.!?])+[\"'”’»)\]]*(?=\s)")
_INITIAL = re.compile(r"^[\"'“‘(\[]*(?:[A-Za-z]|(?:[A-Z]\.)+[A-Z])\.$")  # "J.", "U.S."


def _next_starts_lower(rest: str) -> bool:
    """True if the next word (after opening quotes or brackets) starts in lower case or a digit."""
    for char in rest:
        if char.isalnum():
            return char.islower() or char.isdigit()
        if char.isspace() or char in "\"'“‘([«¿¡-–—":
            continue
        return False
    return False


def next_word(rest: str) -> str:
    """The next word of `rest`, without the quotes, brackets and punctuation around it."""
    words = rest.split(None, 1)
    return words[0].lstrip("\"'“‘([«").rstrip(",;:.!?\"'”’)]»") if words else ""


def opens_sentence(rest: str) -> bool:
    """True if the next word of `rest` is one that opens a sentence ("Its", "The", "We")."""
    return next_word(rest) in data.SENTENCE_OPENERS


def _is_abbreviation(text: str, start: int, match: re.Match) -> bool:
    """True if the period of `match` ends an abbreviation or an initial, not a sentence.

    An abbreviation that may end a sentence (data.MAY_END: "St.", "p.m.", "U.S.", "etc.") ends
    it when the next word opens one ("Elm St. Its bread"; data.SENTENCE_OPENERS), and those in
    data.ENDS_ON_CAPITAL ("etc.", "p.m.", "Inc.") at any capital but a time zone.
    """
    mark = match.group()
    if "." not in mark or any(c in mark for c in "!?…") or mark.startswith(".."):
        return False
    word = text[text.rfind(" ", start, match.start()) + 1 : match.end()]
    bare = word.rstrip("\"'”’»)]").lower().lstrip("\"'“‘([")
    if bare in data.MAY_END:
        following = next_word(text[match.end() :])
        if bare == "no." and not following[:1].isdigit():
            return False  # "Is it safe? No. Stay inside."
        if opens_sentence(text[match.end() :]):
            return False
        ends_on_capital = bare in data.ENDS_ON_CAPITAL and following[:1].isupper()
        return not (ends_on_capital and following not in data.CONTINUATIONS)
    return bare in data.NON_TERMINAL or bool(_INITIAL.match(word))


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; " ".join(result) is the whitespace-normalized text.

    A break comes after ".", "!", "?" or an ellipsis (and any closing quotes or brackets) that
    is followed by a space, except after common abbreviations ("e.g.", "Dr. Lee", "vs."), after
    an initial before a name ("J. Smith"), or when the next word starts in lower case or with a
    digit ("etc. and", "He said "Stop!" and left"). Decimals never break: no space follows. An
    abbreviation can end a sentence when the next word opens one: "on Elm St. Its bread" breaks,
    "St. Louis" does not; "at 5 p.m. The talk" breaks, "5 p.m. Eastern" does not.
    """
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if _next_starts_lower(text[end:]) or _is_abbreviation(text, start, match):
            continue  # "etc. and", "Dr. Lee", "J. R. R. Tolkien", "the U.S. Army"
        sentences.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def count_words(text: str) -> int:
    """Words in text: runs of non-space characters that hold a letter or a digit."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def estimate_seconds(words: int, rate: float = 1.0) -> float:
    """Speaking time for `words` at about 155 words a minute, times the speed `rate`."""
    if words <= 0:
        return 0.0
    return words * 60.0 / (WORDS_PER_MINUTE * (rate or 1.0))
