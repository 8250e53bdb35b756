"""Word timings: where each spoken word lies in its clip, and which shown word it became.

A clip's words are the whitespace-separated words of the text the engine was given (the spoken
text), each with (start, end) in samples of the clip:

- piper: the voice's own phoneme durations (`phoneme_spans`). The phoneme string does not
  split where the text does (espeak joins "in the" into one word and reads "e.g." as "for
  example"), so each spoken word is phonemized alone and its phonemes are matched (difflib)
  against the phonemes the voice said.
- espeak: its word events, a character position and a sample each (`event_spans`).
- others: shares of the clip in proportion to the letters of each word (`estimate_spans`).

`shown_spans` maps them back to the words shown in the transcript: "25" was spoken "twenty
five" and gets the span of both words. Each shown word is put through the speech normalizer
alone, and the normalized words are matched against the spoken ones.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

Span = tuple[int, int]
# Not phonemes of a word: separators, stress and length marks, pauses, punctuation.
_SKIP = set(" ^$_ˈˌː") | set(",.;:!?¡¿-—–…\"'()[]«»“”‘’")
_NORM = re.compile(r"[\W_]+", re.UNICODE)


def normalize(word: str) -> str:
    """A word for matching: lower case letters and digits only, accents dropped."""
    folded = unicodedata.normalize("NFKD", word.casefold())
    return _NORM.sub("", "".join(c for c in folded if not unicodedata.combining(c)))


def _monotonic(spans: list[Span], total: int) -> tuple[Span, ...]:
    """Spans in order: each starts no earlier than the one before, inside [0, total]."""
    out: list[Span] = []
    floor = 0
    for start, end in spans:
        start = min(max(start, floor), total)
        end = min(max(end, start), total)
        out.append((start, end))
        floor = start
    return tuple(out)


def _index_map(a_len: int, b_len: int,
               opcodes: Iterable[tuple[str, int, int, int, int]]) -> dict[int, int]:
    """Which index of b each index of a corresponds to (equal runs one to one, replaced runs
    in proportion), from SequenceMatcher opcodes."""
    mapping: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            mapping.update({i1 + k: j1 + k for k in range(i2 - i1)})
        elif tag == "replace":
            for k in range(i2 - i1):
                mapping[i1 + k] = j1 + (k * (j2 - j1)) // (i2 - i1)
    return mapping


def _spans_of_labels(labels: Sequence[int], count: int, mapping: dict[int, int],
                     targets: Sequence[Span], total: int) -> tuple[Span, ...]:
    """For each of `count` items, the span from its first to its last mapped target; items
    with none sit, empty, where the previous one ended."""
    found: list[list[int]] = [[] for _ in range(count)]
    for index, label in enumerate(labels):
        if index in mapping:
            found[label].append(mapping[index])
    spans: list[Span] = []
    last = 0
    for indices in found:
        if indices:
            span = (targets[min(indices)][0], targets[max(indices)][1])
            last = span[1]
        else:
            span = (last, last)
        spans.append(span)
    return _monotonic(spans, total)


def phoneme_spans(spoken: str, chunks: Sequence[tuple[Sequence[tuple[str, int]], int]],
                  phonemize: Callable[[str], str]) -> tuple[Span, ...] | None:
    """Spans of the spoken words from piper's alignments: `chunks` holds, per audio chunk,
    its (phoneme, samples) pairs and its length in samples; `phonemize(word)` gives a word's
    phonemes. None when there is nothing to go by."""
    said: list[Span] = []  # each phoneme the voice said (not pauses or marks): its samples
    said_text: list[str] = []
    offset = 0
    for alignments, length in chunks:
        position = offset
        for phoneme, samples in alignments:
            if phoneme not in _SKIP:
                said.append((position, position + samples))
                said_text.append(phoneme)
            position += samples
        offset += length
    words = spoken.split()
    if not said or not words:
        return None
    wanted: list[str] = []
    labels: list[int] = []
    for index, word in enumerate(words):
        for phoneme in phonemize(word):
            if phoneme not in _SKIP:
                wanted.append(phoneme)
                labels.append(index)
    matcher = difflib.SequenceMatcher(None, wanted, said_text, autojunk=False)
    mapping = _index_map(len(wanted), len(said_text), matcher.get_opcodes())
    return _spans_of_labels(labels, len(words), mapping, said, offset)


def event_spans(spoken: str, events: Sequence[tuple[int, int]], total: int
                ) -> tuple[Span, ...] | None:
    """Spans of the spoken words from espeak's word events: (1-based character position in
    `spoken`, sample) each. A word ends where the next one starts (the last at `total`)."""
    words = list(re.finditer(r"\S+", spoken))
    if not words or not events:
        return None
    starts: list[int | None] = [None] * len(words)
    for position, sample in events:
        char = position - 1
        for index, match in enumerate(words):
            if match.start() <= char < match.end():
                if starts[index] is None:
                    starts[index] = sample
                break
    spans: list[Span] = []
    for index, start in enumerate(starts):
        following = [s for s in starts[index + 1:] if s is not None]
        end = following[0] if following else total
        begin = start if start is not None else end
        spans.append((begin, end))
    return _monotonic(spans, total)


def estimate_spans(spoken: str, total: int) -> tuple[Span, ...]:
    """Spans as shares of the clip, in proportion to each word's letters (plus one for the
    gap after it): what is known when the engine gives no timings."""
    words = spoken.split()
    weights = [len(normalize(word)) + 1 for word in words]
    whole = sum(weights) or 1
    spans: list[Span] = []
    done = 0
    for weight in weights:
        start = round(total * done / whole)
        done += weight
        spans.append((start, round(total * (done - 1) / whole) if weight > 1 else start))
    return _monotonic(spans, total)


def shown_spans(shown: str, spoken: str, spans: Sequence[Span],
                speak: Callable[[str], str] | None = None) -> tuple[Span, ...]:
    """For each shown word (shown.split()), the span of the spoken words it became.

    `speak(word)` is the speech normalizer for one word ("25" -> "twenty-five"); without it
    words are matched as written, and what differs is matched in proportion."""
    shown_words = shown.split()
    spoken_words = [normalize(word) for word in spoken.split()]
    total = max((end for _, end in spans), default=0)
    if not shown_words or not spans or len(spans) != len(spoken_words):
        return tuple((total, total) for _ in shown_words) if shown_words else ()
    wanted: list[str] = []
    labels: list[int] = []
    for index, word in enumerate(shown_words):
        said = (speak(word) if speak else word).split()
        pieces = [normalize(piece) for piece in said] or [normalize(word)]
        for piece in pieces:
            if piece:
                wanted.append(piece)
                labels.append(index)
    matcher = difflib.SequenceMatcher(None, wanted, spoken_words, autojunk=False)
    mapping = _index_map(len(wanted), len(spoken_words), matcher.get_opcodes())
    return _spans_of_labels(labels, len(shown_words), mapping, spans, total)
