"""Clip preparation: each synthesized clip (and an --intro/--outro jingle) becomes float
samples ready for the encoder: the engine's silence trimmed, short fades, then levelled and
limited (dsp.Leveler). The trim and fades are numpy doing exactly what pydub did (its
millisecond slices, audioop's rms and floor), frame for frame: pydub built one segment per
5 ms probed and one bytes object per faded sample, a fifth of the per-clip work; pydub
still fades an --intro/--outro jingle."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FFmpegError, OutputError
from ..ffmpeg.binary import ffmpeg_exe
from ..ffmpeg.run import decode_pcm
from ..models import Clip
from .dsp import Leveler

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from pydub import AudioSegment  # pydub has no type information: mypy sees Any

    from .loudness import Samples

FADE_MS = 8  # fades at every clip edge: no clicks where clips meet silence
SILENCE_THRESHOLD_DB = -45.0  # below the clip's peak: what counts as the engine's silence
KEEP_MS = 15  # keep this much of the engine's silence next to the speech (soft consonants)


@dataclass
class PreparedClip:
    samples: Samples  # at the clip's rate, loudness set, faded
    rate: int
    lead: int = 0  # samples of the engine's leading silence that were cut


@dataclass(frozen=True)
class ClipWords:
    """The spoken words' spans in a prepared clip's samples, and whether they are estimates."""

    spans: tuple[tuple[int, int], ...]
    estimated: bool


def pydub_segment_class() -> type[AudioSegment]:
    """pydub's AudioSegment, imported without its warning about a missing ffmpeg on PATH."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment

    AudioSegment.converter = ffmpeg_exe()
    return AudioSegment


def to_segment(clip: Clip) -> AudioSegment:
    AudioSegment = pydub_segment_class()
    return AudioSegment(data=clip.pcm, sample_width=2, frame_rate=clip.rate, channels=1)


def to_samples(segment: AudioSegment) -> Samples:
    """A 16-bit pydub segment's samples as float32 in [-1, 1) (exact: a power-of-two scale)."""
    import numpy as np

    samples = np.frombuffer(segment.raw_data, dtype="<i2").astype(np.float32)
    samples *= np.float32(1 / 32768)
    return samples


def _ms_frame(ms: float, rate: int) -> int:
    """The frame pydub starts a slice at for a position in milliseconds (its arithmetic)."""
    return int(ms * (rate / 1000.0))


def _length_ms(frames: int, rate: int) -> int:
    """len() of a pydub segment of `frames` frames: its milliseconds, rounded."""
    return round(1000 * (float(frames) / rate))


def _slice(pcm: NDArray[np.int16], rate: int, start_ms: float, end_ms: float) -> NDArray[np.int16]:
    """pydub's segment[start_ms:end_ms] on 16-bit mono samples: the frames of the rounded
    milliseconds, zeros past the end (a fraction of a millisecond), as pydub gives them."""
    import numpy as np

    length = _length_ms(len(pcm), rate)
    start = _ms_frame(min(start_ms, length), rate)
    end = _ms_frame(min(end_ms, length), rate)
    piece = pcm[start:end]
    missing = (end - start) - len(piece)
    if missing > 0 and len(piece):
        piece = np.concatenate((piece, np.zeros(missing, dtype=piece.dtype)))
    return piece


def _rms_db(piece: NDArray[np.int16]) -> float:
    """pydub's dBFS of a 16-bit piece: audioop.rms (an integer), against 32768."""
    import numpy as np

    if not len(piece):
        return -math.inf
    values = piece.astype(np.float64)
    rms = int(math.sqrt(float(np.dot(values, values)) / len(piece)))  # exact: integer squares
    return 20 * math.log(rms / 32768, 10) if rms else -math.inf


def _leading_silence(pcm: NDArray[np.int16], rate: int, threshold: float, chunk_ms: int) -> int:
    """pydub.silence.detect_leading_silence on 16-bit samples, without a segment per chunk."""
    length = _length_ms(len(pcm), rate)
    trim = 0
    while _rms_db(_slice(pcm, rate, trim, trim + chunk_ms)) < threshold and trim < length:
        trim += chunk_ms
    return min(trim, length)


