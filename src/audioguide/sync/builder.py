"""The Builder a sync (or a Ray worker) uses: pipeline.Builder with its clip cache at
settings.cache_url when one is given (a shared folder or object storage, see cache.py)."""

from __future__ import annotations

from ..cache import ClipCache
from ..pipeline import Builder, Reporter
from ..settings import Settings


def make_builder(settings: Settings, reporter: Reporter | None = None) -> Builder:
    builder = Builder(settings, reporter)
    if settings.cache_url and settings.use_cache:
        builder.cache = ClipCache.at_url(settings.cache_url, warn=builder.report.warn)
    return builder


def build_sources(sources: list[str], settings: Settings,
                  reporter: Reporter | None = None) -> list:
    """pipeline.build_episodes with make_builder's cache (`audioguide build --cache-url`)."""
    from ..outdir import prepare_output_dir
    from ..readers import expand_sources, read_source

    articles = [read_source(path, settings) for path in expand_sources(list(sources))]
    output_dir = prepare_output_dir(settings.output_dir)
    taken: set[str] = set()
    with make_builder(settings, reporter) as builder:
        return [builder.build(article, output_dir, taken) for article in articles]
