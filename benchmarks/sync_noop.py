"""audioguide sync's no-op: a blog of 50 entries synced once, then the timed reruns.

    python benchmarks/sync_noop.py [--entries 50] [--runs 5] [--stand-in]
    python benchmarks/sync_noop.py --entries 10000 --runs 3 --stand-in

The blog is the tests' (tests/test_sync.py: pages with navigation and footers on 127.0.0.1,
ETags answered with 304). The first sync builds every entry with espeak; each rerun finds
nothing new: one GET of the feed, one conditional GET (304) per page, no build, no write. It
prints: the case, wall seconds, pages answered 200 and 304, files changed under the folder.
The rerun is timed twice: in-process (audioguide.sync.sync) and as a command (a new Python
process, as cron runs it). With --stand-in the first sync writes each episode with
sync_scale.py's stand-in build (a real manifest and folder, no voice, no encode), which makes a
10,000-entry folder in minutes instead of hours; the reruns build nothing either way. Not a
test.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the blog lives with the tests

from audioguide.settings import FeedSettings, Settings
from audioguide.sync import sync
from test_sync import Blog

WORDS = ("kettle lemon chain towel squash bread knife stone shelf cloth window garden hinge "
         "drawer cupboard ladder bucket sponge brush").split()
BASE = "https://podcast.example.org/bench"


def make_blog(entries: int) -> Blog:
    blog = Blog()
    for n in range(entries):
        word, other = WORDS[n % len(WORDS)], WORDS[(n * 7 + 3) % len(WORDS)]
        sections = [("First steps", f"Note {n}: check the {word} before you start."),
                    ("Finishing", f"Put the {other} back where it lives, then rest.")]
        blog.post(f"note-{n}", f"Household note {n}: the {word}", "Bench Writer", sections,
                  day=n, full_text=(n % 10 == 0))
    return blog


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest()
                                         if p.is_file() else "dir", p.stat().st_mtime_ns)
            for p in [folder, *folder.rglob("*")]}


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stand-in", action="store_true",
                        help="first sync without the voice (sync_scale.StandIn)")
    args = parser.parse_args()
    blog = make_blog(args.entries)
    with tempfile.TemporaryDirectory(prefix="audioguide-sync-bench-") as tmp:
        out = Path(tmp) / "podcast"
        settings = Settings(output_dir=out, engine="espeak", cache_dir=Path(tmp) / "cache",
                            feed=FeedSettings(base_url=BASE))
        feed = f"{blog.url}/feed.xml"
        rows = []
        first = timed(lambda: first_sync(feed, settings, args.stand_in))
        how = "stand-in builds, no voice" if args.stand_in else "espeak"
        rows.append((f"first sync (builds every entry, {how})", first, *counts(blog), "-"))
        before = snapshot(out)
        walls = []
        for _ in range(args.runs):
            blog.log.clear()
            walls.append(timed(lambda: sync(feed, settings)))
        changed = sum(1 for k, v in snapshot(out).items() if before.get(k) != v)
        rows.append((f"no-op rerun, in-process (median of {args.runs})",
                     statistics.median(walls), *counts(blog), str(changed)))
        command = [sys.executable, "-m", "audioguide", "sync", feed, "-o", str(out),
                   "--base-url", BASE, "--engine", "espeak", "-q"]
        walls = []
        for _ in range(args.runs):
            blog.log.clear()
            walls.append(timed(lambda: subprocess.run(command, check=True,
                                                      env=_env(tmp))))
        changed = sum(1 for k, v in snapshot(out).items() if before.get(k) != v)
        rows.append((f"no-op rerun, `audioguide sync` command (median of {args.runs})",
                     statistics.median(walls), *counts(blog), str(changed)))
    blog.close()
    print(f"{args.entries} entries ({sum(1 for n in range(args.entries) if n % 10 == 0)} "
          "with full text in the feed)\n")
    print("| case | wall s | pages 200 | pages 304 | files changed |")
    print("| --- | --- | --- | --- | --- |")
    for name, wall, ok, not_modified, changed_files in rows:
        print(f"| {name} | {wall:.3f} | {ok} | {not_modified} | {changed_files} |")


def first_sync(feed: str, settings: Settings, stand_in: bool) -> None:
    if not stand_in:
        sync(feed, settings)
        return
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from audioguide.sync import run
    from sync_scale import StandIn

    real, run.Builder = run.Builder, StandIn
    try:
        sync(feed, settings)
    finally:
        run.Builder = real


def counts(blog: Blog) -> tuple[int, int]:
    pages = [status for path, status in blog.log if path.startswith("/posts/")]
    return pages.count(200), pages.count(304)


def _env(tmp: str) -> dict[str, str]:
    import os

    return {**os.environ, "AUDIOGUIDE_CACHE_DIR": str(Path(tmp) / "cache")}


if __name__ == "__main__":
    main()
