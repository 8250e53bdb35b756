"""The timeline: cues and chapters from clip lengths and pauses, in pure arithmetic."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..alignment import shown_spans
from ..models import Chapter, Cue, Timeline, Utterance, Word
from .clips import ClipWords


def samples_to_ms(samples: int, rate: int) -> int:
    return round(samples * 1000 / rate)


def pause_samples(pause_ms: int, rate: int, tempo: float = 1.0) -> int:
    """Silence after an utterance; faster speech (--rate) gets proportionally shorter pauses."""
    return round(pause_ms / tempo * rate / 1000)


def cue_words(utterance: Utterance, words: ClipWords, start: int, rate: int,
              speak: Callable[[str], str] | None) -> tuple[Word, ...]:
    """The shown words of an utterance with their times: the spans of the spoken words they
    became (alignment.shown_spans), placed where its clip starts (`start`, in samples)."""
    spans = shown_spans(utterance.shown, utterance.spoken, words.spans, speak)
    return tuple(Word(text, samples_to_ms(start + a, rate), samples_to_ms(start + b, rate))
                 for text, (a, b) in zip(utterance.shown.split(), spans, strict=True))


def build_timeline(
    utterances: Sequence[Utterance],
    speech_samples: Sequence[int],
    chapter_titles: Sequence[str],
    rate: int,
    lead_samples: int = 0,
    tail_samples: int = 0,
    tempo: float = 1.0,
    words: Sequence[ClipWords] | None = None,
    speak: Callable[[str], str] | None = None,
) -> Timeline:
    """Cues and chapters from the length of each clip and the pause after it.

    `lead_samples` (an intro jingle) and `tail_samples` (an outro) surround the speech: the
    first chapter starts at 0 and the last ends with the audio. With `words` (each clip's
    spoken words, in its samples) every cue gets its shown words, moved exactly as the cue
    is; `speak` normalizes one shown word as the speech stage does."""
    cues = []
    position = lead_samples
    for index, (utterance, length) in enumerate(zip(utterances, speech_samples, strict=True)):
        start, end = position, position + length
        found = words[index] if words is not None else None
        cues.append(
            Cue(
                start_ms=samples_to_ms(start, rate),
                end_ms=samples_to_ms(end, rate),
                text=utterance.shown,
                section=utterance.section,
                kind=utterance.kind,
                paragraph_end=utterance.paragraph_end,
                words=cue_words(utterance, found, start, rate, speak) if found else (),
                words_estimated=bool(found and found.estimated),
                langs=utterance.langs,
            )
        )
        position = end + pause_samples(utterance.pause_after, rate, tempo)
    duration_ms = samples_to_ms(position + tail_samples, rate)
    starts: dict[int, int] = {}
    for cue in cues:
        starts.setdefault(cue.section, cue.start_ms)
    starts[min(starts, default=0)] = 0
    order = sorted(starts, key=lambda section: starts[section])
    chapters = []
    for n, section in enumerate(order):
        end = starts[order[n + 1]] if n + 1 < len(order) else duration_ms
        chapters.append(Chapter(chapter_titles[section], starts[section], end))
    return Timeline(chapters=tuple(chapters), cues=tuple(cues), duration_ms=duration_ms)
