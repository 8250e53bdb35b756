"""The one resampler (audio/resample.py), through resample_clip as a build uses it: length,
level, aliasing and imaging, no clicks, word spans, and the same bytes without scipy."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from audioguide.audio.clips import resample_clip
from audioguide.models import Clip


def tone_clip(freq: float, rate: int, seconds: float = 1.0, level: float = 10000.0,
              fade: float = 0.0) -> Clip:
    t = np.arange(int(rate * seconds)) / rate
    samples = level * np.sin(2 * np.pi * freq * t)
    if fade:
        ramp = np.minimum(1.0, np.minimum(t, t[-1] - t) / fade)
        samples *= ramp
    return Clip(np.round(samples).astype("<i2").tobytes(), rate, ((0, rate // 2), (rate // 2,
                                                                                   rate)))


def samples(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64)


def level_db(signal: np.ndarray, freq: float, rate: int) -> float:
    """The level of `freq` in `signal` (dB relative to full scale 32768), by a windowed DFT
    of its middle (the edges left out)."""
    middle = signal[len(signal) // 8 : -len(signal) // 8]
    window = np.blackman(len(middle))
    t = np.arange(len(middle)) / rate
    amplitude = 2 * abs(np.sum(middle * window * np.exp(-2j * np.pi * freq * t))) / window.sum()
    return 20 * np.log10(amplitude / 32768 + 1e-12)


@pytest.mark.parametrize(("source", "target"), [(22050, 24000), (24000, 22050),
                                                (16000, 22050), (22050, 44100)])
def test_length_and_word_spans(source, target):
    clip = tone_clip(440, source, seconds=1.3)
    out = resample_clip(clip, target)
    assert out.rate == target
    assert len(out.pcm) // 2 == len(clip.pcm) // 2 * target // source
    assert out.words == ((0, source // 2 * target // source),
                         (source // 2 * target // source, target))


@pytest.mark.parametrize(("source", "target"), [(22050, 24000), (24000, 22050)])
@pytest.mark.parametrize("freq", [100.0, 1000.0, 4000.0, 8000.0])
def test_a_tone_keeps_its_frequency_and_level(source, target, freq):
    """The resampled tone matches the same tone made at the new rate, sample for sample."""
    out = samples(resample_clip(tone_clip(freq, source), target))
    expected = samples(tone_clip(freq, target))[: len(out)]
    error = (out - expected)[len(out) // 8 : -len(out) // 8]
    assert np.sqrt(np.mean(error**2)) < 10000 * 10 ** (-60 / 20), "error 60 dB under the tone"
    assert abs(level_db(out, freq, target) - level_db(expected, freq, target)) < 0.05


def test_no_aliasing_when_going_down():
    """A tone above the new Nyquist frequency (11025 Hz) is removed, not folded to 10550 Hz."""
    out = samples(resample_clip(tone_clip(11500, 24000), 22050))
    assert level_db(out, 22050 - 11500, 22050) < -70 - 10  # the tone is at -10 dBFS
    assert np.sqrt(np.mean(out[len(out) // 8 : -len(out) // 8] ** 2)) < 3


def test_no_images_when_going_up():
    """A 10.5 kHz tone at 22050 Hz has no mirror image at 11550 Hz once at 24000 Hz."""
    out = samples(resample_clip(tone_clip(10500, 22050), 24000))
    assert level_db(out, 22050 - 10500, 24000) < -70 - 10


@pytest.mark.parametrize(("source", "target"), [(22050, 24000), (24000, 22050)])
def test_no_clicks(source, target):
    """A faded tone stays as smooth as the tone: no sample jumps further than a 3 kHz sine
    at full level can, at the start, the end or anywhere between."""
    out = samples(resample_clip(tone_clip(3000, source, seconds=0.5, fade=0.01), target))
    slope = 2 * np.pi * 3000 / target * 10000  # the largest step of the tone itself
    assert np.max(np.abs(np.diff(out))) < slope * 1.02
    assert abs(out[0]) < 50 and abs(out[-1]) < 50


def test_same_bytes_without_scipy(tmp_path):
    """Users without scipy (a test-only package) get the very samples the tests check."""
    clip = tone_clip(1000, 22050, seconds=0.3)
    (tmp_path / "in.raw").write_bytes(clip.pcm)
    script = (
        "import sys; sys.modules['scipy'] = None\n"
        "from pathlib import Path\n"
        "from audioguide.audio.clips import resample_clip\n"
        "from audioguide.models import Clip\n"
        "out = resample_clip(Clip(Path(sys.argv[1]).read_bytes(), 22050), 24000)\n"
        "assert 'scipy' not in {m.split('.')[0] for m in sys.modules if sys.modules[m]}\n"
        "Path(sys.argv[2]).write_bytes(out.pcm)\n")
    subprocess.run([sys.executable, "-c", script, tmp_path / "in.raw", tmp_path / "out.raw"],
                   check=True, timeout=120)
    assert (tmp_path / "out.raw").read_bytes() == resample_clip(clip, 24000).pcm


def test_agrees_with_scipy_on_speech_band_noise():
    """Against scipy's resample_poly (a reference here, not used by audioguide): band-limited
    noise comes out the same to within 50 dB."""
    signal = pytest.importorskip("scipy.signal")
    rng = np.random.default_rng(7)
    noise = signal.sosfiltfilt(signal.butter(8, 6000, fs=22050, output="sos"),
                               rng.normal(0, 4000, 22050))
    clip = Clip(np.round(noise).astype("<i2").tobytes(), 22050)
    ours = samples(resample_clip(clip, 24000))
    theirs = signal.resample_poly(samples(clip), 160, 147)[: len(ours)]
    inner = slice(200, -200)
    error = np.sqrt(np.mean((ours - theirs)[inner] ** 2)) / np.sqrt(np.mean(theirs[inner] ** 2))
    assert 20 * np.log10(error) < -50
