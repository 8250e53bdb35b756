"""A second voice for a role: `--role-voice question=espeak:en-gb-scotland` (issue 24).

The planner marks each utterance with the role of the block it reads (models.Role: an FAQ's
questions, blockquotes, headings, notes, asides). `RolesEngine` holds the episode's own
synthesizer (its engine, or the PartsEngine of its parts in other languages) and, for each role
given a voice, that voice's engine; a `RoleRequest` goes to the role's voice, every other request
to the episode's synthesizer as it is, so a build without role voices makes the same requests,
cache keys and clips as before. This is engines/parts.py's idea one level up: parts route the
phrases of a sentence, roles route whole utterances.

A role's voice (voices/roles.py makes its engine) has its own identity, so the clip cache keys
follow it, and one worker: roles are a few sentences, the episode's engine has the workers.
Its clips are levelled, resampled and timed by the encode as every clip is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from ..models import Clip, EngineName, Role, VoiceCredit
from .base import Engine
from .parts import PartsEngine, Request, Synthesizer

ESPEAK_SOURCE = "https://github.com/espeak-ng/espeak-ng"
ESPEAK_LICENCE = "GPL-3.0-or-later"


class RoleRequest(NamedTuple):
    """What to synthesize for an utterance read by a role's voice."""

    role: Role
    request: Request  # its spoken text, or its parts in other languages


def voice_label(engine: Engine) -> str:
    """ "espeak en-us": the engine and its voice, as cues[].voice and langs[].voice say it."""
    return f"{engine.name} {engine.voice_name()}"


def voice_credit(engine: Engine) -> VoiceCredit:
    """The voice's credit record: a Piper voice's licence and dataset from its model card;
    espeak-ng's licence and project; gtts's nothing (Google's terms, no model card)."""
    key = engine.voice_name()
    if engine.name == EngineName.PIPER:
        card = engine.licence()  # type: ignore[attr-defined]
        return VoiceCredit(engine.name, key, card["licence"], card["source"])
    if engine.name == EngineName.ESPEAK:
        return VoiceCredit(engine.name, key, ESPEAK_LICENCE, ESPEAK_SOURCE)
    return VoiceCredit(str(engine.name), key)


class RolesEngine:
    """The episode's synthesizer plus one voice per role; synthesizes requests in order."""

    def __init__(self, main: Synthesizer, voices: dict[Role, Engine],
                 mixers: dict[Role, PartsEngine] | None = None):
        self.main = main
        self.voices = voices  # role -> its voice's engine (one engine may read two roles)
        # role -> its voice with the voices of its parts in other languages, for the roles
        # whose utterances have such parts (engines/parts.py)
        self.mixers = mixers or {}

    def synthesizer_for(self, role: Role, parts: bool) -> Synthesizer:
        return self.mixers[role] if parts and role in self.mixers else self.voices[role]

    def request(self, role: Role | None, request: Request) -> Request | RoleRequest:
        """What ClipSource asks for an utterance of `role` (unchanged when it has no voice)."""
        return RoleRequest(role, request) if role is not None and role in self.voices else request

    def _target(self, request: Any) -> tuple[Synthesizer, Any]:
        if isinstance(request, RoleRequest):
            inner = request.request
            return self.synthesizer_for(request.role, not isinstance(inner, str)), inner
        return self.main, request

    def synthesize(self, request: Any) -> Clip:
        target, inner = self._target(request)
        return target.synthesize(inner)

    def synthesize_many(self, requests: Sequence[Any],
                        on_clip: Callable[[int, Clip], None] | None = None) -> Iterator[Clip]:
        """Clips for `requests`, in order: each synthesizer gets its own requests in order
        (the episode's engine in its workers) and the clips are taken from each stream as
        the requests need them; `on_clip` hears each with its index in `requests`."""
        batches: dict[int, tuple[Synthesizer, list[Any], list[int]]] = {}
        order: list[int] = []
        for index, request in enumerate(requests):
            target, inner = self._target(request)
            batch = batches.setdefault(id(target), (target, [], []))
            batch[1].append(inner)
            batch[2].append(index)
            order.append(id(target))

        def heard(indices: list[int]) -> Callable[[int, Clip], None] | None:
            if on_clip is None:
                return None
            return lambda position, clip: on_clip(indices[position], clip)

        streams = {key: iter(target.synthesize_many(inner, heard(indices)))
                   for key, (target, inner, indices) in batches.items()}
        try:
            for key in order:
                yield next(streams[key])
        finally:
            for stream in streams.values():
                close = getattr(stream, "close", None)
                if close:
                    close()
