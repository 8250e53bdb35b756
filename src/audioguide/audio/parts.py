"""A long episode encoded in parts on every core.

The utterances are cut into runs of chapters (part_ranges). Each part is prepared (trim,
fades, Leveler), limited at 88.2 kHz and resampled to 44.1 kHz by its own worker process and
ffmpeg (graph.part_arguments), which writes float32 samples (lossless) and measures the part's
true peak. The true peak is the largest of the parts'.

MP3 (the default): each part's samples also go, as they are written, to an ffmpeg of its own
that encodes them (LAME), from the MP3 frame boundary nearest the part's start in the whole
episode to the one nearest its end; the frames are joined into one file behind one Info frame
(ffmpeg/mp3frames.py), and one more ffmpeg, reading every part in order, measures integrated
loudness over the whole (BS.1770's gating is not additive over parts). So the encoder, which
cost as much as the limiter, runs on every core too. M4B: that last ffmpeg encodes (AAC) and
measures the joined parts, one process.

The joins are exact: a part ends in the middle of the pause after a chapter's last sentence
(the first half of that pause ends one part, the second half starts the next), where the
limiter and both resamplers see digital silence, so the joined samples are the ones a single
process gives its encoder, sample for sample. An MP3 part's frames hold the whole's samples
at the whole's frame positions, so cue and chapter times, and the file's length, are the
single encoder's to the sample; its first frame owes nothing to the frames before (a new
encoder has no bit reservoir), and around the cut the frames carry silence on both sides. A
cut in a pause shorter than SEGMENT_MIN_PAUSE_S falls back to one encoder. Each part's Leveler
starts where the single pass would be: the worker levels the previous part's last clips (back
to one long enough to be measured) before its own, and throws that audio away.

The clips reach a worker through a spool file in the staging folder (appended by the build as
the voice makes them, followed by the worker), so memory stays flat whatever the order of
synthesis and encoding; it holds at most the 16-bit clips of the parts not yet encoded.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..atomic import write_problem
from ..errors import OutputError
from ..ffmpeg import mp3frames
from ..ffmpeg.graph import (
    OUTPUT_RATE,
    encode_arguments,
    joined_arguments,
    loudness_arguments,
    part_arguments,
)
from ..models import Clip, Loudness, Utterance
from .clips import ClipWords, clip_words, load_jingle, prepare_clip, resample_clip
from .dsp import Leveler
from .encoder import Encoder
from .memory import release_memory

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# An episode of fewer spoken words is one part (the single-process path): about 20 minutes
# of speech, where starting worker processes and a second ffmpeg costs more than it saves.
PARTS_MIN_WORDS = int(os.environ.get("AUDIOGUIDE_PARTS_MIN_WORDS", "3000"))
PARTS_PER_CPU = 2  # parts of about equal words, so that no core waits on one long part
CONTEXT_SECONDS = 1.0  # a clip this long is measured by the Leveler (0.4 s after trimming)
CONTEXT_MAX = 64  # clips kept for the next part's Leveler, at most
POLL_S = 0.01  # how often a reader looks again at a file that is still growing
READ_BYTES = 1 << 20

# MP3 parts (ffmpeg/mp3frames.py): each part's frames are encoded by its own LAME from a
# multiple of a frame in the whole, the nearest to the part's start. That start moves into
# the silence of the pause a part begins with, so the pause at every cut must be this long
# (else one encoder takes the joined parts, as for M4B).
SEGMENT_MIN_PAUSE_S = 0.2
FRAME = mp3frames.SAMPLES_PER_FRAME
LOOKAHEAD_FRAMES = 2  # of silence after a part's last kept frame, as the next part has

_RECORD = struct.Struct("<Q")
CONTEXT, CLIP, END, ABORT = "context", "clip", "end", "abort"


class Aborted(Exception):
    """The build stopped: a worker drops its part."""


def part_ranges(utterances: Sequence[Utterance], cpus: int,
                min_words: int = PARTS_MIN_WORDS) -> list[range]:
    """Runs of whole chapters of about equal words: one range (the single-process path) for a
    short episode, a single chapter or a single CPU; else up to PARTS_PER_CPU per CPU."""
    whole = [range(len(utterances))]
    words = [len(u.spoken.split()) for u in utterances]
    total = sum(words)
    starts = [i for i in range(1, len(utterances))
              if utterances[i].section != utterances[i - 1].section]
    chapter_starts = set(starts)
    if cpus < 2 or total < min_words or not starts:
        return whole
    count = min(len(starts) + 1, PARTS_PER_CPU * cpus)
    before, running = {}, 0
    for i, n in enumerate(words):
        if i in chapter_starts:
            before[i] = running
        running += n
    cuts: list[int] = []
    for k in range(1, count):
        aim = total * k / count
        best = min(starts, key=lambda i: abs(before[i] - aim))
        if best not in cuts and (not cuts or best > cuts[-1]):
            cuts.append(best)
    bounds = [0, *cuts, len(utterances)]
    return [range(a, b) for a, b in itertools.pairwise(bounds)]


# -- the spool: clips from the build to one worker ------------------------------------------


class SpoolWriter:
    def __init__(self, path: Path):
        self.path = path
        self._file: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed by close()

    def put(self, kind: str, clip: Clip | None = None) -> None:
        data = pickle.dumps((kind, clip), protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(_RECORD.pack(len(data)) + data)
        self._file.flush()

    def close(self, kind: str = END) -> None:
        if not self._file.closed:
            self.put(kind)
            self._file.close()


def _read_exactly(handle: IO[bytes], size: int, stop: Path) -> bytes:
    """`size` bytes of a file another process is still appending to."""
    data = b""
    while len(data) < size:
        more = handle.read(size - len(data))
        if more:
            data += more
        elif stop.exists():
            raise Aborted
        else:
            time.sleep(POLL_S)
    return data


def abort_flag(spool: Path) -> Path:
    """The file whose existence stops every part of the build (PartsEncoder.abort)."""
    return spool.parent / ".parts-abort"


def read_spool(path: Path) -> Iterator[tuple[str, Clip]]:
    """The records of a spool as they are written, to its END (Aborted at an ABORT, or
    once the build has raised its abort flag)."""
    stop = abort_flag(path)
    with open(path, "rb") as handle:
        while True:
            (size,) = _RECORD.unpack(_read_exactly(handle, _RECORD.size, stop))
            kind, clip = pickle.loads(_read_exactly(handle, size, stop))
            if kind == END:
                return
            if kind == ABORT:
                raise Aborted
            yield kind, clip


# -- one part, in a worker process -----------------------------------------------------------


@dataclass
class PartJob:
    spool: Path
    out: Path
    rate: int  # the episode's rate (its first clip's): other clips are resampled to it
    spoken: list[str]
    pauses: list[int]  # samples of silence after each utterance; the last: its first half
    lead_silence: int  # samples of silence first: the second half of the pause before
    target_lufs: float
    true_peak: float
    intro: str | None = None  # jingles: the first part starts, the last ends with them
    outro: str | None = None


@dataclass
class PartResult:
    speech_samples: list[int] = field(default_factory=list)
    words: list[ClipWords] = field(default_factory=list)
    lead: int = 0
    tail: int = 0
    loudness: Loudness | None = None


def _jingle(encoder: Encoder, path: str | None, job: PartJob) -> int:
    if not path:
        return 0
    jingle = load_jingle(Path(path), job.rate, job.target_lufs)
    encoder.write(jingle)
    return len(jingle)


def encode_part(job: PartJob) -> PartResult:
    """Prepare a part's clips and limit, resample and measure them (graph.part_arguments)."""
    leveler, result = Leveler(job.target_lufs), PartResult()
    encoder = Encoder(job.out, job.rate, "f32le", "", job.true_peak,
                      part_arguments(job.out, job.rate, job.true_peak))
    try:
        result.lead = _jingle(encoder, job.intro, job)
        encoder.write_silence(job.lead_silence)
        for kind, clip in read_spool(job.spool):
            if clip.rate != job.rate:
                clip = resample_clip(clip, job.rate)
            prepared = prepare_clip(clip, leveler)
            if kind == CONTEXT:
                continue  # the single pass's Leveler state, nothing to hear
            n = len(result.speech_samples)
            encoder.write(prepared.samples)
            result.speech_samples.append(len(prepared.samples))
            result.words.append(clip_words(clip, prepared, job.spoken[n]))
            encoder.write_silence(job.pauses[n])
            if n % 100 == 99:
                release_memory()
        result.tail = _jingle(encoder, job.outro, job)
        result.loudness = encoder.close()
    except BaseException:
        encoder.abort()
        raise
    return result


