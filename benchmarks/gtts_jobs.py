"""gtts at --jobs 1 against the default, with 300 ms of latency per request on the fake Google.

    python benchmarks/gtts_jobs.py [ARTICLE] [--latency 0.3] [--jobs 1,4]

Builds the sample article through the whole pipeline (audioguide.pipeline.build_episodes) with
an empty cache each time, and prints: jobs, wall seconds, requests, speed-up over --jobs 1.
Not a test: it takes about a minute.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fake lives with the tests

from audioguide.engines.gtts import GTTSEngine
from audioguide.pipeline import build_episodes
from audioguide.settings import Settings
from fake_google import FakeGoogle

SAMPLE = ROOT.parent / "shared" / "articles" / "back-dimples.txt"


def build_once(article: Path, fake: FakeGoogle, jobs: int | None) -> tuple[float, int, int]:
    fake.clear_counts()
    with tempfile.TemporaryDirectory(prefix="audioguide-bench-") as folder:
        settings = Settings(engine="gtts", gtts_url=fake.url, jobs=jobs,
                            output_dir=Path(folder) / "out", cache_dir=Path(folder) / "cache")
        started = time.perf_counter()
        (result,) = build_episodes([str(article)], settings)
        wall = time.perf_counter() - started
    return wall, fake.total, result.synthesized


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", default=str(SAMPLE))
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--jobs", default=f"1,{GTTSEngine.default_jobs}")
    args = parser.parse_args()
    article = Path(args.article)
    runs = [int(j) for j in args.jobs.split(",")]

    rows = []
    with FakeGoogle() as fake:
        fake.latency = args.latency
        for jobs in runs:
            wall, requests, sentences = build_once(article, fake, jobs)
            rows.append((jobs, wall, requests, sentences, fake.peak))
            fake.peak = 0

    base = rows[0][1]
    print(f"gtts against the fake Google, {args.latency * 1000:.0f} ms per request, "
          f"{article.name}, empty cache each run")
    print(f"{'jobs':<12} {'wall s':>7} {'requests':>9} {'sentences':>10} {'in flight':>10}"
          f" {'speed-up':>9}")
    for jobs, wall, requests, sentences, peak in rows:
        label = f"{jobs}" + (" (default)" if jobs == GTTSEngine.default_jobs else "")
        print(f"{label:<12} {wall:7.1f} {requests:9d} {sentences:10d} {peak:10d}"
              f" {base / wall:8.2f}x")


if __name__ == "__main__":
    main()
