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

import contextlib
import logging
import re
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import AudioguideError, EngineUnavailable
from ..models import Article, EpisodeResult
from ..outdir import STAGING_SUFFIX, choose_slug, clean_stale_staging, prepare_output_dir
from ..pipeline import Builder, Reporter
from ..settings import Settings

if TYPE_CHECKING:
    from ray import ObjectRef
    from ray.actor import ActorHandle

    Outcome = EpisodeResult | str  # what EpisodeWorker.build returns

MAX_ATTEMPTS = 3  # builds of one article: the first, and two more after lost workers
START_TIMEOUT_S = 300.0  # how long articles wait when no actor is placed or left to build them
TICK_S = 5.0  # how often the driver looks up from ray.wait to check it is not stuck
CLOSE_TIMEOUT_S = 60.0
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours Ray puts in tracebacks


class EpisodeWorker:
    """A Ray actor: one Builder (one loaded voice) for the actor's life."""

    def __init__(self, settings: Settings):
        self.builder = Builder(settings)

    def build(self, article: Article, output_dir: str, taken: list[str]) -> EpisodeResult | str:
        try:
            return self.builder.build(article, Path(output_dir), set(taken))
        except AudioguideError as exc:
            return " ".join(str(exc).split())

    def ready(self) -> bool:
        """Answers once the actor is placed and its Builder made."""
        return True

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
    made = worker_settings(settings)
    dispatch = _Dispatch(ray, articles, slugs, output_dir, lambda: actor_class.remote(made),
                         reporter or Reporter())
    try:
        for _ in range(count):
            dispatch.start_actor()
        yield from dispatch.outcomes()
    finally:
        dispatch.close()
        if dispatch.lost:
            _clean_after_loss(ray, output_dir)


class _Dispatch:
    """Hands out one article at a time to whichever actor is free and takes back its outcome.

    A worker lost with its node (or killed, or out of memory) fails its build with one of
    Ray's lost-worker errors (_lost_errors): the article goes back to the front of the queue
    for another actor, up to MAX_ATTEMPTS builds in all, and a new actor is asked for in the
    lost one's place. Ray places that one when a node has room: at once on a cluster that
    replaces lost nodes, never on one that does not, where the remaining actors build the
    rest. Ray's own restarts (max_restarts, max_task_retries) would retry the build on the
    restarted actor only, which waits for room a shrunken cluster may never have: a hang.
    Nothing is waited on without a bound: with no actor able to build, the articles left fail
    after START_TIMEOUT_S, each with one line.
    """

    def __init__(self, ray: ModuleType, articles: list[Article], slugs: list[str],
                 output_dir: Path, make_actor: Callable[[], ActorHandle[EpisodeWorker]],
                 reporter: Reporter):
        self.ray, self.articles, self.slugs, self.output_dir = ray, articles, slugs, output_dir
        self.make_actor, self.reporter = make_actor, reporter
        self.queue = deque(range(len(articles)))
        self.attempts = [0] * len(articles)
        self.actors: list[ActorHandle[EpisodeWorker]] = []  # every one started, killed at the end
        self.starting: dict[ObjectRef[bool], ActorHandle[EpisodeWorker]] = {}
        self.idle: list[ActorHandle[EpisodeWorker]] = []
        self.running: dict[ObjectRef[Outcome], tuple[int, ActorHandle[EpisodeWorker]]] = {}
        self.lost = 0  # builds lost with their worker
        self.start_error = ""
        self.waiting_since = time.monotonic()

    def start_actor(self) -> None:
        actor = self.make_actor()
        self.actors.append(actor)
        self.starting[actor.ready.remote()] = actor

    def outcomes(self) -> Iterator[tuple[int, EpisodeResult | str]]:
        while self.queue or self.running:
            self._hand_out()
            stuck = self._stuck()
            if stuck:
                while self.queue:
                    yield self.queue.popleft(), stuck
                break
            ready, _ = self.ray.wait([*self.running, *self.starting], num_returns=1,
                                     timeout=TICK_S)
            for ref in ready:
                if ref in self.starting:
                    self._started(ref)
                else:
                    yield from self._finished(ref)

    def _hand_out(self) -> None:
        while self.queue and self.idle:
            index, actor = self.queue.popleft(), self.idle.pop()
            self.attempts[index] += 1
            taken = [slug for n, slug in enumerate(self.slugs) if n != index]
            ref = actor.build.remote(self.articles[index], str(self.output_dir), taken)
            self.running[ref] = (index, actor)

    def _stuck(self) -> str:
        """Why the articles left cannot be built ("" while they still can)."""
        if not self.queue or self.running or self.idle:
            self.waiting_since = time.monotonic()
            return ""
        if not self.starting:
            return self.start_error or "no Ray worker is left to build it; run again"
        if time.monotonic() - self.waiting_since > START_TIMEOUT_S:
            return (f"no Ray worker could start in {START_TIMEOUT_S:.0f} s (is every node's "
                    "CPU taken?); run again")
        return ""

    def _started(self, ref: ObjectRef[bool]) -> None:
        actor = self.starting.pop(ref)
        try:
            self.ray.get(ref)
        except self.ray.exceptions.RayError as exc:
            self.start_error = f"a Ray worker could not start ({_line(exc)})"
            return
        self.idle.append(actor)

    def _finished(self, ref: ObjectRef[Outcome]) -> Iterator[tuple[int, EpisodeResult | str]]:
        index, actor = self.running.pop(ref)
        try:
            outcome = self.ray.get(ref)
        except _lost_errors(self.ray) as exc:
            self._replace(actor)
            if self.attempts[index] >= MAX_ATTEMPTS:
                yield index, (f"its Ray worker was lost {MAX_ATTEMPTS} times (last: "
                              f"{_line(exc)}); run again")
                return
            self.queue.appendleft(index)
            self.reporter.warn(f"a Ray worker was lost ({type(exc).__name__}); "
                               f"{self.slugs[index]} is built again on another")
            return
        except self.ray.exceptions.RayError as exc:  # raised in the build: the actor lives on
            outcome = f"the Ray worker failed ({_line(exc)})"
        self.idle.append(actor)
        yield index, outcome

    def _replace(self, actor: ActorHandle[EpisodeWorker]) -> None:
        """Stop a lost actor for good (one only unreachable for now would build twice) and
        ask for another in its place."""
        self.lost += 1
        with contextlib.suppress(Exception):
            self.ray.kill(actor, no_restart=True)
        self.start_actor()

    def close(self) -> None:
        """Let the idle actors close their builders, then end every actor, even unplaced ones."""
        with contextlib.suppress(Exception):
            self.ray.get([actor.close.remote() for actor in self.idle], timeout=CLOSE_TIMEOUT_S)
        for actor in self.actors:
            with contextlib.suppress(Exception):
                self.ray.kill(actor)


