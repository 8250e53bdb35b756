"""Cost per episode on a back catalogue of short articles (issue 26).

    .venv/bin/python benchmarks/catalogue.py                 # N=20, espeak and piper
    .venv/bin/python benchmarks/catalogue.py -n 10 --engine espeak --keep /tmp/cat

Writes N short Markdown articles of its own (150 to 400 words, a title and 3 sections, from
a seeded generator: every sentence different, so the clip cache folds nothing), then per
engine builds them twice from an empty clip cache each time:

- "process each": one `audioguide build ARTICLE` per article (python start-up, imports and
  the voice's load every time), as a driver that starts a process per article does;
- "one process": one `audioguide build A1 ... AN` for all of them (the voice loaded once).

It prints, per engine and arrangement, the mean seconds per episode of each stage the
manifest records (stats.seconds: read, plan, synthesize, encode, export, total), the
episode's audio seconds, and the fixed cost beside the speech: total minus synthesize, and
the process's own share (wall time not inside any build's total: start-up, imports, the
voice's load, the driver), per episode. "synthesize" is the time the encode waited for
clips; the voice runs beside the encode, so encode is the encode's own work.

The figures depend on the machine and on what else runs on it: the load average is printed
before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("read", "plan", "synthesize", "encode", "export", "total")

SUBJECTS = ["the harbour master", "a retired surveyor", "the night baker", "our youngest tester",
            "the river pilot", "a county archivist", "the orchard keeper", "a ferry engineer",
            "the village choir", "an amateur astronomer", "the lighthouse crew", "a bee farmer"]
VERBS = ["noticed", "measured", "repaired", "described", "counted", "painted", "mapped",
         "questioned", "rebuilt", "recorded", "followed", "compared"]
OBJECTS = ["the old tide tables", "every crooked fence post", "a box of letters",
           "the northern footpath", "the broken weather vane", "a season of storms",
           "the cost of winter fuel", "two forgotten wells", "the morning trains",
           "a shelf of seed catalogues", "the shape of the dunes", "the library roof"]
TAILS = ["before the market opened", "with more patience than anyone expected",
         "while the rain kept falling", "for the first time in years",
         "although nobody had asked", "and wrote it all down", "by the light of a lamp",
         "during the long dry summer", "without any help", "as the bells rang noon"]
TITLES = ["Notes from", "A week in", "Letters about", "The quiet work of", "Small news from"]
PLACES = ["Marsh End", "Hollow Bridge", "Eastwick", "Saltford", "Kellan Moor", "Brightwater"]


def sentence(rng: random.Random, n: int) -> str:
    """One sentence, numbered so that no two in the catalogue are the same."""
    return (f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(TAILS)}, and that was note {n}.")


def article(index: int, rng: random.Random) -> str:
    words = rng.randint(150, 400)
    title = f"{rng.choice(TITLES)} {rng.choice(PLACES)}, number {index + 1}"
    lines, count, n = [f"# {title}", ""], 0, 0
    for section in range(3):
        lines += [f"## Part {section + 1}: {rng.choice(PLACES)}", ""]
        while count < words * (section + 1) / 3:
            paragraph = []
            for _ in range(rng.randint(2, 4)):
                n += 1
                text = sentence(rng, index * 1000 + n)
                paragraph.append(text)
                count += len(text.split())
            lines += [" ".join(paragraph), ""]
    return "\n".join(lines)


def write_articles(folder: Path, n: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"note-{i + 1:03d}.md"
        path.write_text(article(i, rng), encoding="utf-8")
        paths.append(path)
    return paths


def run_build(sources: list[Path], out: Path, engine: str, env: dict) -> float:
    cmd = [sys.executable, "-m", "audioguide", "build", "-q", "--engine", engine,
           "-o", str(out), *map(str, sources)]
    t = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"build failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return wall


def manifests(out: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*/episode.json"))]


def arrangement(sources: list[Path], work: Path, engine: str, each: bool, src: Path) -> dict:
    """Build every source from an empty cache, one process each or one for all."""
    name = "each" if each else "one"
    out, cache = work / f"out-{engine}-{name}", work / f"cache-{engine}-{name}"
    for folder in (out, cache):
        shutil.rmtree(folder, ignore_errors=True)
    env = {**os.environ, "AUDIOGUIDE_CACHE_DIR": str(cache)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    if each:
        wall = sum(run_build([s], out, engine, env) for s in sources)
    else:
        wall = run_build(sources, out, engine, env)
    found = manifests(out)
    if len(found) != len(sources):
        sys.exit(f"{engine}: {len(found)} episodes written for {len(sources)} articles")
    return {"engine": engine, "arrangement": "process each" if each else "one process",
            "wall": wall, "episodes": found}


def summary(result: dict) -> dict:
    episodes, n = result["episodes"], len(result["episodes"])
    mean = {s: statistics.fmean(e["stats"]["seconds"].get(s, 0.0) for e in episodes)
            for s in STAGES}
    audio = statistics.fmean(e["duration_ms"] / 1000 for e in episodes)
    process = (result["wall"] - sum(e["stats"]["seconds"]["total"] for e in episodes)) / n
    return {**mean, "audio": audio, "beside": mean["total"] - mean["synthesize"],
            "process": process, "wall": result["wall"] / n, "n": n}


def print_table(rows: list[tuple[str, str, dict]]) -> None:
    head = ("engine", "arrangement", *STAGES, "audio s", "total-synth", "process", "wall/ep")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for engine, name, s in rows:
        cells = [f"{s[k]:.3f}" for k in (*STAGES, "audio", "beside", "process", "wall")]
        print(f"| {engine} | {name} | " + " | ".join(cells) + " |")
    print("\nseconds per episode (mean over the N episodes); total-synth = the build's fixed cost "
          "beside the speech; process = wall time outside every build's total, per episode "
          "(python start-up, imports, the voice's load); wall/ep = the command's wall / N")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=20, help="articles (default 20)")
    parser.add_argument("--engine", action="append", choices=["espeak", "piper"],
                        help="engine (repeatable; default both)")
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    parser.add_argument("--src", type=Path, default=ROOT / "src",
                        help="the code to measure (default: this tree's src/; a copy of it "
                             "at another commit gives the before of a change)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="audioguide-catalogue-"))
    sources = write_articles(work / "articles", args.n, args.seed)
    # the code measured is a copy of src/ taken now: edits made during the run do not mix in
    src = work / "src"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(args.src, src, ignore=shutil.ignore_patterns("__pycache__"))
    print(f"{args.n} articles, load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    rows = []
    for engine in args.engine or ["espeak", "piper"]:
        for each in (True, False):
            result = arrangement(sources, work, engine, each, src)
            rows.append((engine, result["arrangement"], summary(result)))
            print(f"  {engine} {result['arrangement']}: {result['wall']:.1f} s", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at the end ({os.cpu_count()} CPUs)\n")
    print_table(rows)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