def trim_bounds_of(pcm: NDArray[np.int16], rate: int) -> tuple[int, int]:
    """The milliseconds of 16-bit mono `pcm` to keep: the engine's own leading and trailing
    silence cut, KEEP_MS of it kept next to the speech. Numpy doing what pydub did (its
    millisecond slicing, audioop.rms and max), so the same milliseconds as before."""
    length = _length_ms(len(pcm), rate)
    if length == 0 or not len(pcm):
        return 0, 0
    top = max(int(pcm.max()), -int(pcm.min()))
    if top == 0:
        return 0, 0
    threshold = 20 * math.log(top / 32768, 10) + SILENCE_THRESHOLD_DB
    lead = _leading_silence(pcm, rate, threshold, 5)
    tail = _leading_silence(pcm[::-1], rate, threshold, 5)
    start = max(0, lead - KEEP_MS)
    end = min(length, length - tail + KEEP_MS)
    return (start, end) if end > start else (0, 0)


def trim_bounds(segment: AudioSegment) -> tuple[int, int]:
    """trim_bounds_of a pydub segment (16-bit mono)."""
    import numpy as np

    return trim_bounds_of(np.frombuffer(segment.raw_data, dtype="<i2"), segment.frame_rate)


def trim_silence(segment: AudioSegment) -> AudioSegment:
    """Cut the engine's own leading and trailing silence, keeping KEEP_MS of it."""
    start, end = trim_bounds(segment)
    return segment[start:end]


def _fade(pcm: NDArray[np.int16], rate: int, start_ms: int, ms: int,
          fade_in: bool) -> NDArray[np.float64]:
    """The faded frames pydub's fade_in/fade_out(ms) writes from `start_ms`: one gain step
    per sample from -120 dB to 0 dB (or back), audioop.mul's floor, as floats."""
    import numpy as np

    low = 10 ** (-120 / 20)
    begin, step_to = (low, 1.0) if fade_in else (1.0, low)
    first = start_ms * (rate / 1000.0)
    frames = (start_ms + ms) * (rate / 1000.0) - first
    gains = begin + ((step_to - begin) / frames) * np.arange(int(frames), dtype=np.float64)
    index = (first + np.arange(int(frames), dtype=np.float64)).astype(np.int64)
    values = np.zeros(len(index), dtype=np.float64)
    inside = index < len(pcm)
    values[inside] = pcm[index[inside]] * gains[inside]
    values[values < -32767.0] = -32768.0  # audioop's fbound: the low end, then floor
    return np.floor(np.minimum(values, 32767.0), out=values)[: int(inside.sum())]


def faded(pcm: NDArray[np.int16], rate: int, ms: int) -> NDArray[np.int16]:
    """pydub's segment.fade_in(ms).fade_out(ms) on 16-bit mono samples, frame for frame."""
    import numpy as np

    head = _fade(pcm, rate, 0, ms, True).astype(np.int16)
    pcm = np.concatenate((head, _slice(pcm, rate, ms, math.inf)))
    end = _length_ms(len(pcm), rate)
    body = _slice(pcm, rate, 0, end - ms)
    tail = _fade(pcm, rate, end - ms, ms, False).astype(np.int16)
    return np.concatenate((body, tail))


def prepare_clip(clip: Clip, leveler: Leveler) -> PreparedClip:
    """Trim, fade and level one clip (numpy, the frames pydub gave)."""
    import numpy as np

    whole = np.frombuffer(clip.pcm, dtype="<i2")
    start, end = trim_bounds_of(whole, clip.rate)
    pcm = _slice(whole, clip.rate, start, end)
    if _length_ms(len(pcm), clip.rate) > 4 * FADE_MS:
        pcm = faded(pcm, clip.rate, FADE_MS)
    samples = pcm.astype(np.float32)
    samples *= np.float32(1 / 32768)
    lead = int(start * clip.rate / 1000)  # as pydub counts a slice's first frame
    return PreparedClip(samples=leveler.level(samples, clip.rate), rate=clip.rate, lead=lead)


