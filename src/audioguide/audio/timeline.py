"""The timeline: cues and chapters from clip lengths and pauses, in pure arithmetic."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Chapter, Cue, Timeline, Utterance


def samples_to_ms(samples: int, rate: int) -> int:
    return round(samples * 1000 / rate)


def pause_samples(pause_ms: int, rate: int, tempo: float = 1.0) -> int:
    """Silence after an utterance; faster speech (--rate) gets proportionally shorter pauses."""
    return round(pause_ms / tempo * rate / 1000)


def build_timeline(
    utterances: Sequence[Utterance],
    speech_samples: Sequence[int],
    chapter_titles: Sequence[str],
    rate: int,
    lead_samples: int = 0,
    tail_samples: int = 0,
    tempo: float = 1.0,
) -> Timeline:
    """Cues and chapters from the length of each clip and the pause after it.

    `lead_samples` (an intro jingle) and `tail_samples` (an outro) surround the speech: the
    first chapter starts at 0 and the last ends with the audio."""
    cues = []
    position = lead_samples
    for utterance, length in zip(utterances, speech_samples, strict=True):
        start, end = position, position + length
        cues.append(
            Cue(
                start_ms=samples_to_ms(start, rate),
                end_ms=samples_to_ms(end, rate),
                text=utterance.shown,
                section=utterance.section,
                kind=utterance.kind,
                paragraph_end=utterance.paragraph_end,
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
