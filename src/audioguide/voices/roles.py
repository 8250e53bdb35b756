"""A --role-voice VOICE (issue 24): checked, and the engine that reads its role.

VOICE is spelled as `audioguide voices sample` spells a voice (voices/sample.py): a Piper key
or .onnx path, or `espeak:VOICE` ("espeak:en-us", "espeak:en-gb-scotland"); gtts is left out
(a role's voice is offline). engines/roles.py routes the role's utterances to the engine made
here.
"""

from __future__ import annotations

from pathlib import Path

from .. import langtag
from ..engines import engine_class
from ..engines.base import Engine
from ..engines.piper_voices import installed_voice, is_voice_key
from ..errors import EngineUnavailable
from ..models import EngineName
from .sample import sample_voice


def role_voice(voice: str, role: str = "") -> tuple[EngineName, str | None, str]:
    """(engine, voice, language) of a --role-voice VOICE (voices.sample.sample_voice's spelling,
    gtts aside) for `role`, checked without loading anything: SettingsError for what is no
    voice, EngineUnavailable for a voice that is not here."""
    name, key, lang = sample_voice(voice)
    given = f"--role-voice {role}={voice}" if role else f"--role-voice {voice}"
    if name == EngineName.GTTS:
        raise EngineUnavailable(f"{given}: a role is read by an offline voice: "
                                "a Piper key or .onnx path, or espeak:VOICE")
    reason = engine_class(name).available()
    if reason:
        raise EngineUnavailable(f"{given}: {reason}")
    if name == EngineName.PIPER and key and is_voice_key(key) and not installed_voice(key):
        raise EngineUnavailable(f"{given}: the Piper voice {key} is not installed: "
                                f"`audioguide voices get {key}`")
    if name == EngineName.PIPER and key and not is_voice_key(key):
        model = Path(key).expanduser()
        if not model.is_file() or not model.with_name(model.name + ".json").is_file():
            raise EngineUnavailable(f"{given}: no Piper voice there (an .onnx "
                                    "with its .onnx.json beside it)")
    return name, key, lang


def role_engine(main: Engine, voice: str, role: str = "") -> Engine:
    """The engine (not started) that reads a role in `voice` (a Piper key or .onnx path, or
    espeak:VOICE); EngineUnavailable or SettingsError, one line, when it cannot."""
    name, key, lang = role_voice(voice, role)
    tag = langtag.primary(lang) if name == EngineName.PIPER else lang
    engine = engine_class(name)(main.settings.with_(voice=key, jobs=1, lang=None), tag)
    try:
        engine.identity()  # a voice that cannot be read fails here, before anything is made
    except EngineUnavailable as exc:
        reason = str(exc).removeprefix(f"--voice {key}: ")
        given = f"--role-voice {role}={voice}" if role else f"--role-voice {voice}"
        raise EngineUnavailable(f"{given}: {reason}") from None
    return engine
