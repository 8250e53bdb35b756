"""audioguide: turn written articles into accessible, chaptered podcast episodes."""

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    AudioguideError,
    EngineError,
    EngineUnavailable,
    FFmpegError,
    OutputError,
    RateLimited,
    SettingsError,
    SourceError,
)
from .models import Article, Block, Chapter, Clip, Cue, EpisodeResult, Section, Timeline, Utterance  # noqa: E402
from .settings import Settings  # noqa: E402


def build_episodes(sources, settings=None, reporter=None):
    """Build one episode per source (path, URL or "-"); see audioguide.pipeline."""
    from .pipeline import build_episodes as build

    return build(list(sources), settings or Settings(), reporter)


__all__ = [
    "__version__", "build_episodes", "Settings",
    "Article", "Block", "Chapter", "Clip", "Cue", "EpisodeResult", "Section", "Timeline",
    "Utterance",
    "AudioguideError", "EngineError", "EngineUnavailable", "FFmpegError", "OutputError",
    "RateLimited", "SettingsError", "SourceError",
]
