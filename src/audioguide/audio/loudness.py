"""BS.1770 integrated loudness of a mono clip, with numpy alone.

The K-weighting (a high shelf at 1500 Hz, +4 dB, and a high pass at 38 Hz, RBJ cookbook
biquads as pyloudnorm designs them) is applied as a convolution (overlap-add) with the
cascade's impulse response, computed once per sample rate and cut where it has decayed
below -120 dB; the 400 ms gating blocks with 75% overlap come from a cumulative sum. Same
figures as pyloudnorm (tests/test_loudness.py checks it) without importing scipy, whose
import alone costs a cold build more CPU time than all of its loudness measurements.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Samples = NDArray[np.float32]  # mono, in [-1, 1]
    FloatSamples = NDArray[np.float32] | NDArray[np.float64]

BLOCK_S = 0.4
STEP_S = 0.1  # 75% overlap
ABSOLUTE_GATE = -70.0
IMPULSE_S = 0.15
BLOCK_SAMPLES = 1 << 15  # overlap-add block


def _biquad(kind: str, gain_db: float, q: float, fc: float,
            rate: int) -> tuple[list[float], list[float]]:
    a_ = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * fc / rate
    alpha = math.sin(w0) / (2 * q)
    cos = math.cos(w0)
    if kind == "high_shelf":
        root = 2 * math.sqrt(a_) * alpha
        b = [a_ * ((a_ + 1) + (a_ - 1) * cos + root), -2 * a_ * ((a_ - 1) + (a_ + 1) * cos),
             a_ * ((a_ + 1) + (a_ - 1) * cos - root)]
        a = [(a_ + 1) - (a_ - 1) * cos + root, 2 * ((a_ - 1) - (a_ + 1) * cos),
             (a_ + 1) - (a_ - 1) * cos - root]
    else:  # high pass
        b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
        a = [1 + alpha, -2 * cos, 1 - alpha]
    return [x / a[0] for x in b], [x / a[0] for x in a]


@functools.lru_cache(maxsize=8)
def k_weighting_impulse(rate: int) -> NDArray[np.float64]:
    """Impulse response of the K-weighting cascade at `rate` (numpy array)."""
    import numpy as np

    n = int(IMPULSE_S * rate)
    signal = [0.0] * n
    signal[0] = 1.0
    for kind, gain, q, fc in (("high_shelf", 4.0, 1 / math.sqrt(2), 1500.0),
                              ("high_pass", 0.0, 0.5, 38.0)):
        b, a = _biquad(kind, gain, q, fc, rate)
        out = [0.0] * n
        x1 = x2 = y1 = y2 = 0.0
        for i, x in enumerate(signal):
            y = b[0] * x + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
            out[i] = y
            x2, x1, y2, y1 = x1, x, y1, y
        signal = out
    return np.asarray(signal)


@functools.lru_cache(maxsize=6)
def _impulse_spectrum(rate: int, fft_size: int) -> NDArray[np.complex128]:
    import numpy as np

    return np.fft.rfft(k_weighting_impulse(rate), fft_size)


def _fft_size(n: int) -> int:
    """The smallest 2^a * 3^b at or above n (fast for numpy's FFT, at most 1.5x n)."""
    best = 1 << (n - 1).bit_length()
    three = 1
    while three < best:
        size = three * (1 << max(0, (-(-n // three) - 1).bit_length()))
        best = min(best, size) if size >= n else best
        three *= 3
    return best


def k_weighted(samples: Samples, rate: int) -> Samples:
    """The K-weighted signal (float32), by overlap-add in fixed blocks: besides the result,
    memory stays small and the same for a long clip as for a short one."""
    import numpy as np

    impulse_length = int(IMPULSE_S * rate)
    fft_size = _fft_size(BLOCK_SAMPLES + impulse_length - 1)
    response = _impulse_spectrum(rate, fft_size)
    out = np.zeros(len(samples) + impulse_length - 1, dtype=np.float32)
    for start in range(0, len(samples), BLOCK_SAMPLES):
        piece = samples[start : start + BLOCK_SAMPLES]
        filtered = np.fft.irfft(np.fft.rfft(piece, fft_size) * response, fft_size)
        length = len(piece) + impulse_length - 1
        out[start : start + length] += filtered[:length]
    return out[: len(samples)]


def block_energies(samples: Samples, rate: int) -> NDArray[np.float64]:
    """Mean square of the K-weighted signal in each 400 ms gating block (75% overlap).

    Two clip-sized float32 arrays at most (the input and the weighted signal, squared in
    place): the sums between block edges (100 ms at most) are taken with reduceat and only
    those few are accumulated in float64, never a clip-sized cumsum."""
    import numpy as np

    n = len(samples)
    block, step = int(BLOCK_S * rate), int(STEP_S * rate)
    count = round((n / rate - BLOCK_S) / STEP_S) + 1
    starts = np.arange(count) * step
    ends = np.minimum(starts + block, n)
    squared = k_weighted(samples, rate)
    np.square(squared, out=squared)
    edges = np.unique(np.concatenate((starts, ends)))
    edges = edges[edges < n]  # starts at 0
    # each sum spans at most 100 ms: float32 is exact enough, and no float64 copy of the clip
    sums = np.add.reduceat(squared, edges).astype(np.float64)
    energy = np.concatenate(([0.0], np.cumsum(sums)))
    return (energy[np.searchsorted(edges, ends)] - energy[np.searchsorted(edges, starts)]) / block


def integrated_loudness(samples: FloatSamples, rate: int) -> float:
    """Gated integrated loudness in LUFS (-inf for silence); needs at least one 400 ms block."""
    import numpy as np

    if len(samples) < int(BLOCK_S * rate):
        raise ValueError("a clip shorter than one 400 ms block has no integrated loudness")
    z = block_energies(np.asarray(samples, dtype=np.float32), rate)
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(z)
    gated = z[loudness >= ABSOLUTE_GATE]
    if gated.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * math.log10(gated.mean()) - 10
    final = z[(loudness > relative) & (loudness > ABSOLUTE_GATE)]
    if final.size == 0:
        return float("-inf")
    return -0.691 + 10 * math.log10(final.mean())


def sliding_min(values: Samples, width: int) -> Samples:
    """Minimum over a centred window of odd `width` at every index (edges repeat the ends).

    van Herk / Gil-Werman: running minima forwards and backwards within blocks of `width`,
    so the cost does not grow with the width."""
    import numpy as np

    values = np.asarray(values)
    radius = width // 2
    total = len(values) + 2 * radius
    total += -total % width
    padded = np.empty(total, dtype=values.dtype)  # the ends repeated (np.pad's "edge")
    padded[:radius], padded[radius : radius + len(values)] = values[0], values
    padded[radius + len(values) :] = values[-1]
    blocks = padded.reshape(-1, width)
    forward = np.minimum.accumulate(blocks, axis=1).ravel()
    backward = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    n = len(values)
    return np.minimum(backward[:n], forward[width - 1 : width - 1 + n])
