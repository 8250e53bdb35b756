"""Episodes as Ray actors on a Ray cluster (`--ray ADDRESS`, `pip install 'audioguide[cluster]'`).

Each actor holds one pipeline.Builder, so each worker loads its voice once and builds episode
after episode with it (one CPU and one engine job each: N one-thread workers scale better than
one process with N threads). The driver reads the articles, chooses every episode folder up front
(so two workers never pick the same new folder), hands out one article at a time to whichever
actor is free, and writes the feed once at the end (sync does that).

What the workers share: the output, either a folder at the same path on every machine (a
network folder; on one machine, any folder) or object storage (-o s3://..., gs://...: each
worker stages its episode in its own temporary folder and uploads it whole, the audio first and
the manifest last, as a local sync does; outdir.Output), and the clip cache: settings.cache_url
(a network folder, s3://, gs://; cache.py) or, without one, the driver's cache folder, which
must then be shared too. Every node needs audioguide and its engine installed, and for object
storage its own credentials (environment, profile or instance role): nothing secret goes
through Ray.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import AudioguideError, EngineUnavailable
from ..manifest import MANIFEST_FILE
from ..models import Article, EpisodeResult
from ..outdir import STAGING_SUFFIX, Output, clean_stale_staging
from ..pipeline import Builder, Reporter
from ..settings import Settings
from ..store import is_url

if TYPE_CHECKING:
    from ray import ObjectRef
    from ray.actor import ActorHandle

    Outcome = EpisodeResult | str  # what EpisodeWorker.build returns

MAX_ATTEMPTS = 3  # builds of one article: the first, and two more after lost workers
START_TIMEOUT_S = 300.0  # how long articles wait when no actor is placed or left to build them
TICK_S = 5.0  # how often the driver looks up from ray.wait to check it is not stuck
START_RETRIES = 3  # actors asked for again after one died before it was ready
CLOSE_TIMEOUT_S = 60.0
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours Ray puts in tracebacks


@dataclass(frozen=True)
class Where:
    """Where the workers write: the output's location (a folder's absolute path, or a URL) and
    the driver's identity -> folder index, put in Ray's object store once (not sent per build).
    No credentials: each node finds its own."""

    location: str
    index: ObjectRef[dict[str, str]]


class PlannedOutput(Output):
    """A worker's output: each build goes to the folder the driver planned (`planned`), so two
    workers never take the same new folder and a retry goes where the lost build went."""

    planned = ""

    def choose_slug(self, article: Article, taken: set[str]) -> str:
        return self.planned or super().choose_slug(article, taken)


class EpisodeWorker:
    """A Ray actor: one Builder (one loaded voice) for the actor's life, and one Output per
    location it writes to."""

    def __init__(self, settings: Settings):
        self.builder = Builder(settings)
        self.outputs: dict[str, PlannedOutput] = {}
        # Staging folders for object storage sit in this node's temporary folder: remove those
        # of dead workers here (a process killed mid-build), never a live one's.
        clean_stale_staging(Path(tempfile.gettempdir()), older_than_s=math.inf)

    def build(self, article: Article, where: Where, slug: str) -> EpisodeResult | str:
        """Build `article` into the episode folder `slug` (the driver's plan)."""
        try:
            output = self._output(where)
            output.planned = slug
            try:
                return self.builder.build(article, output, set())
            finally:
                output.planned = ""
        except AudioguideError as exc:
            return " ".join(str(exc).split())

    def _output(self, where: Where) -> PlannedOutput:
        if where.location not in self.outputs:
            opened = PlannedOutput.open(where.location, _ray().get(where.index))
            assert isinstance(opened, PlannedOutput)
            self.outputs[where.location] = opened
        return self.outputs[where.location]

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
    output_dir = settings.output_dir
    if not is_url(output_dir):
        output_dir = Path(output_dir).resolve()
    return settings.with_(ray_address=None, jobs=settings.jobs or 1, cache_dir=cache_dir,
                          output_dir=output_dir)


def plan_slugs(articles: list[Article], output: Output) -> list[str]:
    """Every article's episode folder, chosen by the driver as a local build would."""
    taken: set[str] = set()
    slugs = []
    for article in articles:
        slug = output.choose_slug(article, taken)
        taken.add(slug)
        slugs.append(slug)
    return slugs


def location_of(output: Output) -> str:
    """The output as every worker opens it: a folder's absolute path, or the URL."""
    return str(output.local.resolve()) if output.local is not None else output.store.url


def build_on_ray(articles: list[Article], settings: Settings, output: Output | Path | str,
                 reporter: Reporter | None = None) -> Iterator[tuple[int, EpisodeResult | str]]:
    """(index of the article, its EpisodeResult or a one-line error) as episodes finish.
    `output` is the run's Output (or a folder or URL to open); it learns of every episode the
    workers write, as it would of its own."""
    assert settings.ray_address
    ray = _ray()
    if not isinstance(output, Output):
        output = Output.open(output)
    started = connect(settings.ray_address)
    try:
        yield from _run_actors(ray, articles, settings, output, reporter)
    finally:
        if started:
            ray.shutdown()


def _run_actors(ray: ModuleType, articles: list[Article], settings: Settings, output: Output,
                reporter: Reporter | None) -> Iterator[tuple[int, EpisodeResult | str]]:
    slugs = plan_slugs(articles, output)
    count = max(1, min(len(articles), int(ray.cluster_resources().get("CPU", 1))))
    if reporter:
        reporter.status(f"Ray: {len(articles)} episodes on {count} workers")
    actor_class = ray.remote(num_cpus=1)(EpisodeWorker)
    made = worker_settings(settings)
    where = Where(location_of(output), ray.put(output.index()))
    dispatch = _Dispatch(ray, articles, slugs, where, lambda: actor_class.remote(made),
                         reporter or Reporter())
    try:
        for _ in range(count):
            dispatch.start_actor()
        for index, outcome in dispatch.outcomes():
            if not isinstance(outcome, str) and not outcome.skipped:
                output._saw(slugs[index], articles[index].identity)  # written by a worker
            yield index, outcome
    finally:
        dispatch.close()
        if dispatch.lost:
            _clean_after_loss(ray, output, [slugs[n] for n in sorted(dispatch.lost_builds)])


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
                 where: Where, make_actor: Callable[[], ActorHandle[EpisodeWorker]],
                 reporter: Reporter):
        self.ray, self.articles, self.slugs, self.where = ray, articles, slugs, where
        self.make_actor, self.reporter = make_actor, reporter
        self.queue = deque(range(len(articles)))
        self.attempts = [0] * len(articles)
        self.actors: list[ActorHandle[EpisodeWorker]] = []  # every one started, killed at the end
        self.starting: dict[ObjectRef[bool], ActorHandle[EpisodeWorker]] = {}
        self.idle: list[ActorHandle[EpisodeWorker]] = []
        self.running: dict[ObjectRef[Outcome], tuple[int, ActorHandle[EpisodeWorker]]] = {}
        self.lost = 0  # builds lost with their worker
        self.lost_builds: set[int] = set()  # the articles whose worker was lost at least once
        self.start_error = ""
        self.start_retries = START_RETRIES
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
            ref = actor.build.remote(self.articles[index], self.where, self.slugs[index])
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
            # One that died while starting (its node lost, a crash) is asked for again, a
            # bounded number of times; a worker that cannot start at all fails the articles.
            self.start_error = f"a Ray worker could not start ({_line(exc)})"
            if self.start_retries > 0 and self.queue:
                self.start_retries -= 1
                self.start_actor()
            return
        self.idle.append(actor)

    def _finished(self, ref: ObjectRef[Outcome]) -> Iterator[tuple[int, EpisodeResult | str]]:
        index, actor = self.running.pop(ref)
        try:
            outcome = self.ray.get(ref)
        except _lost_errors(self.ray) as exc:
            self._replace(actor)
            self.lost_builds.add(index)
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