def _lost_errors(ray: ModuleType) -> tuple[type[BaseException], ...]:
    """Ray's errors for a build whose worker process, node or result went away."""
    errors = ray.exceptions
    return (errors.RayActorError, errors.WorkerCrashedError, errors.NodeDiedError,
            errors.ObjectLostError, errors.OutOfMemoryError)


def _line(exc: BaseException) -> str:
    """A Ray error in one line. One raised in the actor (its creation included) carries the
    traceback: the line is then the error's own, the last, without its module path."""
    text = _ANSI.sub("", str(exc)).strip()
    raised_there = isinstance(exc, _ray().exceptions.RayTaskError) or getattr(
        exc, "actor_init_failed", False)
    if raised_there and text:
        return re.sub(r"^[\w.]*\.(?=\w+: )", "", text.splitlines()[-1].strip())[:200]
    return f"{type(exc).__name__}: " + " ".join(text.split())[:200]


def _clean_after_loss(ray: ModuleType, output_dir: Path) -> None:
    """Remove the staging folders lost workers left (hidden, never an episode): those of dead
    processes on this machine (clean_stale_staging), and those of hosts whose every Ray node
    is dead. A killed worker elsewhere would otherwise wait for the age limit."""
    clean_stale_staging(output_dir)
    alive: dict[str, bool] = {}
    with contextlib.suppress(Exception):
        for node in ray.nodes():
            host = str(node.get("NodeManagerHostname", "")).split(".")[0][:20]
            alive[host] = alive.get(host, False) or bool(node.get("Alive"))
    dead = {host for host, up in alive.items() if host and not up}
    for path in output_dir.glob(f".*{STAGING_SUFFIX}"):
        # outdir.staging_prefix names it .<slug>.<host>-<pid>.<random>.partial
        match = re.search(r"\.([^.]*)-\d+\.[^.]+" + re.escape(STAGING_SUFFIX) + "$", path.name)
        if match and match.group(1) in dead:
            shutil.rmtree(path, ignore_errors=True)


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
