"""Shared fixtures: a private clip cache per test session, real ffmpeg, real short builds."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from audioguide.ffmpeg.binary import ffmpeg_exe

SHORT_ARTICLE = """\
Garden Notes

Watering Seedlings Without Drowning Them

By Ines Marlow 2 min read

Young plants need steady moisture, not a flood.

Morning or Evening?

Water early in the day. Leaves dry before night, which keeps mould away.

What You Need

  • A can with a fine rose.
  • A saucer under each pot.

Key Points

Check the soil with a finger first. If it feels damp, wait a day.
"""


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Every test session gets its own clip cache, never the user's."""
    import os

    path = tmp_path_factory.mktemp("clip-cache")
    old = os.environ.get("AUDIOGUIDE_CACHE_DIR")
    os.environ["AUDIOGUIDE_CACHE_DIR"] = str(path)
    # --engine auto must never probe the real Google from a test: a closed local port.
    os.environ.setdefault("AUDIOGUIDE_GTTS_URL", "http://127.0.0.1:9/batchexecute")
    yield path
    if old is None:
        os.environ.pop("AUDIOGUIDE_CACHE_DIR", None)
    else:
        os.environ["AUDIOGUIDE_CACHE_DIR"] = old


def ffmpeg_chapters(path: Path) -> list[dict]:
    """Chapters as ffmpeg reads them, in stored order (what ffprobe -show_chapters lists)."""
    out = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True, check=True, text=True,
    ).stdout
    chapters = []
    for block in out.split("[CHAPTER]")[1:]:
        fields = dict(line.split("=", 1) for line in block.strip().splitlines() if "=" in line)
        num, den = (int(x) for x in fields["TIMEBASE"].split("/"))
        chapters.append({
            "start_ms": round(int(fields["START"]) * num * 1000 / den),
            "end_ms": round(int(fields["END"]) * num * 1000 / den),
            "title": fields.get("title", ""),
        })
    return chapters


def ffmpeg_loudness(path: Path, start_ms: int | None = None, end_ms: int | None = None) -> dict:
    """Integrated loudness and true peak of a file (or a span), from ffmpeg's ebur128 filter."""
    span = []
    if start_ms is not None:
        span = ["-ss", f"{start_ms / 1000:.3f}", "-to", f"{end_ms / 1000:.3f}"]
    err = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostats", *span, "-i", str(path), "-af",
         "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
        check=False, capture_output=True, text=True,
    ).stderr
    summary = err[err.rindex("Summary:"):]
    integrated = float(re.search(r"I:\s*(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s*(-?[\d.]+|-inf) dBFS", summary).group(1))
    return {"integrated": integrated, "true_peak": peak}


def ffmpeg_duration_ms(path: Path) -> int:
    """Decoded duration, counted in samples (no ffprobe)."""
    pcm = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "44100",
         "-"], capture_output=True, check=True,
    ).stdout
    return round(len(pcm) / 2 / 44100 * 1000)


@pytest.fixture(scope="session")
def short_article(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("articles") / "seedlings.txt"
    path.write_text(SHORT_ARTICLE, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def built(short_article, tmp_path_factory):
    """One real piper build of the short article: (episode folder, manifest, results)."""
    import json

    from audioguide.pipeline import build_episodes
    from audioguide.settings import Settings

    out = tmp_path_factory.mktemp("audio_out")
    results = build_episodes([str(short_article)], Settings(output_dir=out, engine="piper"))
    folder = Path(results[0].folder)
    manifest = json.loads((folder / "episode.json").read_text(encoding="utf-8"))
    return folder, manifest, results


@pytest.fixture
def fake_google():
    """A fake of Google's endpoint on 127.0.0.1 for one test (tests/fake_google.py)."""
    from fake_google import FakeGoogle

    with FakeGoogle() as fake:
        yield fake


@pytest.fixture
def quick_backoff(monkeypatch):
    """Backoff in milliseconds, not seconds: the logic is the same."""
    from audioguide.engines import gtts as gtts_module

    monkeypatch.setattr(gtts_module, "BACKOFF_BASE", 0.005)
    monkeypatch.setattr(gtts_module, "BACKOFF_CAP", 0.02)


# Modules whose tests build real episodes again and again (drills, hostile inputs, listening):
# marked slow, so that script/test-pythons can run the rest under every Python quickly. The
# default run (script/test) runs them all.
SLOW_MODULES = {"test_reliability", "test_hostile_cli", "test_check", "test_build",
                "test_gtts_build", "test_workers", "test_startup", "test_lexicon_pls",
                "test_lang_parts"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module is not None and item.module.__name__ in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


REGENERATE = "AUDIOGUIDE_REGEN_GOLDEN"


def check_golden(path: Path, actual: str) -> None:
    """Compare `actual` with the golden file at `path`; AUDIOGUIDE_REGEN_GOLDEN=1 rewrites it."""
    if os.environ.get(REGENERATE) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert path.is_file(), f"{path} is missing: run the tests once with {REGENERATE}=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{path.name} differs (rerun with {REGENERATE}=1 if intended)")
