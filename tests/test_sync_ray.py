"""The episodes on a Ray cluster (a local one, started by the test on 127.0.0.1 and stopped
after), and the clip cache on object storage (moto's S3 server on 127.0.0.1): the episodes
equal a single-machine build's, chapters and cues to the millisecond (espeak is deterministic).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from audioguide.manifest import Manifest, read_series
from test_sync import run_sync

ray = pytest.importorskip("ray")

ARTICLES = {
    "hinges.txt": "Quieting a Door Hinge\n\nBy Lea Brandt\n\nA squeaking hinge wants oil, not "
                  "force.\n\nLift the pin\n\nTap the pin upwards with a nail and a hammer. Wipe "
                  "it clean.\n\nOil and return\n\nCoat the pin with a few drops of oil, push it "
                  "back, and swing the door a dozen times.\n",
    "windows.md": "---\ntitle: Washing Windows Without Streaks\nauthor: Sam Iwu\n---\n\n"
                  "Streaks come from drying water, not from dirt.\n\n## Pick a cloudy day\n\n"
                  "Sunlight dries the glass before you can wipe it.\n\n## Use a squeegee\n\n"
                  "Pull it down in one stroke and dry the blade after each pass.\n",
    "drain.txt": "Clearing a Slow Drain\n\nPour a kettle of hot water first.\n\nThe baking "
                 "soda trick\n\nAdd half a cup of baking soda, then a cup of vinegar. Wait "
                 "fifteen minutes and rinse with hot water.\n",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on 127.0.0.1 for the module: the AWS_* variables that reach it."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    server.stop()


@pytest.fixture(scope="module")
def ray_cluster(s3_server):
    """`ray start --head` on 127.0.0.1 with 2 CPUs; only the processes it started are ended.
    The node's environment has the S3 endpoint and credentials (as a real node's would: its
    own variables, profile or role), so its workers reach the bucket without the driver
    sending them anything."""
    port = _free_port()
    temp = tempfile.mkdtemp(prefix="agray", dir="/tmp")  # Ray's socket paths must stay short
    ray_exe = Path(sys.executable).with_name("ray")
    head = subprocess.Popen(
        [str(ray_exe), "start", "--head", "--block", "--port", str(port), "--num-cpus", "2",
         "--node-ip-address", "127.0.0.1", "--include-dashboard=false",
         "--disable-usage-stats", "--temp-dir", temp],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, **s3_server})
    address = f"127.0.0.1:{port}"
    try:
        _wait_for(address, head)
        yield address
    finally:
        head.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            head.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(head.pid, signal.SIGKILL)  # the head's own process group
        head.wait()
        shutil.rmtree(temp, ignore_errors=True)


def _wait_for(address: str, head: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert head.poll() is None, "ray start exited"
        probe = subprocess.run([sys.executable, "-c", (
            f"import ray; ray.init(address={address!r}, log_to_driver=False,"
            " configure_logging=False, logging_level='ERROR'); ray.shutdown()")],
            capture_output=True)
        if probe.returncode == 0:
            return
        time.sleep(1)
    raise AssertionError("the local Ray cluster did not come up")


@pytest.fixture
def articles(tmp_path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def timings(out: Path) -> dict[str, tuple]:
    """Per episode (by title): its chapters and cues, in milliseconds."""
    found = {}
    for episode in read_series(out):
        manifest = Manifest.read(out / episode.slug)
        found[manifest.title] = (
            [(c.title, c.start_ms, c.end_ms) for c in manifest.chapters],
            [(c.start_ms, c.end_ms, c.text) for c in manifest.cues],
            manifest.duration_ms, manifest.guid, episode.slug)
    return found


def _build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioguide", "build", *args, "--engine",
                           "espeak", "-q"], capture_output=True, text=True, timeout=600)


def test_build_on_ray_equals_the_local_build(ray_cluster, articles, tmp_path):
    """Each article built on Ray (one `build --ray` each: a new worker's first episode) from an
    empty cache, against local builds from an empty cache, each in a new process: espeak-ng's
    output depends on what its process said before (a clip can differ by tens of ms), so the
    same history is given. (Both articles in one command left it to Ray which worker took
    which: under load one worker built both, and the second differed by 60 ms.)"""
    names = ["hinges.txt", "windows.md"]
    for name in names:
        local = _build(str(articles / name), "-o", str(tmp_path / "local"), "--cache-url",
                       str(tmp_path / f"cache-{name}"))
        assert local.returncode == 0, local.stderr
        remote = _build(str(articles / name), "-o", str(tmp_path / "ray"), "--ray",
                        ray_cluster, "--cache-url", str(tmp_path / f"cache-ray-{name}"))
        assert remote.returncode == 0, remote.stderr
    expected, got = timings(tmp_path / "local"), timings(tmp_path / "ray")
    assert len(got) == 2 and got == expected
    assert list((tmp_path / "cache-ray-hinges.txt" / "clips").glob("*/*.clip"))  # the workers'



def test_build_on_ray_per_chapter_equals_the_local_build(ray_cluster, tmp_path):
    """--per-chapter on the cluster: one episode per chapter, as the local build makes them
    (the same reading code); the cluster reuses the local build's clips (--cache-url), so
    the timings agree to the ms."""
    from test_sources_epub_pdf import CHAPTERS, make_epub

    book, cache = make_epub(tmp_path / "harbour.epub"), str(tmp_path / "cache")
    local = _build(str(book), "--per-chapter", "-o", str(tmp_path / "local"), "--cache-url", cache)
    assert local.returncode == 0, local.stderr
    remote = _build(str(book), "--per-chapter", "-o", str(tmp_path / "ray"), "--ray", ray_cluster,
                    "--cache-url", cache)
    assert remote.returncode == 0, remote.stderr
    expected, got = timings(tmp_path / "local"), timings(tmp_path / "ray")
    assert len(got) == len(CHAPTERS) and got == expected


def test_sync_on_ray_equals_the_local_sync(ray_cluster, tmp_path):
    """The workers share the local sync's clip cache (--cache-url): equal to the ms."""
    from test_sync import FULL_TEXT, POSTS, Blog

    blog = Blog()
    try:
        for day, (slug, (title, author, sections)) in enumerate(POSTS.items(), 1):
            blog.post(slug, title, author, sections, day)
        blog.post("squash", *FULL_TEXT, day=3, full_text=True)
        feed = f"{blog.url}/feed.xml"
        code, report, err = run_sync(feed, tmp_path / "local", "--cache-url",
                                     str(tmp_path / "c1"))
        assert (code, report["built"]) == (0, 3), err
        code, report, err = run_sync(feed, tmp_path / "ray", "--ray", ray_cluster,
                                     "--cache-url", str(tmp_path / "c1"))  # the shared cache
        assert (code, report["built"], report["failed"]) == (0, 3, []), err
        assert timings(tmp_path / "ray") == timings(tmp_path / "local")
        for episode in read_series(tmp_path / "ray"):  # every clip from the shared cache
            assert Manifest.read(tmp_path / "ray" / episode.slug).stats.synthesized == 0
        code, report, _ = run_sync(feed, tmp_path / "ray", "--ray", ray_cluster)
        assert (code, report["built"], report["unchanged"]) == (0, 0, 3)  # no work: no Ray
    finally:
        blog.close()


# -- the clip cache on S3 (moto's server) ----------------------------------------------------


@pytest.fixture
def s3(s3_server, monkeypatch):
    """The module's S3 server emptied, with a bucket `clips`, and this process's AWS_*
    variables set to reach it; a boto3 client."""
    import urllib.request

    import boto3

    reset = urllib.request.Request(f"{s3_server['AWS_ENDPOINT_URL']}/moto-api/reset",
                                   method="POST")
    urllib.request.urlopen(reset, timeout=10).close()
    for name, value in s3_server.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3")
    client.create_bucket(Bucket="clips")
    return client


def test_cache_entries_on_s3_are_whole_and_verified(s3):
    from audioguide.cache import ClipCache
    from audioguide.models import Clip

    warnings: list[str] = []
    cache = ClipCache.at_url("s3://clips/shared", warn=warnings.append)
    key = "ab" * 32
    assert not cache.has(key) and cache.get(key) is None
    clip = Clip(pcm=bytes(range(256)) * 40, rate=22050, words=((0, 100), (120, 400)))
    cache.put(key, clip)
    assert cache.has(key) and cache.get(key) == clip
    name = f"shared/clips/ab/{key}.clip"
    body = s3.get_object(Bucket="clips", Key=name)["Body"].read()
    s3.put_object(Bucket="clips", Key=name, Body=body[:-7])  # a truncated entry
    assert ClipCache.at_url("s3://clips/shared", warn=warnings.append).get(key) is None
    assert warnings and "corrupt" in warnings[0]
    assert "Contents" not in s3.list_objects_v2(Bucket="clips")  # removed, made again later


def test_sync_with_the_cache_on_s3(s3, tmp_path):
    from test_sync import POSTS, Blog

    blog = Blog()
    try:
        title, author, sections = POSTS["kettle"]
        blog.post("kettle", title, author, sections, day=1)
        feed = f"{blog.url}/feed.xml"
        url = "s3://clips/podcast-cache"
        code, report, err = run_sync(feed, tmp_path / "one", "--cache-url", url)
        assert (code, report["built"]) == (0, 1), err
        stored = s3.list_objects_v2(Bucket="clips")["Contents"]
        assert stored and all(o["Key"].startswith("podcast-cache/clips/") for o in stored)
        code, report, err = run_sync(feed, tmp_path / "two", "--cache-url", url)
        assert (code, report["built"]) == (0, 1), err
        (episode,) = read_series(tmp_path / "two")
        manifest = Manifest.read(tmp_path / "two" / episode.slug)
        assert manifest.stats.synthesized == 0 and manifest.stats.cached == len(manifest.cues)
        assert timings(tmp_path / "two") == timings(tmp_path / "one")
    finally:
        blog.close()


# -- the episodes on S3, written by the Ray workers --------------------------------------------


def download(s3, bucket: str, prefix: str, folder: Path) -> Path:
    """Every object under `prefix` into `folder`, to read it as an output folder."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/"):
        for item in page.get("Contents", []):
            target = folder / item["Key"].removeprefix(f"{prefix}/")
            target.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, item["Key"], str(target))
    return folder


def versions(s3, bucket: str) -> list[tuple]:
    """Every version and delete marker of a versioned bucket: any PUT or DELETE adds one."""
    found = s3.list_object_versions(Bucket=bucket)
    return sorted((v["Key"], v["VersionId"], v.get("ETag", "")) for v in
                  [*found.get("Versions", []), *found.get("DeleteMarkers", [])])


def versioned_bucket(s3, name: str) -> None:
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def test_sync_to_s3_on_ray_equals_the_local_sync(ray_cluster, s3, articles, tmp_path):
    """The workers upload the episodes (their endpoint and credentials from their node's own
    environment), the driver the feed: equal to a local sync sharing the clip cache, every
    folder a whole episode; a second run sends nothing (the bucket keeps versions: a PUT or a
    DELETE would add one)."""
    from test_sync import feed_items

    versioned_bucket(s3, "pod")
    cache = str(tmp_path / "cache")
    local = tmp_path / "local"
    code, report, err = run_sync(str(articles), local, "--cache-url", cache)
    assert (code, report["built"]) == (0, 3), err
    command = (str(articles), "s3://pod/care", "--ray", ray_cluster, "--cache-url", cache)
    code, report, err = run_sync(*command)
    assert (code, report["built"], report["failed"]) == (0, 3, []), err
    got = download(s3, "pod", "care", tmp_path / "from-s3")
    assert timings(got) == timings(local)
    # the same items (a date the article lacks is its build's time: not compared)
    items = [sorted((i["title"], i["guid"]) for i in feed_items(out)) for out in (got, local)]
    assert len(items[0]) == 3 and items[0] == items[1]
    folders = {p.name for p in got.iterdir() if p.is_dir()}
    assert len(folders) == 3 and all((got / f / "episode.json").is_file() for f in folders)
    for episode in read_series(got):  # every clip from the shared cache: built by the workers
        assert Manifest.read(got / episode.slug).stats.synthesized == 0
    before = versions(s3, "pod")
    code, report, err = run_sync(*command)
    assert (code, report["built"], report["unchanged"], report["failed"]) == (0, 0, 3, []), err
    assert versions(s3, "pod") == before


def test_build_to_s3_on_ray_equals_the_local_build(ray_cluster, s3, articles, tmp_path):
    versioned_bucket(s3, "pod")
    cache, source = str(tmp_path / "cache"), str(articles / "drain.txt")
    local = _build(source, "-o", str(tmp_path / "local"), "--cache-url", cache)
    assert local.returncode == 0, local.stderr
    remote = _build(source, "-o", "s3://pod/one", "--ray", ray_cluster, "--cache-url", cache)
    assert remote.returncode == 0, remote.stderr
    got = download(s3, "pod", "one", tmp_path / "from-s3")
    assert len(timings(got)) == 1 and timings(got) == timings(tmp_path / "local")


def test_after_a_lost_worker_its_uploads_without_a_manifest_go(s3):
    """What a worker lost mid-upload left (the audio goes first, the manifest last) is never an
    episode; the driver removes it after the run, so the next run does not choose a new folder
    name past it. A folder whose build was retried and published stays, as do the others."""
    from audioguide.outdir import Output
    from audioguide.sync import cluster

    s3.create_bucket(Bucket="pod")
    for key in ["p/half/half.mp3", "p/half/half.vtt", "p/whole/whole.mp3",
                "p/whole/episode.json", "p/other/other.mp3"]:
        s3.put_object(Bucket="pod", Key=key, Body=b"audio")
    cluster._clean_after_loss(ray, Output.open("s3://pod/p"), ["half", "whole"])
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket="pod")["Contents"])
    assert keys == ["p/other/other.mp3", "p/whole/episode.json", "p/whole/whole.mp3"]


def test_ray_address_that_answers_nothing(articles, tmp_path):
    result = _build(str(articles), "-o", str(tmp_path / "o"), "--ray",
                    f"127.0.0.1:{_free_port()}")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "cannot join the Ray cluster" in result.stderr
