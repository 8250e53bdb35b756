"""Audio: from synthesized clips to one encoded episode, and the timeline that goes with it.

- timeline: cues and chapters from clip lengths and pauses (pure arithmetic)
- loudness: the BS.1770 meter (integrated loudness, K-weighting) and a sliding minimum
- dsp: levelling and look-ahead limiting on numpy samples (Leveler, limit_peaks)
- clips: clip preparation (silence trimmed, fades, levelled) and --intro/--outro jingles
- encoder: the ffmpeg process that limits true peaks, resamples, measures and encodes
- memory: glibc allocator tuning and trimming, and warming up the heavy imports
"""

from __future__ import annotations

from .clips import load_jingle, prepare_clip
from .dsp import Leveler
from .encoder import Encoder
from .memory import release_memory, tune_allocator, warm_up
from .timeline import build_timeline, pause_samples

__all__ = [
    "Encoder",
    "Leveler",
    "build_timeline",
    "load_jingle",
    "pause_samples",
    "prepare_clip",
    "release_memory",
    "tune_allocator",
    "warm_up",
]
