"""Voices for the parts of an utterance in another language (WCAG 3.1.2, language of parts).

`PartsEngine` holds the episode's engine and, for each other language the plan marks, an
engine that reads it (select.part_engine: gtts in that language when the episode is read by
gtts; an installed Piper voice of that language when it is read by piper; else espeak-ng's
voice; else none, and the main voice says the part). A request is either the spoken text of
an utterance said by one voice (a str: it goes to the main engine as it is, so its clip and
cache key are those of a build without this module) or its parts, (text, language or None).
Each part is synthesized by its voice, and the parts are joined into one clip
(audio.clips.join_clips: silence trimmed at the joins, one loudness, one rate, word timings
joined alike).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from ..audio.clips import join_clips
from ..models import Clip, SpokenPart
from .base import Engine

Request = str | tuple[SpokenPart, ...]


class Synthesizer(Protocol):
    """What the clip source needs: an Engine (for str requests) or a PartsEngine."""

    def synthesize(self, request: Any, /) -> Clip: ...

    def synthesize_many(self, requests: Sequence[Any], /,
                        on_clip: Callable[[int, Clip], None] | None = None) -> Iterator[Clip]: ...


class PartsEngine:
    """The main engine plus one engine per other language; synthesizes Requests in order."""

    def __init__(self, main: Engine, langs: Iterable[str] = ()):
        self.main = main
        self.voices: dict[str, Engine] = {}  # language -> the engine that reads its parts
        self.unread: list[str] = []  # languages nothing here reads: the main voice says them
        self._started: set[str] = set()
        self.add(langs)

    def add(self, langs: Iterable[str]) -> list[str]:
        """Find voices for languages not seen before; those that nothing here reads."""
        from .select import part_engine

        unread = []
        for lang in sorted(set(langs) - set(self.voices) - set(self.unread)):
            engine = part_engine(self.main, lang)
            if engine is None:
                unread.append(lang)
            else:
                self.voices[lang] = engine
        self.unread += unread
        return unread

    def engine_for(self, lang: str | None) -> Engine:
        return self.voices.get(lang or "", self.main)

    def voice_for(self, lang: str | None) -> str:
        """The voice that says a part in `lang`, as recorded per span in the manifest."""
        engine = self.engine_for(lang)
        return f"{engine.name} {engine.voice_name()}"

    def identity(self, parts: Sequence[SpokenPart]) -> str:
        """Everything that changes the sound of a mixed clip besides its text: the main
        engine's identity (the clip's rate and loudness follow it) and each part's voice."""
        return json.dumps({"main": self.main.identity(), "parts": [
            self.engine_for(lang).identity() for _, lang in parts]}, sort_keys=True)

    @staticmethod
    def text(parts: Sequence[SpokenPart]) -> str:
        """The parts as one string for the cache key."""
        return json.dumps([list(part) for part in parts], ensure_ascii=False)

    def start(self) -> None:
        """Load the voices of the other languages not loaded yet (the caller starts the main
        engine)."""
        for lang, engine in self.voices.items():
            if lang not in self._started:
                engine.start()
                self._started.add(lang)

    def close(self) -> None:
        """Release the voices of the other languages (not the main engine: not ours)."""
        for engine in self.voices.values():
            engine.close()
        self._started.clear()

    def synthesize(self, request: Request) -> Clip:
        if isinstance(request, str):
            return self.main.synthesize(request)
        return self._join(request, [self.engine_for(lang).synthesize(text)
                                    for text, lang in request])

    def _join(self, parts: Sequence[SpokenPart], clips: list[Clip]) -> Clip:
        """The parts' clips as one, at the main voice's rate (that of a part it said, else
        the first part's: the encode resamples a clip whose rate differs)."""
        main = [clip for clip, (_, lang) in zip(clips, parts, strict=True)
                if self.engine_for(lang) is self.main]
        rate = (main or clips)[0].rate
        return join_clips([(clip, text) for clip, (text, _) in zip(clips, parts, strict=True)],
                          rate)

    def synthesize_many(self, requests: Sequence[Request],
                        on_clip: Callable[[int, Clip], None] | None = None) -> Iterator[Clip]:
        """Clips for `requests`, in order. Each engine gets its own texts in request order
        (and runs them as it does: the main engine in its workers), and the clips are taken
        from each engine's stream as the requests need them. `on_clip` hears a one-voice clip
        as soon as the main engine makes it, a mixed one when it is joined."""
        texts: dict[int, list[str]] = {}  # id(engine) -> its texts, in order
        owner: list[int] = []  # for each main-engine text: the request it belongs to
        for index, request in enumerate(requests):
            for text, lang in ((request, None),) if isinstance(request, str) else request:
                engine = self.engine_for(lang)
                texts.setdefault(id(engine), []).append(text)
                if engine is self.main:
                    owner.append(index)

        def main_clip(position: int, clip: Clip) -> None:
            index = owner[position]
            if on_clip is not None and isinstance(requests[index], str):
                on_clip(index, clip)

        engines = {id(self.main): self.main, **{id(e): e for e in self.voices.values()}}
        streams = {key: iter(engines[key].synthesize_many(
            batch, main_clip if key == id(self.main) else None)) for key, batch in texts.items()}
        try:
            yield from self._ordered(requests, streams, on_clip)
        finally:
            for stream in streams.values():
                close = getattr(stream, "close", None)
                if close:
                    close()

    def _ordered(self, requests: Sequence[Request], streams: dict[int, Iterator[Clip]],
                 on_clip: Callable[[int, Clip], None] | None) -> Iterator[Clip]:
        for index, request in enumerate(requests):
            if isinstance(request, str):
                yield next(streams[id(self.main)])
                continue
            clips = [next(streams[id(self.engine_for(lang))]) for _, lang in request]
            clip = self._join(request, clips)
            if on_clip is not None:
                on_clip(index, clip)
            yield clip


def requests_of(utterances: Iterable) -> list[Request]:
    """What to synthesize for each utterance: its spoken text, or its parts when it has any."""
    return [u.parts if u.parts else u.spoken for u in utterances]


def marked_langs(utterances: Iterable) -> set[str]:
    """The other languages the utterances' parts are said in."""
    return {lang for u in utterances for _, lang in u.parts if lang}