def clip_words(clip: Clip, prepared: PreparedClip, spoken: str) -> ClipWords:
    """Where the spoken words lie in the prepared clip: the engine's timings moved with the
    trim (a word in the cut silence is kept at the edge), or shares of the clip when the
    engine gave none (or gave them for other words)."""
    from ..alignment import estimate_spans

    length = len(prepared.samples)
    words = clip.words
    if words is None or len(words) != len(spoken.split()):
        return ClipWords(estimate_spans(spoken, length), True)
    spans = tuple((min(max(start - prepared.lead, 0), length),
                   min(max(end - prepared.lead, 0), length)) for start, end in words)
    return ClipWords(spans, False)


def load_jingle(path: Path, rate: int, target_lufs: float, fade_ms: int = 500) -> Samples:
    """An --intro/--outro file: decoded by ffmpeg, faded in and out, a little under the voice."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise OutputError(f"{path}: cannot read the jingle ({exc.strerror})") from exc
    try:
        pcm = decode_pcm(data, rate)
    except FFmpegError as exc:
        raise FFmpegError(f"{path}: not an audio file ffmpeg can read ({exc})") from exc
    segment = to_segment(Clip(pcm=pcm, rate=rate))
    fade = min(fade_ms, len(segment) // 3)
    segment = segment.fade_in(fade).fade_out(fade)
    return Leveler(target_lufs - 4.0).level(to_samples(segment), rate)


# -- clips of several voices (language of parts) -----------------------------------------------
JOIN_FADE_MS = 5  # fades where two voices meet: no click at a join


def resample_clip(clip: Clip, rate: int) -> Clip:
    """`clip` at `rate` Hz, its word spans moved alike (audio/resample.py: a windowed sinc in
    numpy, the same on every install)."""
    if clip.rate == rate:
        return clip
    if not clip.pcm:
        return Clip(b"", rate, clip.words)
    import numpy as np

    from .resample import resample

    out = resample(np.frombuffer(clip.pcm, dtype="<i2"), clip.rate, rate)
    pcm = np.clip(np.round(out), -32768, 32767).astype("<i2").tobytes()
    words = None if clip.words is None else tuple(
        (start * rate // clip.rate, end * rate // clip.rate) for start, end in clip.words)
    return Clip(pcm, rate, words)


def _speech(clip: Clip) -> tuple[NDArray[np.float32], int]:
    """The clip's samples (float32) with the engine's silence trimmed to KEEP_MS, short fades
    at both ends, and the number of samples cut at the start."""
    import numpy as np

    pcm = np.frombuffer(clip.pcm, dtype="<i2")
    start_ms, end_ms = trim_bounds_of(pcm, clip.rate)
    start, end = start_ms * clip.rate // 1000, end_ms * clip.rate // 1000
    samples = pcm[start:end].astype(np.float32)
    fade = min(len(samples) // 4, JOIN_FADE_MS * clip.rate // 1000)
    if fade > 1:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        samples[:fade] *= ramp
        samples[-fade:] *= ramp[::-1]
    return samples, start


def _rms(samples: NDArray[np.float32]) -> float:
    import numpy as np

    return float(np.sqrt(np.mean(np.square(samples)))) if len(samples) else 0.0


def join_clips(parts: list[tuple[Clip, str]], rate: int) -> Clip:
    """One clip from the parts of an utterance said by different voices, (clip, text said):
    each part's own silence trimmed at the joins (KEEP_MS kept, so no pause is added), each
    brought to the loudness (RMS) of the first, all at `rate`, and the word spans joined
    alike (None when a part has none, or not one per word of its text)."""
    import numpy as np

    pieces, offset, target = [], 0, None
    words: list[tuple[int, int]] | None = []
    for clip, text in parts:
        clip = resample_clip(clip, rate)
        samples, cut = _speech(clip)
        level = _rms(samples)
        if target is None:
            target = level
        elif level > 0:
            room = 32000 / max(float(np.max(np.abs(samples))), 1.0)
            samples *= np.float32(min(target / level, room))
        if words is not None and clip.words is not None and len(clip.words) == len(text.split()):
            words += [(offset + min(max(a - cut, 0), len(samples)),
                       offset + min(max(b - cut, 0), len(samples))) for a, b in clip.words]
        else:
            words = None
        pieces.append(samples)
        offset += len(samples)
    joined = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    pcm = np.clip(np.round(joined), -32768, 32767).astype("<i2").tobytes()
    return Clip(pcm, rate, None if words is None else tuple(words))
