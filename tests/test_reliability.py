"""Fault drills: real builds in subprocesses, killed, interrupted, crowded, starved of disk.

Each drill has its own clip cache (AUDIOGUIDE_CACHE_DIR in tmp_path) and checks what is left on
disk: no file under a final name is truncated, an episode folder holds a complete episode or
none, and the next run resumes from the cache, synthesizing only what was missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audioguide.cache import decode_entry
from conftest import SHORT_ARTICLE, ffmpeg_chapters

FAULTKIT = Path(__file__).with_name("faultkit_build.py")
SUMMARY = re.compile(r"sentences: (\d+) synthesized, (\d+) from cache")
DEADLINE_S = 60  # a drill that waits longer than this has hung: fail, never wait forever
PIPER = ["--engine", "piper"]

OTHER_ARTICLE = """\
Kitchen Notes

Keeping Bread Fresh

By Ines Marlow

Bread goes stale because its starch hardens, not because it dries out.

Where to Keep It

A cloth bag on the counter keeps the crust crisp for two days.

The fridge makes bread stale faster; the freezer stops the clock.
"""


# -- helpers -------------------------------------------------------------------------------


def cli_env(cache: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAULTKIT_")}
    env["AUDIOGUIDE_CACHE_DIR"] = str(cache)
    env.update(extra)
    return env


def run_cli(args: list[str], cache: Path, cwd: Path | None = None, timeout: float = DEADLINE_S,
            **extra: str):
    return subprocess.run([sys.executable, "-m", "audioguide", *args], env=cli_env(cache, **extra),
                          check=False, capture_output=True, text=True, timeout=timeout, cwd=cwd)


def start(args: list[str], cache: Path, script: list[str] | None = None, **extra: str):
    command = [sys.executable, *(script or ["-m", "audioguide"]), *args]
    return subprocess.Popen(command, env=cli_env(cache, **extra), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_until(condition, proc: subprocess.Popen, what: str) -> None:
    """Poll `condition` until it holds; fail (never hang) if the process ends or time runs out."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(f"build ended (exit {proc.returncode}) before {what}: {err[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            proc.communicate()
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


def kill_hard(proc: subprocess.Popen) -> None:
    """kill -9 the build, then the piper workers it started (same session), by their ids."""
    proc.kill()
    proc.wait(timeout=DEADLINE_S)
    for pid in session_members(proc.pid):  # they hold our pipes open: end them first
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.communicate(timeout=DEADLINE_S)


def session_members(sid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == sid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def held_build(args: list[str], cache: Path, marker: Path, **faults: str) -> None:
    """Run the build under faultkit until it holds at the fault, then kill -9 it."""
    proc = start(args, cache, script=[str(FAULTKIT)], FAULTKIT_MARKER=str(marker), **faults)
    wait_until(marker.exists, proc, f"the fault {faults}")
    kill_hard(proc)
    assert proc.returncode == -signal.SIGKILL


def summary(stdout: str) -> tuple[int, int]:
    match = SUMMARY.search(stdout)
    assert match, stdout
    return int(match.group(1)), int(match.group(2))


def cache_entries(cache: Path) -> list[Path]:
    folder = cache / "clips"
    return sorted(folder.glob("*/*.clip")) if folder.is_dir() else []


def intact_entries(cache: Path) -> int:
    return sum(decode_entry(p.read_bytes()) is not None for p in cache_entries(cache))


def chapter_rows(chapters: list[dict]) -> list[tuple]:
    return [(c["title"], c["start_ms"], c["end_ms"]) for c in chapters]


def id3_chapters(audio: Path) -> list[tuple]:
    from mutagen.id3 import ID3

    return [(str(f.sub_frames["TIT2"]), f.start_time, f.end_time)
            for f in ID3(audio).getall("CHAP")]


def episodes(out: Path) -> dict[str, dict]:
    """Every episode folder in `out`, checked complete and self-consistent; slug -> manifest.

    A folder without a manifest must hold no audio; a folder with one must hold every file it
    lists, the audio at the recorded byte size, and chapters and transcript that agree with it."""
    found = {}
    if not out.is_dir():
        return found
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        assert not [p for p in folder.rglob(".*") if p.is_file()], f"temp file in {folder}"
        manifest_path = folder / "episode.json"
        if not manifest_path.exists():
            assert not list(folder.rglob("*.mp3")), f"{folder}: audio without a manifest"
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
        for name in [v for v in files.values() if isinstance(v, str)] + files["sections"]:
            assert (folder / name).is_file(), f"{folder}: {name} listed but missing"
        audio = folder / files["audio"]
        assert audio.stat().st_size == manifest["bytes"], f"{audio} is not the size recorded"
        assert id3_chapters(audio) == chapter_rows(manifest["chapters"])
        assert [c["title"] for c in ffmpeg_chapters(audio)] == [
            c["title"] for c in manifest["chapters"]]
        chapters_json = json.loads((folder / files["chapters"]).read_text(encoding="utf-8"))
        starts = [round(c["startTime"] * 1000) for c in chapters_json["chapters"]]
        assert starts == [c["start_ms"] for c in manifest["chapters"]]
        transcript = json.loads((folder / files["json"]).read_text(encoding="utf-8"))
        assert [round(s["startTime"] * 1000) for s in transcript["segments"]] == [
            c["start_ms"] for c in manifest["cues"]]
        found[folder.name] = manifest
    return found


def staging_left(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.startswith(".")] if out.is_dir() else []


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the reference: one uninterrupted build ------------------------------------------------


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted piper build of the short article: (article, its cache, manifest)."""
    root = tmp_path_factory.mktemp("reference")
    article = root / "seedlings.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    cache = root / "cache"
    done = run_cli(["build", str(article), "-o", str(root / "out"), *PIPER], cache)
    assert done.returncode == 0, done.stderr
    (manifest,) = episodes(root / "out").values()
    assert summary(done.stdout) == (len(manifest["cues"]), 0)
    return article, cache, manifest


def copy_cache(reference, tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    shutil.copytree(reference[1], cache)
    return cache


# -- kill -9 -------------------------------------------------------------------------------


def test_kill9_while_synthesizing_then_resume(tmp_path, reference):
    article, _, ref = reference
    cache, out = tmp_path / "cache", tmp_path / "out"
    args = ["-q", "build", str(article), "-o", str(out), *PIPER]
    held_build(args, cache, tmp_path / "held", FAULTKIT_HOLD_AFTER_PUTS="4")

    assert episodes(out) == {}, "a killed first build leaves no episode"
    assert not [p for p in out.iterdir() if not p.name.startswith(".")]
    assert intact_entries(cache) == len(cache_entries(cache)) == 4

    resumed = run_cli(args[1:], cache)
    assert resumed.returncode == 0, resumed.stderr
    total = len(ref["cues"])
    assert summary(resumed.stdout) == (total - 4, 4), "only the missing sentences synthesized"
    (manifest,) = episodes(out).values()
    assert manifest["stats"]["synthesized"] == total - 4
    assert manifest["stats"]["cached"] == 4
    assert staging_left(out) == [], "the killed build's staging folder is gone"

    # An uninterrupted build from the same clips gives the very same chapters, to the ms.
    again = run_cli(["build", str(article), "-o", str(tmp_path / "again"), *PIPER], cache)
    assert summary(again.stdout) == (0, total)
    (uninterrupted,) = episodes(tmp_path / "again").values()
    assert chapter_rows(uninterrupted["chapters"]) == chapter_rows(manifest["chapters"])
    # Against a fresh synthesis (piper varies a little from run to run): same titles, close times.
    assert [c["title"] for c in manifest["chapters"]] == [c["title"] for c in ref["chapters"]]
    for mine, theirs in zip(manifest["chapters"], ref["chapters"], strict=True):
        assert abs(mine["end_ms"] - theirs["end_ms"]) <= 0.1 * theirs["end_ms"]


def test_kill9_during_a_rebuild_keeps_the_previous_episode_or_none(tmp_path, reference):
    _, _, ref = reference
    cache, out = copy_cache(reference, tmp_path), tmp_path / "out"
    article = tmp_path / "seedlings.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    args = ["-q", "build", str(article), "-o", str(out), *PIPER]
    first = run_cli(args, cache)
    assert first.returncode == 0, first.stderr
    (before,) = episodes(out).values()
    audio_before = digest(out / before["slug"] / before["files"]["audio"])

    article.write_text(SHORT_ARTICLE.replace("wait a day.", "wait two days."), encoding="utf-8")
    for n, hold in enumerate([
        {"FAULTKIT_HOLD_AFTER_PUTS": "0"},  # killed while the changed sentence is synthesized
        {"FAULTKIT_HOLD_AT_REPLACE": "2"},  # killed publishing, between the two renames
    ]):
        held_build(args, cache, tmp_path / f"held-{n}", **hold)
        left = episodes(out)  # checks every folder left is complete and consistent
        assert len(left) <= 1
        for after in left.values():  # the previous episode, untouched
            assert after["fingerprint"] == before["fingerprint"]
            assert digest(out / after["slug"] / after["files"]["audio"]) == audio_before

    resumed = run_cli(args[1:], cache)
    assert resumed.returncode == 0, resumed.stderr
    assert summary(resumed.stdout) == (0, len(ref["cues"])), "the changed sentence was kept"
    (rebuilt,) = episodes(out).values()
    assert rebuilt["slug"] == before["slug"], "the rebuild keeps its folder"
    assert [c["title"] for c in rebuilt["chapters"]] == [c["title"] for c in ref["chapters"]]
    assert any(c["text"].endswith("wait two days.") for c in rebuilt["cues"])
    assert staging_left(out) == [], "the killed builds' staging and old folders are gone"
    feed = run_cli(["feed", str(out), "--base-url", "https://example.org/pod"], cache)
    assert feed.returncode == 0, feed.stderr
    assert (out / "feed.xml").read_text(encoding="utf-8").count("<item>") == 1


# -- Ctrl-C --------------------------------------------------------------------------------


def test_ctrl_c_mid_build_exits_130_with_one_line_and_no_partial_output(tmp_path):
    article = tmp_path / "long.txt"
    body = "\n\n".join(f"Paragraph {n} says that the river rose by {n} inches before dawn."
                       for n in range(1, 41))
    article.write_text(f"River Log\n\n{body}\n", encoding="utf-8")
    cache, out = tmp_path / "cache", tmp_path / "out"
    proc = start(["-q", "build", str(article), "-o", str(out), *PIPER], cache)
    wait_until(lambda: len(cache_entries(cache)) >= 2, proc, "the first clips")
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    _, err = proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("audioguide: interrupted"), err
    assert out.is_dir() and list(out.iterdir()) == [], "no episode folder, no staging folder"
    assert intact_entries(cache) == len(cache_entries(cache)), "finished clips are kept"
    assert not [p for p in cache.rglob("*.tmp")]


# -- two builds at once on one cache -------------------------------------------------------


def test_concurrent_builds_sharing_one_cache(tmp_path):
    first, other = tmp_path / "seedlings.txt", tmp_path / "bread.txt"
    first.write_text(SHORT_ARTICLE, encoding="utf-8")
    other.write_text(OTHER_ARTICLE, encoding="utf-8")
    cache = tmp_path / "cache"
    jobs = [(first, "out1"), (first, "out2"), (other, "out3")]
    procs = [start(["-q", "build", str(a), "-o", str(tmp_path / o), *PIPER, "-j", "1"], cache)
             for a, o in jobs]
    for proc in procs:
        _, err = proc.communicate(timeout=DEADLINE_S)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    (one,), (two,), (bread,) = (episodes(tmp_path / o).values() for _, o in jobs)
    assert [c["title"] for c in one["chapters"]] == [c["title"] for c in two["chapters"]]
    assert [c["text"] for c in one["cues"]] == [c["text"] for c in two["cues"]]
    assert bread["title"] == "Keeping Bread Fresh"
    # Every entry intact, one per distinct sentence, no temporary file left in the cache.
    spoken = {c["spoken"] for c in one["cues"]} | {c["spoken"] for c in bread["cues"]}
    assert intact_entries(cache) == len(cache_entries(cache)) == len(spoken)
    # nothing but clips (and the ffmpeg self-test's verdicts): no temporary file left
    assert [p for p in cache.rglob("*")
            if p.is_file() and p.suffix != ".clip" and p.name != "ffmpeg-verdicts.json"] == []


# -- a damaged cache -------------------------------------------------------------------------


def test_truncated_and_random_cache_entries_are_made_again(tmp_path, reference):
    _, _, ref = reference
    cache = copy_cache(reference, tmp_path)
    entries = cache_entries(cache)
    data = [p.read_bytes() for p in entries]
    entries[0].write_bytes(data[0][: len(data[0]) // 2])  # truncated
    entries[1].write_bytes(os.urandom(len(data[1])))  # random
    entries[2].write_bytes(b"")  # empty
    entries[3].write_bytes(data[3][:48] + data[4][48:])  # another clip under this checksum
    out = tmp_path / "out"
    done = run_cli(["build", str(reference[0]), "-o", str(out), *PIPER], cache)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "is corrupt" in line]
    assert len(warnings) == 4, done.stderr
    assert all(line.startswith("audioguide: warning: cache entry ") for line in warnings)
    total = len(ref["cues"])
    assert summary(done.stdout) == (4, total - 4)
    (manifest,) = episodes(out).values()
    assert [c["title"] for c in manifest["chapters"]] == [c["title"] for c in ref["chapters"]]
    assert intact_entries(cache) == len(cache_entries(cache)) == total


# -- the disk fills up -----------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 560 KiB tmpfs (room for one short episode, not two), or None where none can mount."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=560k", "tmpfs", str(mount)],
                          check=False, capture_output=True)
    if done.returncode != 0:
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False, capture_output=True)


@pytest.mark.parametrize("fault", ["tmpfs", "faultkit"])
def test_full_disk_one_line_exit_1_earlier_episode_intact(tmp_path, reference, small_disk, fault):
    """A real full tmpfs where one can be mounted; and everywhere, every atomic write failing
    with ENOSPC as it is flushed (faultkit), so both paths are exercised."""
    if fault == "tmpfs" and small_disk is None:
        pytest.skip("no tmpfs can be mounted here (the faultkit case still runs)")
    cache = copy_cache(reference, tmp_path)
    out = (small_disk if fault == "tmpfs" else tmp_path) / "out"
    article = tmp_path / "seedlings.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    first = run_cli(["-q", "build", str(article), "-o", str(out), *PIPER], cache)
    assert first.returncode == 0, first.stderr
    (before,) = episodes(out).values()
    audio_before = digest(out / before["slug"] / before["files"]["audio"])

    article.write_text(SHORT_ARTICLE.replace("wait a day.", "wait two days."), encoding="utf-8")
    args = ["-q", "build", str(article), "-o", str(out), *PIPER]
    if fault == "faultkit":
        done = subprocess.run([sys.executable, str(FAULTKIT), *args], check=False,
                              capture_output=True, text=True, timeout=DEADLINE_S,
                              env=cli_env(cache, FAULTKIT_ENOSPC="1"))
    else:
        done = run_cli(args, cache)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("audioguide: error: "), done.stderr
    assert "space" in lines[0] or "full" in lines[0]
    assert str(out) in lines[0], "the line names the folder"
    (after,) = episodes(out).values()
    assert after["fingerprint"] == before["fingerprint"]
    assert digest(out / after["slug"] / after["files"]["audio"]) == audio_before
    assert staging_left(out) == [], "no temporary file or folder left"


# -- a cache that cannot be written ----------------------------------------------------------


def test_unwritable_cache_folder_builds_with_a_warning(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    article = tmp_path / "bread.txt"
    article.write_text(OTHER_ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli(["build", str(article), "-o", str(out), "--engine", "espeak"], blocker / "cache")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert warnings and all("not writable" in w for w in warnings), done.stderr
    assert "Traceback" not in done.stderr
    (manifest,) = episodes(out).values()
    assert summary(done.stdout) == (len({c["spoken"] for c in manifest["cues"]}), 0)
    assert blocker.read_text(encoding="utf-8").startswith("a file")
