"""The engine table: name -> adapter class, imported only when asked for."""

from __future__ import annotations

from importlib import import_module

from ..errors import SettingsError

# name -> "module:Class"; each module imports its heavy dependencies lazily.
ENGINES = {
    "gtts": "audioguide.engines.gtts:GTTSEngine",
    "piper": "audioguide.engines.piper:PiperEngine",
    "espeak": "audioguide.engines.espeak:EspeakEngine",
}


def engine_class(name: str):
    try:
        target = ENGINES[name]
    except KeyError:
        raise SettingsError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    module, _, cls = target.partition(":")
    return getattr(import_module(module), cls)
