"""A long episode encoded in parts on every core.

The utterances are cut into runs of chapters (part_ranges). Each part is prepared (trim,
fades, Leveler), limited at 88.2 kHz and resampled to 44.1 kHz by its own worker process and
ffmpeg (graph.part_arguments), which writes float32 samples (lossless) and measures the part's
true peak. One last ffmpeg (graph.joined_arguments) takes the parts in order as they grow,
encodes them (MP3 or AAC) and measures integrated loudness over the whole: BS.1770's gating
is not additive over parts. The true peak is the largest of the parts'.

The joins are exact: a part ends in the middle of the pause after a chapter's last sentence
(the first half of that pause ends one part, the second half starts the next), where the
limiter and both resamplers see digital silence, so the joined samples are the ones a single
process gives its encoder, sample for sample, and one encoder makes the frames: no gap, no
click, no encoder delay inside the file. Each part's Leveler starts where the single pass
would be: the worker levels the previous part's last clips (back to one long enough to be
measured) before its own, and throws that audio away.

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
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..ffmpeg.graph import OUTPUT_RATE, joined_arguments, part_arguments
from ..models import Clip, Loudness, Utterance
from .clips import ClipWords, clip_words, load_jingle, prepare_clip, resample_clip
from .dsp import Leveler
from .encoder import Encoder
from .memory import release_memory

# An episode of fewer spoken words is one part (the single-process path): about 20 minutes
# of speech, where starting worker processes and a second ffmpeg costs more than it saves.
PARTS_MIN_WORDS = int(os.environ.get("AUDIOGUIDE_PARTS_MIN_WORDS", "3000"))
PARTS_PER_CPU = 2  # parts of about equal words, so that no core waits on one long part
CONTEXT_SECONDS = 1.0  # a clip this long is measured by the Leveler (0.4 s after trimming)
CONTEXT_MAX = 64  # clips kept for the next part's Leveler, at most
POLL_S = 0.01  # how often a reader looks again at a file that is still growing
READ_BYTES = 1 << 20

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
    processes of `pool` (which it shuts down), joined by one last ffmpeg into `path`."""

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

    def _job(self, k: int) -> PartJob:
        part, settings, rate = self.ranges[k], self.settings, self.rate
        pauses = [settings.pause(self.utterances[i].pause_after, rate) for i in part]
        if k + 1 < len(self.ranges):
            pauses[-1] //= 2  # the rest starts the next part
        lead = 0
        if k > 0:
            before = settings.pause(self.utterances[part.start - 1].pause_after, rate)
            lead = before - before // 2
        folder = self.path.parent
        return PartJob(folder / f".part-{k}.spool", folder / f".part-{k}.f32", rate,
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

    def _follow(self, k: int, encoder: Encoder) -> None:
        """Hand part k's samples to the joining encoder as its worker writes them."""
        future, out = self._futures[k], self.path.parent / f".part-{k}.f32"
        rest = b""
        while not out.exists() and not future.done():
            time.sleep(POLL_S)
        with contextlib.ExitStack() as stack:
            handle = stack.enter_context(open(out, "rb")) if out.exists() else None
            while True:
                done = future.done()
                data = handle.read(READ_BYTES) if handle is not None else b""
                if data:
                    import numpy as np

                    data, rest = rest + data, b""
                    whole = len(data) // 4 * 4
                    encoder.write(np.frombuffer(data[:whole], dtype="<f4"))
                    rest = data[whole:]
                elif done:
                    break
                else:
                    time.sleep(POLL_S)
        future.result()  # the part's error, if it failed
        with contextlib.suppress(OSError):
            out.unlink()

    def _feed(self) -> None:
        settings = self.settings
        try:
            self._final = Encoder(self.path, OUTPUT_RATE, settings.format, settings.bitrate,
                                  settings.true_peak,
                                  joined_arguments(self.path, settings.format, settings.bitrate),
                                  true_peak=False)
            for k in range(len(self.ranges)):
                while not self._started[k].wait(0.1):
                    if self._error is not None:
                        return
                self._follow(k, self._final)
        except BaseException as exc:  # handed to the build's thread
            self._error = exc

    def close(self) -> Joined:
        """Wait for every part and the joining pass; the episode's figures."""
        self._feeder.join()
        if self._error is not None:
            raise self._error
        assert self._final is not None
        whole = self._final.close()
        results = [future.result() for future in self._futures]
        self._pool.shutdown()
        for k in range(len(self.ranges)):
            with contextlib.suppress(OSError):
                (self.path.parent / f".part-{k}.spool").unlink()
        return Joined([n for r in results for n in r.speech_samples],
                      [w for r in results for w in r.words], results[0].lead, results[-1].tail,
                      joined_loudness(whole, [r.loudness for r in results]))

    def abort(self) -> None:
        if self._error is None:
            self._error = Aborted()
        with contextlib.suppress(OSError):
            abort_flag(self.path).touch()
        if self._spool is not None:
            self._spool.close(ABORT)
        if self._feeder.is_alive():
            self._feeder.join()
        if self._final is not None:
            self._final.abort()
        self._pool.shutdown(cancel_futures=True)


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