# -- the build's side: spools, workers and the joining pass -----------------------------------


@dataclass
class Joined:
    """What the encode of all parts gives the timeline and the manifest."""

    speech_samples: list[int]
    words: list[ClipWords]
    lead: int
    tail: int
    loudness: Loudness


class PartsEncoder:
    """Takes the episode's clips in order (add) and encodes them in parts on the worker
    processes of `pool` (which it shuts down), joined into `path`.

    MP3: each part's frames are encoded by an ffmpeg of its own (a thread here feeds it the
    part's samples as its worker writes them, from the frame boundary nearest the part's
    start), the frames are joined (ffmpeg/mp3frames.py), and one more ffmpeg measures the
    integrated loudness over the whole. M4B, or a cut in too short a pause: one ffmpeg
    encodes and measures the joined parts."""

    def __init__(self, path: Path, ranges: list[range], utterances: Sequence[Utterance],
                 settings: PartSettings, pool: ProcessPoolExecutor):
        self.path, self.ranges, self.utterances, self.settings = path, ranges, utterances, settings
        self.rate = 0
        self._pool = pool
        self._futures: list[Future[PartResult]] = []
        self._started = [threading.Event() for _ in ranges]
        self._spool: SpoolWriter | None = None
        self._recent: list[Clip] = []
        self._error: BaseException | None = None
        self._final: Encoder | None = None
        self._feeder = threading.Thread(target=self._feed, daemon=True, name="audioguide-join")
        self._segmented = settings.format == "mp3" and all(
            settings.pause(utterances[r.start - 1].pause_after, OUTPUT_RATE)
            >= SEGMENT_MIN_PAUSE_S * OUTPUT_RATE for r in ranges[1:])
        self._segments: list[Future[int | None]] = []  # frames each MP3 part keeps
        self._segment_threads = ThreadPoolExecutor(len(ranges), "audioguide-mp3-part")
        self._encoders: set[Encoder] = set()  # the MP3 parts' encoders still open
        self._lock = threading.Lock()
        # readers of each part's float32 file: the joining pass, its MP3 part, the next's
        self._readers = [3 if self._segmented and k + 1 < len(ranges) else
                         2 if self._segmented else 1 for k in range(len(ranges))]

    def _file(self, k: int, suffix: str = "f32") -> Path:
        return self.path.parent / f".part-{k}.{suffix}"

    def _job(self, k: int) -> PartJob:
        part, settings, rate = self.ranges[k], self.settings, self.rate
        pauses = [settings.pause(self.utterances[i].pause_after, rate) for i in part]
        if k + 1 < len(self.ranges):
            pauses[-1] //= 2  # the rest starts the next part
        lead = 0
        if k > 0:
            before = settings.pause(self.utterances[part.start - 1].pause_after, rate)
            lead = before - before // 2
        return PartJob(self._file(k, "spool"), self._file(k), rate,
                       [self.utterances[i].spoken for i in part], pauses, lead,
                       settings.target_lufs, settings.true_peak,
                       settings.intro if k == 0 else None,
                       settings.outro if k + 1 == len(self.ranges) else None)

    def _begin(self, k: int) -> None:
        job = self._job(k)
        self._spool = SpoolWriter(job.spool)
        for clip in self._recent:
            self._spool.put(CONTEXT, clip)
        self._futures.append(self._pool.submit(encode_part, job))
        self._started[k].set()
        if k == 0:
            self._feeder.start()
        if self._segmented:
            self._segments.append(self._segment_threads.submit(self._segment, k))

    def add(self, index: int, clip: Clip) -> None:
        """The clip of utterance `index` (called in order, from 0)."""
        if self._error is not None:
            raise self._error
        if index == 0:
            self.rate = clip.rate
        k = len(self._futures)
        if k < len(self.ranges) and index == self.ranges[k].start:
            self._begin(k)
        assert self._spool is not None
        self._spool.put(CLIP, clip)
        if index + 1 == self.ranges[len(self._futures) - 1].stop:
            self._spool.close()
        long = len(clip.pcm) >= 2 * clip.rate * CONTEXT_SECONDS
        self._recent = [clip] if long else [*self._recent, clip][-CONTEXT_MAX:]

    def _fail(self, exc: BaseException) -> None:
        """The first error stops everything (add and close raise it)."""
        with self._lock:
            if self._error is None:
                self._error = exc

    def _check(self) -> None:
        if self._error is not None:
            raise Aborted

    def _samples(self, k: int, skip: int = 0) -> Iterator[NDArray[np.float32]]:
        """Part k's samples (44.1 kHz) from sample `skip` on, as its worker writes them, to
        the end (then the part's error, if it failed)."""
        import numpy as np

        while not self._started[k].wait(0.1):
            self._check()
        future, out = self._futures[k], self._file(k)
        while not out.exists() and not future.done():
            self._check()
            time.sleep(POLL_S)
        if out.exists():
            with open(out, "rb") as handle:
                handle.seek(4 * skip)  # past the end while it is shorter: read waits
                rest = b""
                while True:
                    done = future.done()
                    data = handle.read(READ_BYTES)
                    if data:
                        data, rest = rest + data, b""
                        whole = len(data) // 4
                        yield np.frombuffer(data, dtype="<f4", count=whole)  # not a copy
                        rest = data[4 * whole :]
                    elif done:
                        break
                    else:
                        self._check()
                        time.sleep(POLL_S)
        future.result()  # the part's error, if it failed

    def _length(self, k: int) -> int:
        """Samples of part k, once its worker is done."""
        while not self._started[k].wait(0.1):
            self._check()
        self._futures[k].result()
        return self._file(k).stat().st_size // 4

    def _release(self, k: int) -> None:
        """One reader is done with part k's file: the last one removes it."""
        with self._lock:
            self._readers[k] -= 1
            last = self._readers[k] == 0
        if last:
            with contextlib.suppress(OSError):
                self._file(k).unlink()

    def _feed(self) -> None:
        """The joining pass: every part's samples in order into one ffmpeg, that measures
        (MP3 parts) or encodes and measures (one encoder)."""
        settings = self.settings
        try:
            arguments = (loudness_arguments() if self._segmented else
                         joined_arguments(self.path, settings.format, settings.bitrate))
            self._final = Encoder(self.path, OUTPUT_RATE, settings.format, settings.bitrate,
                                  settings.true_peak, arguments, true_peak=False)
            for k in range(len(self.ranges)):
                for samples in self._samples(k):
                    self._final.write(samples)
                self._release(k)
        except BaseException as exc:  # handed to the build's thread
            self._fail(exc)

    def _segment(self, k: int) -> int | None:
        """Part k's MP3 frames: encoded from the frame boundary nearest the part's start in
        the whole (taking the silence there from the part before, or leaving its own) to the
        one nearest the next part's, then LOOKAHEAD_FRAMES of silence. The frames to keep:
        up to the next part's boundary (None: all, for the last part)."""
        import numpy as np

        last = k + 1 == len(self.ranges)
        encoder: Encoder | None = None
        try:
            lengths = [self._length(i) for i in range(k)]
            begins = sum(lengths)  # the part's first sample in the whole
            start = _frame_boundary(begins) if k else 0
            out = self._file(k, "mp3")
            encoder = Encoder(out, OUTPUT_RATE, "mp3", self.settings.bitrate,
                              self.settings.true_peak,
                              encode_arguments(out, "mp3", self.settings.bitrate),
                              true_peak=False)
            with self._lock:
                self._encoders.add(encoder)
            if k and start < begins:  # the end of the part before (the pause's silence)
                before = begins - lengths[-1]
                for samples in self._samples(k - 1, start - before):
                    encoder.write(samples)
            if k:
                self._release(k - 1)
            held: NDArray[np.float32] = np.zeros(0, dtype="<f4")
            position = max(0, start - begins)  # in the part
            for samples in self._samples(k, position):
                held = np.concatenate([held, samples])
                if len(held) > FRAME // 2:  # kept back: the end is not known yet
                    encoder.write(held[: -(FRAME // 2)])
                    position += len(held) - FRAME // 2
                    held = held[-(FRAME // 2) :]
            keep: int | None = None
            if last:
                encoder.write(held)
            else:
                end = _frame_boundary(begins + position + len(held)) - begins
                encoder.write(held[: end - position])
                encoder.write_silence(max(0, end - position - len(held)))
                encoder.write_silence(LOOKAHEAD_FRAMES * FRAME)
                keep = (begins + end - start) // FRAME
            self._release(k)
            encoder.close()
            return keep
        except BaseException as exc:
            if encoder is not None:
                encoder.abort()
            self._fail(exc)
            raise
        finally:
            if encoder is not None:
                with self._lock:
                    self._encoders.discard(encoder)

    def close(self) -> Joined:
        """Wait for every part and the joining pass; the episode's figures."""
        self._feeder.join()
        if self._error is not None:
            raise self._error
        assert self._final is not None
        whole = self._final.close()
        results = [future.result() for future in self._futures]
        if self._segmented:
            keeps = [future.result() for future in self._segments]
            self._join([self._file(k, "mp3") for k in range(len(self.ranges))], keeps)
        self._pool.shutdown()
        self._segment_threads.shutdown()
        self._clean()
        return Joined([n for r in results for n in r.speech_samples],
                      [w for r in results for w in r.words], results[0].lead, results[-1].tail,
                      joined_loudness(whole, [r.loudness for r in results]))

    def _join(self, files: list[Path], keeps: list[int | None]) -> None:
        try:
            with open(self.path, "wb") as out:
                mp3frames.join(list(zip(files, keeps, strict=True)), out)
        except OSError as exc:
            raise OutputError(write_problem(self.path, exc)) from exc

    def _clean(self) -> None:
        for k in range(len(self.ranges)):
            for suffix in ("spool", "f32", "mp3"):
                with contextlib.suppress(OSError):
                    self._file(k, suffix).unlink()

    def abort(self) -> None:
        self._fail(Aborted())
        with contextlib.suppress(OSError):
            abort_flag(self.path).touch()
        if self._spool is not None:
            self._spool.close(ABORT)
        if self._feeder.is_alive():
            self._feeder.join()
        if self._final is not None:
            self._final.abort()
        with self._lock:
            encoders = list(self._encoders)
        for encoder in encoders:
            encoder.abort()
        # parts not begun are cancelled first: an MP3 part's thread may wait for one
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._segment_threads.shutdown(cancel_futures=True)
        self._pool.shutdown()
        self._clean()


def _frame_boundary(sample: int) -> int:
    """The multiple of an MP3 frame nearest `sample`."""
    return (sample + FRAME // 2) // FRAME * FRAME


@dataclass
class PartSettings:
    """What a part needs of the build's Settings (picklable, and no more)."""

    format: str
    bitrate: str
    target_lufs: float
    true_peak: float
    tempo: float
    intro: str | None
    outro: str | None

    def pause(self, pause_ms: int, rate: int) -> int:
        from .timeline import pause_samples

        return pause_samples(pause_ms, rate, self.tempo)


def joined_loudness(whole: Loudness, parts: Sequence[Loudness | None]) -> Loudness:
    """Integrated loudness measured over the whole; the true peak, the largest of the parts'
    (None, with the parts' reasons, if one could not be measured)."""
    peaks = [p.true_peak_dbtp if p is not None else None for p in parts]
    reasons = [whole.reason] if whole.reason else []
    if any(peak is None for peak in peaks):
        reasons += [p.reason for p in parts if p is not None and p.reason]
        peak = None
    else:
        peak = max(p for p in peaks if p is not None)
    lufs = whole.integrated_lufs
    measured = whole.measured if lufs is not None or peak is not None else None
    if measured is None and peak is not None:
        measured = next(p.measured for p in parts if p is not None)
    if not reasons and (lufs is None or peak is None):
        reasons.append("ffmpeg measured nothing")
    return Loudness(lufs, peak, measured, "; ".join(reasons) or None)


__all__ = ["Joined", "PartSettings", "PartsEncoder", "encode_part",
           "joined_loudness", "part_ranges"]
