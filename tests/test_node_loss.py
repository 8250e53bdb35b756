"""A Ray node lost mid-run (issue 26): its episodes are built again on the nodes left, the run
ends with every entry built or listed as failed, and no half-written episode is ever visible.

The cluster is ray.cluster_utils.Cluster in this process: a head with no CPU (so every actor
sits on a worker node) and two one-CPU worker nodes, all on 127.0.0.1. A node is removed as a
machine dies: its raylet and workers are killed with SIGKILL.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from audioguide.manifest import Manifest, read_series
from audioguide.pipeline import Reporter
from audioguide.readers import read_sources
from audioguide.settings import Settings
from audioguide.sync import cluster as cluster_module

ray = pytest.importorskip("ray")

TOPICS = ["kettle", "hinge", "window", "drain", "grout", "shelf", "paint", "fence", "gutter", "tap"]
RUN_BOUND_S = 600  # a run that takes longer is stuck (the runs here take well under a minute)


@pytest.fixture(scope="module")
def cluster():
    """A head (0 CPUs) and two one-CPU nodes; only the processes it started are ended."""
    from ray.cluster_utils import Cluster

    temp = tempfile.mkdtemp(prefix="agnl", dir="/tmp")  # Ray's socket paths must stay short
    old = os.environ.get("RAY_TMPDIR")
    os.environ["RAY_TMPDIR"] = temp  # where Cluster writes its address file
    made = None
    try:
        made = Cluster(initialize_head=True, head_node_args={
            "num_cpus": 0, "include_dashboard": False, "temp_dir": f"{temp}/ray"})
        for _ in range(2):
            made.add_node(num_cpus=1)
        yield made
    finally:
        if made is not None:
            made.shutdown()
        if old is None:
            os.environ.pop("RAY_TMPDIR", None)
        else:
            os.environ["RAY_TMPDIR"] = old
        shutil.rmtree(temp, ignore_errors=True)


def write_articles(folder: Path, topics: list[str]) -> Path:
    folder.mkdir()
    for n, topic in enumerate(topics):
        (folder / f"{n:02d}-{topic}.txt").write_text(
            f"Caring for the {topic.title()}\n\nA short note on the {topic}.\n\nFirst step\n\n"
            f"Look at the {topic} closely and see what is wrong with it.\n\nSecond step\n\n"
            f"Mend the {topic} with care, then try it twice.\n", encoding="utf-8")
    return folder


def sync_command(folder: Path, out: Path, address: str, cache: Path) -> list[str]:
    return [sys.executable, "-m", "audioguide", "sync", str(folder), "-o", str(out),
            "--base-url", "https://pod.example.org/care", "--engine", "espeak", "--json", "-q",
            "--ray", address, "--cache-url", str(cache)]


def half_written(out: Path) -> list[str]:
    """Visible folders in `out` without their manifest or audio (none may ever be seen)."""
    found = []
    for folder in out.iterdir() if out.is_dir() else []:
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        whole = (folder / "episode.json").is_file() and (folder / f"{folder.name}.mp3").is_file()
        if not whole and folder.exists():  # (gone meanwhile: moved aside, not half-written)
            found.append(folder.name)
    return found


def report_of(stdout: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def run_losing_a_node(cluster, command: list[str], out: Path) -> tuple[int, str, str, list]:
    """Run the sync; remove one worker node once the first episode is written; watch the
    output folder all along. (exit code, stdout, stderr, half-written folders seen)."""
    victim = next(iter(cluster.worker_nodes))
    seen: list[str] = []
    removed = False
    deadline = time.monotonic() + RUN_BOUND_S
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as run:
        try:
            while run.poll() is None:
                assert time.monotonic() < deadline, "the run did not end"
                seen += half_written(out)
                if not removed and list(out.glob("*/episode.json")):
                    assert run.poll() is None, "the run ended before a node could be lost"
                    cluster.remove_node(victim, allow_graceful=False)
                    removed = True
                time.sleep(0.05)
            stdout, stderr = run.communicate()
        finally:
            if run.poll() is None:
                run.kill()
    assert removed
    return run.returncode, stdout, stderr, seen + half_written(out)


def test_a_node_lost_mid_run_costs_a_retry_not_the_run(cluster, tmp_path):
    folder = write_articles(tmp_path / "articles", TOPICS)
    out = tmp_path / "pod"
    command = sync_command(folder, out, cluster.address, tmp_path / "cache")
    code, stdout, stderr, seen = run_losing_a_node(cluster, command, out)
    report = report_of(stdout)
    assert code == 0, stderr
    # every entry built; "unchanged" only if the lost worker had published its episode
    # just before it died, and the retry found it whole
    assert report["failed"] == [] and report["built"] + report["unchanged"] == len(TOPICS)
    assert report["built"] >= len(TOPICS) - 1
    rebuilt = [line for line in stderr.splitlines() if "a Ray worker was lost" in line]
    assert rebuilt and all(line.startswith("audioguide: warning: ") for line in rebuilt)
    assert len(stderr.splitlines()) == len(rebuilt), stderr  # nothing else, no traceback
    assert seen == []
    assert list(out.glob(".*.partial")) == []  # the lost worker's staging folder is gone too
    titles = set()
    for episode in read_series(out):
        manifest = Manifest.read(out / episode.slug)
        assert (out / episode.slug / manifest.files.audio).stat().st_size > 10_000
        titles.add(manifest.title)
    assert titles == {f"Caring for the {topic.title()}" for topic in TOPICS}
    assert (out / "feed.xml").read_text(encoding="utf-8").count("<item>") == len(TOPICS)

    again = subprocess.run(command, capture_output=True, text=True, timeout=RUN_BOUND_S)
    report = report_of(again.stdout)
    assert (again.returncode, report["built"], report["unchanged"], report["failed"]) == (
        0, 0, len(TOPICS), []), again.stderr


@pytest.fixture
def driver(cluster):
    ray.init(address=cluster.address, log_to_driver=False, configure_logging=False,
             logging_level="ERROR")
    yield
    ray.shutdown()


def build_all(tmp_path: Path, articles: list, out: Path) -> tuple[dict, list[str]]:
    settings = Settings(output_dir=out, engine="espeak", cache_url=str(tmp_path / "cache"),
                        ray_address="unused: already connected")
    warnings: list[str] = []
    reporter = Reporter(warn=warnings.append)
    out.mkdir()
    outcomes = dict(cluster_module.build_on_ray(articles, settings, out, reporter))
    return outcomes, warnings


def test_an_article_that_kills_every_worker_fails_alone(driver, tmp_path, monkeypatch):
    """Bounded attempts: the article is tried MAX_ATTEMPTS times, each on a new actor, then
    listed as failed in one line; the others are built by the actors started in the lost
    ones' place."""
    folder = write_articles(tmp_path / "articles", ["kettle", "hinge"])
    (folder / "poison.txt").write_text("Poison Pill\n\nThis one kills its worker.\n")
    articles = [article for article, _ in read_sources([str(folder)], Settings())]

    class Fragile(cluster_module.EpisodeWorker):  # local: Ray sends the class by value
        """A worker process that dies (as with a segfault) on an article titled 'Poison'."""

        def build(self, article, output_dir, taken):
            if article.title.startswith("Poison"):
                os._exit(1)
            return super().build(article, output_dir, taken)

    monkeypatch.setattr(cluster_module, "EpisodeWorker", Fragile)
    outcomes, warnings = build_all(tmp_path, articles, tmp_path / "out")
    titles = [article.title for article in articles]
    poison = titles.index("Poison Pill")
    assert sorted(outcomes) == [0, 1, 2]
    failure = outcomes.pop(poison)
    assert isinstance(failure, str) and "\n" not in failure
    assert f"lost {cluster_module.MAX_ATTEMPTS} times" in failure and "ActorDiedError" in failure
    assert len(warnings) == cluster_module.MAX_ATTEMPTS - 1
    assert all("poison-pill is built again" in warning for warning in warnings)
    assert all(not isinstance(outcome, str) for outcome in outcomes.values()), outcomes
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "caring-for-the-hinge", "caring-for-the-kettle"]


def test_no_worker_can_start(driver, tmp_path, monkeypatch):
    """Actors that cannot start: every article fails with one line, nothing hangs."""
    articles = [article for article, _ in read_sources(
        [str(write_articles(tmp_path / "articles", ["kettle", "hinge"]))], Settings())]

    class Unstartable(cluster_module.EpisodeWorker):
        def __init__(self, settings):
            raise RuntimeError("no voice on this node")

    monkeypatch.setattr(cluster_module, "EpisodeWorker", Unstartable)
    outcomes, _ = build_all(tmp_path, articles, tmp_path / "out")
    assert sorted(outcomes) == [0, 1]
    assert set(outcomes.values()) == {
        "a Ray worker could not start (RuntimeError: no voice on this node)"}
    assert list((tmp_path / "out").iterdir()) == []
