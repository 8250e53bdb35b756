"""Every core by default: local voices run one worker per usable CPU, bounded by memory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audioguide.engines import base
from audioguide.engines.base import local_workers
from audioguide.engines.espeak import EspeakEngine
from audioguide.engines.piper import PiperEngine
from audioguide.settings import Settings

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("cpus", "memory", "expected"),
    [(1, 64_000 * MB, 1), (2, 64_000 * MB, 2), (8, 64_000 * MB, 8), (16, 64_000 * MB, 16),
     (16, 1_000 * MB, 3), (16, 100 * MB, 1)],
)
def test_one_worker_per_cpu_bounded_by_half_the_memory(cpus, memory, expected):
    assert local_workers(160 * MB, cpus=cpus, memory=memory) == expected


def test_unknown_memory_bounds_nothing(monkeypatch):
    monkeypatch.setattr(base, "available_memory", lambda: None)  # no /proc/meminfo
    assert local_workers(160 * MB, cpus=4) == 4


def this_machine(worker_bytes: int, cpus: int | None = None) -> int:
    """The workers this machine should get, worked out here rather than by local_workers: its
    CPUs (affinity), as many as half of MemAvailable in /proc/meminfo holds."""
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = Path("/proc/meminfo").read_text(encoding="ascii").splitlines()
    meminfo = dict(line.split(":", 1) for line in lines)
    kib = int(meminfo["MemAvailable"].split()[0])
    return max(1, min(cpus, kib * 1024 // 2 // worker_bytes))


@pytest.mark.skipif(not os.path.exists("/proc/meminfo"), reason="needs /proc/meminfo")
def test_jobs_option_wins_and_default_follows_the_cpus():
    assert PiperEngine(Settings(jobs=3), "en").jobs == 3
    assert EspeakEngine(Settings(), "en").jobs == this_machine(EspeakEngine.worker_bytes)


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
    expected = 1 if cpus == "0" else this_machine(EspeakEngine.worker_bytes, len(available))
    assert stats["workers"] == expected
