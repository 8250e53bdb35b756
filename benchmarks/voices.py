"""Listening figures per voice (issue 24): the sample article built with each installed voice.

    python benchmarks/voices.py                         # ../shared/articles/back-dimples.txt
    python benchmarks/voices.py ARTICLE --espeak en-us --espeak en-gb-scotland --jobs 1

Run by hand with the project's venv (`. .venv/bin/activate`); not a test. For every installed
Piper voice (the bundled en_US-joe-medium, and those `audioguide voices get` fetched) and every
espeak-ng voice given with --espeak (en-us by default), the article is built as `audioguide build
--engine piper|espeak --voice V` builds it, and the episode is listened to as
`audioguide check` does (faster-whisper, one model loaded once). One row per voice:

- rtf: the real-time factor on this machine, seconds of audio per second of synthesis: the
  episode's utterances synthesized by the engine alone, voice loaded first (the build's own
  wait for clips would hide synthesis that runs ahead of the encoder); above 1 is faster
  than real time;
- missed: the share of the spoken words the recognizer did not hear (check's score);
- the licence each voice's credit names (episode.json's voice_credit).

Prints a Markdown table, or JSON lines with --json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT.parent / "shared" / "articles" / "back-dimples.txt"


def voices_to_try(espeak: list[str]) -> list[tuple[str, str]]:
    """(engine, voice) for each installed Piper voice, then each espeak-ng voice asked for."""
    from audioguide.engines.piper_voices import installed_voices

    return ([("piper", voice.key) for voice in installed_voices()]
            + [("espeak", name) for name in espeak])


def build_one(article: Path, engine: str, voice: str, jobs: int | None, out: Path) -> Path:
    """The article built with that voice and no clip cache; its episode folder."""
    from audioguide.pipeline import build_episodes
    from audioguide.settings import Settings

    settings = Settings(output_dir=out, engine=engine, voice=voice, jobs=jobs)
    (result,) = build_episodes([str(article)], settings)
    return Path(result.folder)


def synthesis(article: Path, engine: str, voice: str, jobs: int | None) -> tuple[float, float]:
    """(seconds of audio, seconds of synthesis) of the article's utterances in that voice."""
    import time

    from audioguide.engines import engine_class
    from audioguide.readers import read_source
    from audioguide.settings import Settings
    from audioguide.speech import plan

    settings = Settings(engine=engine, voice=voice, jobs=jobs)
    spoken = [u.spoken for u in plan(read_source(str(article), settings), settings,
                                     "en").utterances]
    with engine_class(engine)(settings, "en-us" if engine == "espeak" else "en") as voice_:
        started = time.perf_counter()
        audio = sum(clip.duration_ms for clip in voice_.synthesize_many(spoken)) / 1000
        return audio, time.perf_counter() - started


def measure(folder: Path, whisper, model: str, synth: tuple[float, float]) -> dict:
    """The figures of one built episode, with its voice's synthesis figures."""
    from audioguide.check import check_episode
    from audioguide.manifest import Manifest

    manifest = Manifest.read(folder)
    audio, seconds = synth
    report = check_episode(folder, model, whisper=whisper)
    credit = manifest.voice_credit
    return {"engine": manifest.engine, "voice": manifest.voice, "audio_s": round(audio, 1),
            "synth_s": round(seconds, 1), "rtf": round(audio / seconds, 2) if seconds else None,
            "missed": round(report.missed, 4), "words": report.words,
            "workers": manifest.stats.workers,
            "licence": credit.licence if credit is not None else None}


def table(rows: list[dict]) -> str:
    lines = ["| voice | audio | synthesis | real-time factor | missed by whisper | licence |",
             "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        rtf = f"{row['rtf']:.1f}x" if row["rtf"] else "-"
        lines.append(f"| {row['engine']} {row['voice']} | {row['audio_s']:.0f} s | "
                     f"{row['synth_s']:.1f} s ({row['workers']} workers) | {rtf} | "
                     f"{row['missed']:.1%} of {row['words']} words | {row['licence'] or '-'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", type=Path, default=ARTICLE)
    parser.add_argument("--espeak", action="append", help="an espeak-ng voice (repeatable; "
                        "default: en-us)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="synthesis workers (default: the engine's own)")
    parser.add_argument("--model", default="tiny", help="faster-whisper model (as check)")
    parser.add_argument("--json", action="store_true", help="JSON lines, not a table")
    args = parser.parse_args(argv)
    if not args.article.is_file():
        print(f"{args.article}: no such article", file=sys.stderr)
        return 1
    from audioguide.check import load_model

    whisper, model, notes = load_model(args.model, "en")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory(prefix="audioguide-voices-") as tmp:
        for n, (engine, voice) in enumerate(voices_to_try(args.espeak or ["en-us"])):
            print(f"building with {engine} {voice}...", file=sys.stderr)
            folder = build_one(args.article, engine, voice, args.jobs, Path(tmp) / str(n))
            synth = synthesis(args.article, engine, voice, args.jobs)
            rows.append(measure(folder, whisper, model, synth))
            if args.json:
                print(json.dumps(rows[-1]), flush=True)
    if not args.json:
        print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
