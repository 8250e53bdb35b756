"""Band-limited resampling in numpy: a voice's clip brought to the episode's rate.

Each output sample is the sum of the input samples within ZEROS zero crossings of a
Kaiser-windowed sinc, its cutoff a little under the lower rate's Nyquist frequency, so a
tone keeps its level and nothing folds back (aliasing) or mirrors up (imaging) above -80 dB
or so. The kernel's fractional positions repeat every `target / gcd` outputs: they are
computed once (a polyphase bank) and the sums are taken block by block.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

ZEROS = 32  # zero crossings of the sinc on each side of an output sample
BETA = 8.6  # Kaiser window: about 86 dB stopband
CUTOFF = 0.9  # of the lower Nyquist frequency: the stopband starts just under it
BLOCK = 8192  # output samples per step (bounds the memory of the gathered windows)


def resample(samples: NDArray[np.floating], source: int, target: int) -> NDArray[np.float64]:
    """`samples` (a 1-D numpy array at `source` Hz) at `target` Hz, as float64:
    len(samples) * target // source of them."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    step = math.gcd(source, target)
    up, down = target // step, source // step
    scale = CUTOFF * min(1.0, target / source)  # the cutoff, in cycles per input sample * 2
    half = math.ceil(ZEROS / scale)  # input samples each side of an output sample
    offsets = np.arange(-half + 1, half + 1)
    distance = (np.arange(up) * down % up / up)[:, None] - offsets  # the output's place - input's
    window = np.i0(BETA * np.sqrt(np.clip(1 - (distance / half) ** 2, 0, None))) / np.i0(BETA)
    bank = scale * np.sinc(scale * distance) * window  # bank[phase]: the weights of one output
    count = len(samples) * target // source
    spot = np.arange(count, dtype=np.int64) * down
    base, phase = spot // up, np.arange(count) % up
    padded = np.pad(np.asarray(samples, dtype=np.float64), (half, half + 1))
    windows = sliding_window_view(padded, 2 * half)  # windows[i]: input samples i-half .. i+half-1
    out = np.empty(count)
    for start in range(0, count, BLOCK):
        part = slice(start, start + BLOCK)
        out[part] = np.einsum("ij,ij->i", windows[base[part] + 1], bank[phase[part]])
    return out
