#!/usr/bin/env python3
"""How the piper build scales with worker processes: a table, not a test.

    benchmarks/scaling.py [--article PATH] [--max-jobs N] [--repeat 1]

Builds the article (default ../shared/articles/back-dimples.txt) with `audioguide build
--engine piper --jobs J` for J = 1, 2, ..., N (default: the CPUs this process may use), each
from an empty clip cache into a fresh folder, and prints wall seconds, speedup over one worker
and efficiency (speedup / J). The best of --repeat runs counts. Also prints what the default
(no --jobs) chose on this machine, from episode.json's stats.workers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
SAMPLE = ROOT.parent / "shared" / "articles" / "back-dimples.txt"


def usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build(article: Path, jobs: int | None) -> tuple[float, dict]:
    """One cold build: (wall seconds, episode.json's stats)."""
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, AUDIOGUIDE_CACHE_DIR=str(Path(work) / "cache"))
        args = [str(PYTHON if PYTHON.exists() else sys.executable), "-m", "audioguide", "-q",
                "build", str(article), "-o", str(Path(work) / "out"), "--engine", "piper"]
        if jobs is not None:
            args += ["--jobs", str(jobs)]
        started = time.perf_counter()
        subprocess.run(args, env=env, check=True)
        wall = time.perf_counter() - started
        (manifest,) = (Path(work) / "out").glob("*/episode.json")
        return wall, json.loads(manifest.read_text(encoding="utf-8"))["stats"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", type=Path, default=SAMPLE)
    parser.add_argument("--max-jobs", type=int, default=usable_cpus())
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    build(options.article, 1)  # warm the page cache and the voice files
    rows = []
    for jobs in range(1, options.max_jobs + 1):
        wall = min(build(options.article, jobs)[0] for _ in range(options.repeat))
        rows.append((jobs, wall))
    base = rows[0][1]
    print(f"{options.article.name}, piper, cold builds; {usable_cpus()} usable CPUs, "
          f"best of {options.repeat}")
    print("| --jobs | wall s | speedup | efficiency |")
    print("| --- | --- | --- | --- |")
    for jobs, wall in rows:
        print(f"| {jobs} | {wall:.1f} | {base / wall:.2f}x | {base / wall / jobs:.0%} |")
    wall, stats = build(options.article, None)
    print(f"\ndefault (no --jobs): {stats['workers']} workers, {wall:.1f} s")


if __name__ == "__main__":
    main()
