"""Levelling and limiting on numpy float samples: each clip brought to the target loudness
with its peaks under a ceiling, in fixed-size chunks so memory does not grow with the clip."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .loudness import integrated_loudness, sliding_min

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    from .loudness import Samples

MIN_CLIP_LOUDNESS_S = 0.4  # BS.1770 needs one 400 ms block to measure
LIMIT_CHUNK = 1 << 16  # samples limited at a time: memory stays the same for any clip length
LOOK_S = 0.003  # the limiter looks this far each way around every sample


def clip_loudness(samples: Samples, rate: int) -> float | None:
    """Integrated loudness (LUFS, BS.1770) of a clip, or None when it is too short or silent."""
    if len(samples) < MIN_CLIP_LOUDNESS_S * rate:
        return None
    loudness = integrated_loudness(samples, rate)
    return loudness if math.isfinite(loudness) else None


def _chunks(n: int, margin: int) -> Iterator[tuple[int, int, int, int]]:
    """(start, stop, low, high): LIMIT_CHUNK pieces of range(n), with `margin` more each side."""
    for start in range(0, n, LIMIT_CHUNK):
        stop = min(n, start + LIMIT_CHUNK)
        yield start, stop, max(0, start - margin), min(n, stop + margin)


def peak_room(samples: Samples, rate: int, ceiling: float) -> Samples:
    """For each sample, the largest gain that keeps every sample within LOOK_S of it at or
    under `ceiling` (a minimum filter of ceiling / |sample|)."""
    import numpy as np

    width = 2 * max(1, int(rate * LOOK_S)) + 1
    room = np.empty(len(samples), dtype=np.float32)
    for start, stop, low, high in _chunks(len(samples), width):
        need = np.abs(samples[low:high])
        np.maximum(need, np.float32(1e-9), out=need)
        np.divide(np.float32(ceiling), need, out=need)
        room[start:stop] = sliding_min(need, width)[start - low : stop - low]
    return room


def _moving_average(values: NDArray[np.float32] | NDArray[np.float64],
                    length: int) -> NDArray[np.float64]:
    """Mean over a centred window of odd `length` (the ends repeated), by a running sum.

    The ends are repeated and the values widened to float64 before the running sum (a
    float32 array summed into float64 takes numpy's slow casting loop: 7x longer here)."""
    import numpy as np

    half, n = length // 2, len(values)
    padded = np.empty(n + 2 * half, dtype=np.float64)
    padded[:half], padded[half : half + n], padded[half + n :] = values[0], values, values[-1]
    total = np.empty(len(padded) + 1, dtype=np.float64)
    total[0] = 0.0
    np.cumsum(padded, out=total[1:])
    out = total[length:] - total[:-length]
    out /= length
    return out


def clamp(samples: Samples, ceiling: float) -> Samples:
    """Cut the float32 rounding (a few 1e-8) that can leave a limited sample just over
    `ceiling`; in place."""
    import numpy as np

    limit = np.float32(ceiling)
    if limit > ceiling:
        limit = np.nextafter(limit, np.float32(0))
    return np.clip(samples, -limit, limit, out=samples)


def apply_limited_gain(samples: Samples, room: Samples, gain: float, rate: int,
                       ceiling: float) -> Samples:
    """samples x gain, the gain lowered smoothly wherever `room` (peak_room) is below it.

    The wanted gain min(1, room / gain) is smoothed by a triangle (two running means) reaching
    half as far as peak_room looked: each smoothed value is an average of values no larger than
    what any peak within reach needs, so no sample ends above the ceiling."""
    import numpy as np

    length = max(1, int(rate * LOOK_S / 2)) | 1
    out = np.empty_like(samples)
    for start, stop, low, high in _chunks(len(samples), 2 * length):
        held = np.minimum(room[low:high] / np.float32(gain), np.float32(1.0))
        smooth = _moving_average(_moving_average(held, length), length)
        np.multiply(samples[start:stop], smooth[start - low : stop - low] * gain,
                    out=out[start:stop], casting="same_kind")
    return clamp(out, ceiling)


def peak(samples: Samples) -> float:
    """The largest magnitude in `samples` (0 for none), without a clip-sized abs() copy."""
    return max(float(samples.max()), -float(samples.min())) if len(samples) else 0.0


def limit_peaks(samples: ArrayLike, rate: int, ceiling: float) -> Samples:
    """A look-ahead peak limiter on one clip: no sample above `ceiling` (linear)."""
    import numpy as np

    samples = np.asarray(samples, dtype=np.float32)
    if peak(samples) <= ceiling:
        return samples
    return apply_limited_gain(samples, peak_room(samples, rate, ceiling), 1.0, rate, ceiling)


class Leveler:
    """Brings each clip to the target loudness with its peaks limited.

    Limiting lowers loudness, so the gain is raised by the energy the limiter took and the
    clip limited again (one loudness measurement and one peak analysis per clip).
    A clip too short to measure gets the last gain used."""

    # Whole-episode gating counts blocks that straddle a clip and a pause, which clip-by-clip
    # measurement does not, and the MP3 encoder takes some high-frequency energy: the decoded
    # episode measures about this much below its clips (measured on piper and espeak episodes).
    EPISODE_OFFSET_LU = 1.3

    def __init__(self, target_lufs: float, ceiling_db: float = -3.5) -> None:
        self.target = target_lufs + self.EPISODE_OFFSET_LU
        self.ceiling = 10 ** (ceiling_db / 20)
        self.last_gain_db = 0.0

    def level(self, samples: ArrayLike, rate: int) -> Samples:
        import numpy as np

        samples = np.asarray(samples, dtype=np.float32)
        loudness = clip_loudness(samples, rate)
        if loudness is None:
            gain_db = self.last_gain_db
        else:
            gain_db = max(-30.0, min(30.0, self.target - loudness))
            self.last_gain_db = gain_db
        gain = 10 ** (gain_db / 20)
        if peak(samples) * gain <= self.ceiling:
            return clamp(samples * np.float32(gain), self.ceiling)
        room = peak_room(samples, rate, self.ceiling)
        out = apply_limited_gain(samples, room, gain, rate, self.ceiling)
        if loudness is None:
            return out
        # Limiting lowers loudness by about the energy it removes: correct for that once.
        wanted = float(np.dot(samples, samples)) * gain * gain
        lost_db = 10 * math.log10(wanted / max(float(np.dot(out, out)), 1e-12))
        if lost_db > 0.05:
            del out  # one clip-sized array fewer while limiting again
            gain_db = max(-30.0, min(30.0, gain_db + lost_db))
            self.last_gain_db = gain_db
            out = apply_limited_gain(samples, room, 10 ** (gain_db / 20), rate, self.ceiling)
        return out
