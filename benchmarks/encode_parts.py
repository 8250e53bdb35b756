"""Where the build's "encode" stage goes: per-clip preparation (python) vs the ffmpeg encoder.

    python benchmarks/encode_parts.py ARTICLE [--engine espeak] [--limit N]

Synthesizes the article's sentences once (not timed), then times, one after the other, on one
core each: (1) prepare_clip (trim, fades, loudness, per-clip limiter) on every clip, with its
parts (trim+fades, pyloudnorm measurements, limit_peaks) counted separately; (2) the Encoder
(the one ffmpeg process: resample, alimiter, ebur128 true peak, lame) fed the prepared samples
and the pauses, nothing else. Prints one JSON line of seconds, and the audio duration.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from audioguide import audio
from audioguide.audio import clips as clip_prep
from audioguide.audio import dsp
from audioguide.engines import engine_class
from audioguide.readers import read_source
from audioguide.settings import Settings
from audioguide.speech import plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("article")
    parser.add_argument("--engine", default="espeak")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    settings = Settings(engine=args.engine)
    utterances = plan(read_source(args.article, settings), settings, "en").utterances
    if args.limit:
        utterances = utterances[: args.limit]
    engine = engine_class(args.engine)(settings, "en")
    engine.start()
    t = time.perf_counter()
    clips = list(engine.synthesize_many([u.spoken for u in utterances]))
    synth = time.perf_counter() - t
    engine.close()

    # instrument the parts of prepare_clip
    spent = {"trim_silence": 0.0, "loudness": 0.0, "limit_peaks": 0.0}
    calls = {"loudness": 0, "limit_peaks": 0}

    def timed(name, fn):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.perf_counter() - t0
                calls[name] = calls.get(name, 0) + 1
        return wrapper

    dsp.clip_loudness = timed("loudness", dsp.clip_loudness)
    dsp.limit_peaks = timed("limit_peaks", dsp.limit_peaks)
    clip_prep.trim_silence = timed("trim_silence", clip_prep.trim_silence)

    audio.warm_up()
    leveler = audio.Leveler(settings.target_lufs)
    t = time.perf_counter()
    prepared = [audio.prepare_clip(c, leveler) for c in clips]
    prepare = time.perf_counter() - t

    with tempfile.TemporaryDirectory() as folder:
        rate = prepared[0].rate
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        encoder = audio.Encoder(Path(folder) / "x.mp3", rate, "mp3", settings.bitrate,
                                settings.true_peak)
        for p, u in zip(prepared, utterances):
            encoder.write(p.samples)
            encoder.write_silence(audio.pause_samples(u.pause_after, rate))
        encoder.close()
        encode = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        audio_s = encoder.samples_written / rate
    print(json.dumps({
        "sentences": len(clips), "audio_s": round(audio_s, 1), "synthesize_s": round(synth, 2),
        "prepare_clip_s": round(prepare, 2),
        "prepare_parts_s": {k: round(v, 2) for k, v in spent.items()}, "calls": calls,
        "ffmpeg_wall_s": round(encode, 2),
        "ffmpeg_cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
        "per_audio_hour": {"prepare_clip_s": round(prepare / audio_s * 3600, 1),
                           "ffmpeg_cpu_s": round((after.ru_utime + after.ru_stime - before.ru_utime
                                                  - before.ru_stime) / audio_s * 3600, 1)},
    }))


if __name__ == "__main__":
    main()
