"""audioguide: turn written articles into accessible, chaptered podcast episodes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import (
    AudioguideError,
    EngineError,
    EngineUnavailable,
    FFmpegError,
    OutputError,
    RateLimited,
    SettingsError,
    SourceError,
)
from .models import Article, Block, Chapter, Clip, Cue, EpisodeResult, Section, Timeline, Utterance
from .settings import Settings
from .version import __version__

if TYPE_CHECKING:
    from .pipeline import Reporter


def build_episodes(sources: Iterable[str], settings: Settings | None = None,
                   reporter: Reporter | None = None) -> list[EpisodeResult]:
    """Build one episode per source (path, URL or "-"); see audioguide.pipeline."""
    from .pipeline import build_episodes as build

    return build(list(sources), settings or Settings(), reporter)


__all__ = [
    "Article",
    "AudioguideError",
    "Block",
    "Chapter",
    "Clip",
    "Cue",
    "EngineError",
    "EngineUnavailable",
    "EpisodeResult",
    "FFmpegError",
    "OutputError",
    "RateLimited",
    "Section",
    "Settings",
    "SettingsError",
    "SourceError",
    "Timeline",
    "Utterance",
    "__version__",
    "build_episodes",
]