def _clean_after_loss(ray: ModuleType, output: Output, lost: list[str]) -> None:
    """Remove what lost workers left: never an episode, only what no reader takes for one.

    A folder output: the hidden staging folders of dead processes on this machine
    (clean_stale_staging) and of hosts whose every Ray node is dead (a killed worker elsewhere
    would otherwise wait for the age limit). Object storage: this machine's dead workers'
    staging in its temporary folder (other nodes' go with the node, or when a new actor starts
    there), and the files a lost worker uploaded under a folder (`lost`) that has no manifest
    now (the audio goes first, the manifest last: files without one are not an episode, and
    the next run would choose another folder name past them). A retry that succeeded wrote the
    same names and deleted its folder's other files (outdir.upload_episode)."""
    if output.local is None:
        clean_stale_staging(Path(tempfile.gettempdir()), older_than_s=math.inf)
        for slug in lost:
            with contextlib.suppress(AudioguideError):
                if not output.store.exists(f"{slug}/{MANIFEST_FILE}"):
                    for name in output.store.listing(slug):
                        output.store.delete(name)
        return
    clean_stale_staging(output.local)
    dead = _dead_hosts(ray)
    for path in output.local.glob(f".*{STAGING_SUFFIX}"):
        # outdir.staging_prefix names it .<slug>.<host>-<pid>.<random>.partial
        match = re.search(r"\.([^.]*)-\d+\.[^.]+" + re.escape(STAGING_SUFFIX) + "$", path.name)
        if match and match.group(1) in dead:
            shutil.rmtree(path, ignore_errors=True)


def _dead_hosts(ray: ModuleType) -> set[str]:
    """The hosts (short names, as staging folders carry them) whose every Ray node is dead."""
    alive: dict[str, bool] = {}
    with contextlib.suppress(Exception):
        for node in ray.nodes():
            host = str(node.get("NodeManagerHostname", "")).split(".")[0][:20]
            alive[host] = alive.get(host, False) or bool(node.get("Alive"))
    return {host for host, up in alive.items() if host and not up}


def build_sources_on_ray(sources: list[str], settings: Settings,
                         reporter: Reporter | None = None) -> list[EpisodeResult]:
    """`audioguide build --ray`: build_episodes with the episodes on the cluster."""
    from ..readers import read_sources

    articles = [article for article, _ in read_sources(sources, settings)]
    output = Output.open(settings.output_dir)
    results: list[EpisodeResult | None] = [None] * len(articles)
    errors = []
    for index, outcome in build_on_ray(articles, settings, output, reporter):
        if isinstance(outcome, str):
            errors.append(outcome)
        else:
            results[index] = outcome
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise AudioguideError(errors[0] + more)
    return [result for result in results if result is not None]
