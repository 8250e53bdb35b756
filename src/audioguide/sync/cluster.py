"""Episodes as Ray actors on a Ray cluster (`--ray ADDRESS`, `pip install 'audioguide[cluster]'`).

Each actor holds one pipeline.Builder, so each worker loads its voice once and builds episode
after episode with it (one CPU and one engine job each: N one-thread workers scale better than
one process with N threads). The driver reads the articles, chooses every episode folder up front
(so two workers never pick the same new folder), hands out one article at a time to whichever
actor is free, and writes the feed once at the end (sync does that).

What the workers share: the output folder, at the same path on every machine (a network
folder; on one machine, any folder), and the clip cache: settings.cache_url (a network folder,
s3://, gs://; cache.py) or, without one, the driver's cache folder, which must then be shared
too. Every node needs audioguide and its engine installed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import AudioguideError, EngineUnavailable
from ..models import Article, EpisodeResult
from ..outdir import choose_slug, prepare_output_dir
from ..pipeline import Builder, Reporter
from ..settings import Settings

if TYPE_CHECKING:
    from ray import ObjectRef
    from ray.actor import ActorHandle

    Outcome = EpisodeResult | str  # what EpisodeWorker.build returns


class EpisodeWorker:
    """A Ray actor: one Builder (one loaded voice) for the actor's life."""

    def __init__(self, settings: Settings):
        self.builder = Builder(settings)

    def build(self, article: Article, output_dir: str, taken: list[str]) -> EpisodeResult | str:
        try:
            return self.builder.build(article, Path(output_dir), set(taken))
        except AudioguideError as exc:
            return " ".join(str(exc).split())

    def close(self) -> None:
        self.builder.close()


def _ray() -> ModuleType:
    try:
        import ray
    except ImportError as exc:
        raise EngineUnavailable("--ray needs Ray: pip install 'audioguide[cluster]'") from exc
    return ray


def connect(address: str) -> bool:
    """Join the cluster at `address`; True when this call started the connection."""
    ray = _ray()
    if ray.is_initialized():
        return False
    _reachable(address)
    try:
        ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR,
                 configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        message = " ".join(str(exc).split())[:160]
        raise EngineUnavailable(f"--ray {address}: cannot join the Ray cluster ({message}); "
                                "check the address and that `ray start` runs there") from exc
    return True


def _reachable(address: str, timeout: float = 5.0) -> None:
    """A quick TCP check of host:port first: ray.init retries a dead address for minutes."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto" and other forms Ray resolves itself
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise EngineUnavailable(f"--ray {address}: cannot join the Ray cluster "
                                f"({exc.strerror or 'no answer'}); check the address and that "
                                "`ray start` runs there") from exc


def worker_settings(settings: Settings) -> Settings:
    """The settings each actor builds with: one engine job, absolute paths, a named cache."""
    cache_dir = None if settings.cache_url else settings.resolved_cache_dir().resolve()
    return settings.with_(ray_address=None, jobs=settings.jobs or 1, cache_dir=cache_dir,
                          output_dir=Path(settings.output_dir).resolve())


def plan_slugs(articles: list[Article], output_dir: Path) -> list[str]:
    """Every article's episode folder, chosen by the driver as a local build would."""
    taken: set[str] = set()
    slugs = []
    for article in articles:
        slug = choose_slug(output_dir, article, taken)
        taken.add(slug)
        slugs.append(slug)
    return slugs


def build_on_ray(articles: list[Article], settings: Settings, output_dir: Path,
                 reporter: Reporter | None = None) -> Iterator[tuple[int, EpisodeResult | str]]:
    """(index of the article, its EpisodeResult or a one-line error) as episodes finish."""
    assert settings.ray_address
    ray = _ray()
    started = connect(settings.ray_address)
    try:
        yield from _run_actors(ray, articles, settings, Path(output_dir).resolve(), reporter)
    finally:
        if started:
            ray.shutdown()


def _run_actors(ray: ModuleType, articles: list[Article], settings: Settings, output_dir: Path,
                reporter: Reporter | None) -> Iterator[tuple[int, EpisodeResult | str]]:
    slugs = plan_slugs(articles, output_dir)
    count = max(1, min(len(articles), int(ray.cluster_resources().get("CPU", 1))))
    if reporter:
        reporter.status(f"Ray: {len(articles)} episodes on {count} workers")
    actor_class = ray.remote(num_cpus=1)(EpisodeWorker)
    actors = [actor_class.remote(worker_settings(settings)) for _ in range(count)]
    queue = list(range(len(articles)))
    running: dict[ObjectRef[Outcome], tuple[int, ActorHandle[EpisodeWorker]]] = {}

    def submit(actor: ActorHandle[EpisodeWorker]) -> None:
        index = queue.pop(0)
        taken = [slug for n, slug in enumerate(slugs) if n != index]
        running[actor.build.remote(articles[index], str(output_dir), taken)] = (index, actor)

    try:
        for actor in actors[: len(queue)]:
            submit(actor)
        while running:
            [ref], _ = ray.wait(list(running), num_returns=1)
            index, actor = running.pop(ref)
            yield index, _result(ray, ref)
            if queue:
                submit(actor)
        ray.get([actor.close.remote() for actor in actors])
    finally:
        for actor in actors:
            ray.kill(actor)


def _result(ray: ModuleType, ref: ObjectRef[Outcome]) -> EpisodeResult | str:
    try:
        return ray.get(ref)
    except ray.exceptions.RayError as exc:
        message = " ".join(str(exc).split())[:200]
        return f"the Ray worker failed ({message})"


def build_sources_on_ray(sources: list[str], settings: Settings,
                         reporter: Reporter | None = None) -> list[EpisodeResult]:
    """`audioguide build --ray`: build_episodes with the episodes on the cluster."""
    from ..readers import read_sources

    articles = [article for article, _ in read_sources(sources, settings)]
    output_dir = prepare_output_dir(Path(settings.output_dir))
    results: list[EpisodeResult | None] = [None] * len(articles)
    errors = []
    for index, outcome in build_on_ray(articles, settings, output_dir, reporter):
        if isinstance(outcome, str):
            errors.append(outcome)
        else:
            results[index] = outcome
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise AudioguideError(errors[0] + more)
    return [result for result in results if result is not None]
