"""Which ffmpeg runs (issue 14): a system ffmpeg that fails the encoder's self-test is passed
over for the bundled one, the verdict is remembered, AUDIOGUIDE_FFMPEG always wins; the
encoder's loudness figures are truthful with every real binary (within 1 LU of ebur128 on the
file, or None with a reason, never -inf or nan); a full disk is one line naming the folder."""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from audioguide.audio.encoder import Encoder
from audioguide.errors import OutputError
from audioguide.ffmpeg import binary as ffmpeg
from audioguide.ffmpeg import graph, run
from audioguide.ffmpeg.graph import read_summary
from audioguide.models import Loudness
from conftest import ffmpeg_loudness

BUNDLED = ffmpeg.bundled_exe()
SYSTEM = "/usr/bin/ffmpeg"

# What Debian's ffmpeg 5.1 prints: an empty summary for the graph it builds to probe the
# outputs, then the real one.
SUMMARY = """[Parsed_ebur128_3 @ 0x1] Summary:

  Integrated loudness:
    I:         {lufs} LUFS
    Threshold: -33.0 LUFS

  True peak:
    Peak:      {peak} dBFS
"""
PROBE = SUMMARY.format(lufs="-70.0", peak="-inf")

# A stand-in for a broken system ffmpeg: answers -version, writes the output file, and prints
# what ffmpeg 5.1 printed before the encoder read the last summary: silence measured.
FAKE = """#!/bin/sh
echo run >> "{count}"
case "$1 $2" in *-version*) echo "ffmpeg version 5.1-fake Copyright"; exit 0;; esac
out=""; prev=""
for arg in "$@"; do [ "$prev" = "-y" ] && out="$arg"; prev="$arg"; done
/bin/cat > /dev/null
[ -n "$out" ] && printf 'ID3fake' > "$out"
printf '%s' '{summary}' >&2
exit 0
"""

# A stand-in for a good system ffmpeg: the bundled binary behind another path.
WRAPPER = """#!/bin/sh
echo run >> "{count}"
exec "{target}" "$@"
"""


@pytest.fixture(autouse=True)
def fresh_choice(monkeypatch, tmp_path):
    """Each test chooses again, with its own verdicts file; the next test too."""
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    ffmpeg.reset()
    yield
    ffmpeg.reset()


