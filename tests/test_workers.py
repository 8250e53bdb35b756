"""Every core by default: local voices run one worker per usable CPU, bounded by memory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from audioguide.engines.base import local_workers, usable_cpus
from audioguide.engines.espeak import EspeakEngine
from audioguide.engines.piper import PiperEngine
from audioguide.settings import Settings

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("cpus", "memory", "expected"),
    [(1, 64_000 * MB, 1), (2, 64_000 * MB, 2), (8, 64_000 * MB, 8), (16, 64_000 * MB, 16),
     (16, 1_000 * MB, 3), (16, 100 * MB, 1), (4, None, 4)],
)
def test_one_worker_per_cpu_bounded_by_half_the_memory(cpus, memory, expected):
    assert local_workers(160 * MB, cpus=cpus, memory=memory) == expected


def test_jobs_option_wins_and_default_follows_the_cpus():
    assert PiperEngine(Settings(jobs=3), "en").jobs == 3
    assert EspeakEngine(Settings(), "en").jobs == local_workers(EspeakEngine.worker_bytes)
    assert 1 <= EspeakEngine(Settings(), "en").jobs <= usable_cpus()


@pytest.mark.skipif(not shutil.which("taskset") or not hasattr(os, "sched_getaffinity"),
                    reason="needs taskset")
@pytest.mark.parametrize("cpus", ["0", "all"])
def test_build_records_the_workers_it_used(tmp_path, short_article, cpus):
    available = sorted(os.sched_getaffinity(0))
    mask = "0" if cpus == "0" else ",".join(map(str, available))
    out = tmp_path / "out"
    env = dict(os.environ, AUDIOGUIDE_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run(["taskset", "-c", mask, sys.executable, "-m", "audioguide", "-q",
                           "build", str(short_article), "-o", str(out), "--engine", "espeak"],
                          capture_output=True, text=True, env=env, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    (manifest,) = out.glob("*/episode.json")
    stats = json.loads(manifest.read_text(encoding="utf-8"))["stats"]
    expected = 1 if cpus == "0" else local_workers(EspeakEngine.worker_bytes,
                                                   cpus=len(available))
    assert stats["workers"] == expected
