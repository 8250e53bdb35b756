"""The engine table: name -> adapter class, imported only when asked for."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from ..errors import SettingsError
from ..models import EngineName

if TYPE_CHECKING:
    from .base import Engine

# name -> "module:Class"; each module imports its heavy dependencies lazily.
ENGINES: dict[EngineName, str] = {
    EngineName.GTTS: "audioguide.engines.gtts:GTTSEngine",
    EngineName.PIPER: "audioguide.engines.piper:PiperEngine",
    EngineName.ESPEAK: "audioguide.engines.espeak:EspeakEngine",
}


def engine_class(name: str) -> type[Engine]:
    """The adapter class for an engine name ("gtts" or EngineName.GTTS); SettingsError if none."""
    try:
        target = ENGINES[EngineName(name)]
    except (ValueError, KeyError) as exc:
        raise SettingsError(
            f"unknown engine {str(name)!r}; choose one of {', '.join(ENGINES)}"
        ) from exc
    module, _, cls = target.partition(":")
    return getattr(import_module(module), cls)