def make_script(folder: Path, text: str) -> tuple[Path, Path]:
    """An executable `ffmpeg` in `folder`; and the file each run appends a line to."""
    folder.mkdir(parents=True, exist_ok=True)
    count = folder / "runs.txt"
    script = folder / "ffmpeg"
    script.write_text(text.replace("{count}", str(count)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script, count


def runs(count: Path) -> int:
    return len(count.read_text().splitlines()) if count.exists() else 0


def on_path(monkeypatch, folder: Path) -> None:
    monkeypatch.delenv("AUDIOGUIDE_FFMPEG", raising=False)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")


def fake_ffmpeg(folder: Path) -> tuple[Path, Path]:
    return make_script(folder, FAKE.replace("{summary}", PROBE))


@pytest.mark.skipif(BUNDLED is None, reason="imageio-ffmpeg has no binary here")
def test_a_system_ffmpeg_that_fails_the_self_test_is_passed_over(monkeypatch, tmp_path):
    fake, count = fake_ffmpeg(tmp_path / "bin")
    on_path(monkeypatch, fake.parent)
    choice = ffmpeg.ffmpeg_choice()
    assert (choice.path, choice.source) == (BUNDLED, "bundled")
    assert ffmpeg.ffmpeg_exe() == BUNDLED
    assert f"{fake} (ffmpeg 5.1-fake) passed over" in choice.note
    assert "measured silence" in choice.note
    assert "self-test passed" in choice.note  # the bundled binary's own verdict
    assert runs(count) == 2  # -version and the encoder's command, once

    ffmpeg.reset()  # a new process: the verdict is read from the cache folder
    assert ffmpeg.ffmpeg_choice().path == BUNDLED
    assert runs(count) == 2
    assert str(fake) in (tmp_path / "cache" / ffmpeg.VERDICTS_FILE).read_text()

    fake.write_text(fake.read_text() + "# upgraded\n")  # another size: tested again
    ffmpeg.reset()
    assert ffmpeg.ffmpeg_choice().path == BUNDLED
    assert runs(count) == 4

    # A new encoder graph (another limiter) is a new command to test: the binary is tested
    # again, not trusted on the verdict of the old graph.
    from audioguide.ffmpeg import graph

    limiter = graph.limiter_filter
    monkeypatch.setattr(graph, "limiter_filter", lambda peak: limiter(peak - 0.5))
    ffmpeg.reset()
    assert ffmpeg.ffmpeg_choice().path == BUNDLED
    assert runs(count) == 6


@pytest.mark.skipif(BUNDLED is None, reason="imageio-ffmpeg has no binary here")
def test_a_system_ffmpeg_that_passes_is_used(monkeypatch, tmp_path):
    wrapper, count = make_script(tmp_path / "bin", WRAPPER.replace("{target}", str(BUNDLED)))
    on_path(monkeypatch, wrapper.parent)
    choice = ffmpeg.ffmpeg_choice()
    assert (choice.path, choice.source) == (str(wrapper), "PATH")
    assert choice.note.startswith("self-test passed")
    assert choice.version != "unknown"
    assert str(wrapper) in choice.describe()
    assert runs(count) == 2


def test_audioguide_ffmpeg_always_wins(monkeypatch, tmp_path):
    fake, count = fake_ffmpeg(tmp_path / "bin")
    monkeypatch.setenv("AUDIOGUIDE_FFMPEG", str(fake))
    choice = ffmpeg.ffmpeg_choice()
    assert (choice.path, choice.source, choice.version) == (str(fake), "AUDIOGUIDE_FFMPEG",
                                                            "5.1-fake")
    assert choice.note.startswith("set explicitly;") and "measured silence" in choice.note
    assert run.command(["-version"])[0] == str(fake)
    ffmpeg.reset()
    ffmpeg.ffmpeg_choice()
    assert runs(count) == 2  # remembered


def test_a_missing_explicit_binary_is_still_used_and_says_so(monkeypatch, tmp_path):
    missing = str(tmp_path / "nowhere" / "ffmpeg")
    monkeypatch.setenv("AUDIOGUIDE_FFMPEG", missing)
    choice = ffmpeg.ffmpeg_choice()
    assert choice.path == missing and "cannot be run" in choice.note


def test_an_unwritable_cache_folder_only_means_testing_again(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(blocker / "cache"))
    fake, count = fake_ffmpeg(tmp_path / "bin")
    monkeypatch.setenv("AUDIOGUIDE_FFMPEG", str(fake))
    assert ffmpeg.ffmpeg_choice().path == str(fake)
    ffmpeg.reset()
    ffmpeg.ffmpeg_choice()
    assert runs(count) == 4


# -- reading the summary ----------------------------------------------------------------------


def test_the_last_summary_is_read():
    text = PROBE + "Stream mapping: ...\n" + SUMMARY.format(lufs="-16.4", peak="-2.1")
    assert read_summary(text) == Loudness(-16.4, -2.1, graph.MEASURED)


@pytest.mark.parametrize(("lufs", "peak", "heard", "reason"), [
    ("-70.0", "-inf", True, "measured silence (-70 LUFS) although speech was written"),
    ("-70.0", "-inf", False, "measured silence (-70 LUFS)"),
    ("nan", "-3.0", True, "gave nan LUFS"),
    ("-16.0", "inf", True, "gave a true peak of inf dBFS"),
    ("-16.0", "-nan", True, "gave a true peak of nan dBFS"),
])
def test_figures_that_are_not_measurements_are_none_with_a_reason(lufs, peak, heard, reason):
    figures = read_summary(SUMMARY.format(lufs=lufs, peak=peak), heard, "ffmpeg 5.1.9")
    assert reason in figures.reason and figures.reason.startswith("ffmpeg 5.1.9")
    for name in ("integrated_lufs", "true_peak_dbtp"):
        value = getattr(figures, name)
        assert value is None or math.isfinite(value)


def test_no_summary_is_none_with_a_reason():
    figures = read_summary("Conversion failed!\n")
    assert figures.integrated_lufs is None and figures.true_peak_dbtp is None
    assert figures.measured is None and "no ebur128 summary" in figures.reason


# -- real encodes with every binary here ------------------------------------------------------


def real_binaries() -> list:
    return [pytest.param(SYSTEM, id="system", marks=pytest.mark.skipif(
                not os.access(SYSTEM, os.X_OK), reason=f"no {SYSTEM}")),
            pytest.param(BUNDLED, id="bundled", marks=pytest.mark.skipif(
                BUNDLED is None, reason="imageio-ffmpeg has no binary here"))]


def speech_like(seconds: float, rate: int) -> np.ndarray:
    """Noise in syllable-like swells at about -20 LUFS, with gaps."""
    rng = np.random.default_rng(14)
    n = int(seconds * rate)
    envelope = np.clip(np.sin(np.arange(n) / rate * 2 * np.pi * 2.5), 0, None) ** 2
    return (rng.standard_normal(n) * 0.15 * envelope).astype(np.float32)


@pytest.mark.slow
@pytest.mark.parametrize("binary", real_binaries())
def test_the_encoders_loudness_matches_ebur128_on_the_file(monkeypatch, tmp_path, binary):
    monkeypatch.setenv("AUDIOGUIDE_FFMPEG", binary)
    rate = 22050
    encoder = Encoder(tmp_path / "episode.mp3", rate, "mp3", "64k", -1.0)
    for _ in range(3):
        encoder.write(speech_like(4.0, rate))
        encoder.write_silence(rate // 2)
    figures = encoder.close()
    on_file = ffmpeg_loudness(tmp_path / "episode.mp3")
    for name in ("integrated_lufs", "true_peak_dbtp"):
        value = getattr(figures, name)
        assert value is None or math.isfinite(value), figures
    if figures.integrated_lufs is None:
        assert figures.reason, figures
    else:
        assert abs(figures.integrated_lufs - on_file["integrated"]) <= 1.0, (figures, on_file)
        assert figures.integrated_lufs > -40, figures  # speech, not the -70 gate
    if figures.true_peak_dbtp is None:
        assert figures.reason, figures
    else:
        assert abs(figures.true_peak_dbtp - on_file["true_peak"]) <= 1.5, (figures, on_file)


@pytest.mark.parametrize("binary", real_binaries())
def test_a_full_disk_names_the_output_folder(monkeypatch, tmp_path, binary):
    """ffmpeg 5.1 exits with 0 when the disk fills as it writes the trailer: the encoder reads
    its stderr. /dev/full fails every write with ENOSPC."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    monkeypatch.setenv("AUDIOGUIDE_FFMPEG", binary)
    staging = tmp_path / "episodes" / "garden.partial"
    staging.mkdir(parents=True)
    (staging / "garden.mp3").symlink_to("/dev/full")
    encoder = Encoder(staging / "garden.mp3", 22050, "mp3", "64k", -1.0)
    encoder.write(speech_like(2.0, 22050))
    with pytest.raises(OutputError) as caught:
        encoder.close()
    encoder.abort()
    assert str(caught.value) == (f"{tmp_path / 'episodes'}: the disk is full; free some space "
                                 "or choose another output folder")


def test_run_ffmpeg_names_the_folder_of_a_full_disk(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (tmp_path / "tone.mp3").symlink_to("/dev/full")
    with pytest.raises(OutputError, match=f"^{tmp_path}: the disk is full"):
        run.run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", "-f", "mp3", "-y",
                           str(tmp_path / "tone.mp3")])


def test_output_folder_names_the_parent_of_a_staging_folder(tmp_path):
    assert run.output_folder(tmp_path / "a.partial" / "x.mp3") == tmp_path
    assert run.output_folder(tmp_path / ".a.partial" / "sections" / "01.mp3") == tmp_path
    assert run.output_folder(tmp_path / "a" / "x.mp3") == tmp_path / "a"
