"""How well the English normalizer says dense text (issue 17), against NeMo's if installed.

    .venv/bin/python benchmarks/normalize.py                  # the table
    .venv/bin/python benchmarks/normalize.py --failures       # every case audioguide gets wrong
    .venv/bin/python benchmarks/normalize.py --failures money # those of one category
    .venv/bin/python benchmarks/normalize.py --nemo-failures dates
    .venv/bin/python benchmarks/normalize.py --json           # the figures as JSON
    .venv/bin/python benchmarks/normalize.py --no-nemo        # audioguide only
    .venv/bin/python benchmarks/normalize.py --half B         # only the held-out half
    .venv/bin/python benchmarks/normalize.py --cases other.py # the CASES of another file

Run by hand; not a test, and it exits 0 whatever the score. The cases (benchmarks/
normalize_cases.py, 15 categories, written for this benchmark) are sentences from many kinds of
articles, each with its region and what a careful narrator would say. Each sentence goes through
`audioguide.speech.spoken_form(text, lang=region)`; the "sentences" category goes through
`audioguide.speech.split_sentences(text)` instead and must give exactly the expected sentences.
--half A or B keeps one half of the cases, chosen by a hash of the text: tune rules on half A,
check them on half B (held out).

A case is right when the output, canonicalized, equals one of the expected forms canonicalized
the same way: "AM"/"PM" in capitals become "a m"/"p m" (they are spelled when spoken); lower
case; curly quotes made straight; hyphens become spaces; , . ; : ! ? " ( ) are dropped, and so
are quotes except apostrophes inside words; British -metre/-litre spelled -meter/-liter (they
sound the same); spaces collapsed; "and" dropped right after hundred, thousand, million, billion
and trillion ("one hundred and five" = "one hundred five"); the words "o" and "eye" read
"oh" and "i" (they are said the same: "seven o five", "eye O S").

NeMo (optional, never a dependency of the project). Its own venv, outside the repository:

    python3.11 -m venv /work/.cache/nemo-venv
    /work/.cache/nemo-venv/bin/pip install --upgrade pip
    /work/.cache/nemo-venv/bin/pip install --only-binary=pynini pynini nemo-text-processing

(pynini 2.1.6.post1 has manylinux wheels for CPython 3.10 and 3.11; nemo-text-processing 1.2.0.)
When that venv's python (or $NEMO_PYTHON) exists, every input except the "sentences" ones (NeMo
has no splitter: shown "-") is sent in one subprocess call, as JSON on stdin, to a small script
that runs `Normalizer(input_case="cased", lang="en", cache_dir=...).normalize(text,
punct_post_process=True)` on each. NeMo has no region: the en-GB cases get its one reading.
Its grammars are compiled once into /work/.cache/nemo-grammars (about 25 s the first time);
its outputs are kept in /work/.cache/nemo-normalize.json per NeMo version and input, so a
second run only normalizes inputs it has not seen (--nemo-fresh ignores that file).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from normalize_cases import CASES, CATEGORIES, Case

CACHE = Path(os.environ.get("AUDIOGUIDE_BENCH_CACHE", "/work/.cache"))
NEMO_PYTHON = Path(os.environ.get("NEMO_PYTHON", CACHE / "nemo-venv" / "bin" / "python"))
NEMO_GRAMMARS = CACHE / "nemo-grammars"
NEMO_RESULTS = CACHE / "nemo-normalize.json"
SPLITTING = "sentences"

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"'})
_CLOCK_CAPS = re.compile(r"\b([AP])M\b")
_HYPHENS = re.compile(r"[-‐‑]")
_DROPPED = re.compile(r"[,.;:!?\"()]")
_LOOSE_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")
_BRITISH = re.compile(r"(met|lit)re")
_SCALE_AND = re.compile(r"\b(hundred|thousand|million|billion|trillion) and\b")
_LETTER_SOUNDS = {"o": "oh", "eye": "i"}  # the letter O and "oh", "eye" and the letter I

NEMO_SCRIPT = r"""
import json, logging, sys
logging.disable(logging.CRITICAL)
from nemo_text_processing.text_normalization.normalize import Normalizer
texts = json.load(sys.stdin)
normalizer = Normalizer(input_case="cased", lang="en", cache_dir=sys.argv[1])
said = []
for text in texts:
    try:
        said.append(normalizer.normalize(text, punct_post_process=True))
    except Exception as error:
        said.append("<error: %s: %s>" % (type(error).__name__, error))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(said, out)
"""


def canonical(text: str) -> str:
    """The form two spoken texts are compared in (see the module docstring)."""
    text = _CLOCK_CAPS.sub(lambda m: m.group(1).lower() + " m", text.translate(_QUOTES))
    text = _HYPHENS.sub(" ", text.lower())
    text = _LOOSE_APOSTROPHE.sub(" ", _DROPPED.sub(" ", text))
    words = _BRITISH.sub(r"\1er", text).split()
    return _SCALE_AND.sub(r"\1", " ".join(_LETTER_SOUNDS.get(word, word) for word in words))


def is_right(case: Case, got: str | list[str]) -> bool:
    """True if `got` (a spoken text, or the sentences of a "sentences" case) is acceptable."""
    if case.category == SPLITTING:
        return [canonical(s) for s in got] == [canonical(s) for s in case.expected]
    assert isinstance(got, str)
    return canonical(got) in {canonical(form) for form in case.expected}


def audioguide_outputs(cases: Sequence[Case]) -> list[str | list[str]]:
    """What audioguide says for each case (its sentences for a "sentences" case)."""
    from audioguide.speech import split_sentences, spoken_form

    outputs: list[str | list[str]] = []
    for case in cases:
        try:
            if case.category == SPLITTING:
                outputs.append(split_sentences(case.text))
            else:
                outputs.append(spoken_form(case.text, lang=case.region))
        except Exception as error:  # a crash is a wrong answer, not the end of the benchmark
            outputs.append(f"<error: {type(error).__name__}: {error}>")
    return outputs


def _nemo_version() -> str | None:
    """NeMo's version in its venv, or None when that venv or the package is missing."""
    if not NEMO_PYTHON.exists():
        return None
    command = [str(NEMO_PYTHON), "-c", "import importlib.metadata as m;"
               "print(m.version('nemo_text_processing'))"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def _run_nemo(texts: list[str]) -> list[str]:
    """NeMo's normalization of each text, in one subprocess; raises RuntimeError if it fails."""
    NEMO_GRAMMARS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "said.json"
        command = [str(NEMO_PYTHON), "-c", NEMO_SCRIPT, str(NEMO_GRAMMARS), str(out)]
        done = subprocess.run(command, input=json.dumps(texts), capture_output=True, text=True,
                              check=False)
        if done.returncode != 0 or not out.exists():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"NeMo failed (exit {done.returncode}): {last}")
        said: list[str] = json.loads(out.read_text(encoding="utf-8"))
    return said


def nemo_outputs(cases: Sequence[Case], fresh: bool) -> tuple[list[str | None] | None, str]:
    """NeMo's output for each case (None for "sentences"), or None and why not."""
    version = _nemo_version()
    if version is None:
        return None, f"NeMo not installed ({NEMO_PYTHON} missing or without nemo_text_processing)"
    kept: dict[str, str] = {}
    if NEMO_RESULTS.exists() and not fresh:
        stored = json.loads(NEMO_RESULTS.read_text(encoding="utf-8"))
        kept = stored.get(version, {})
    texts = sorted({c.text for c in cases if c.category != SPLITTING} - set(kept))
    if texts:
        try:
            kept.update(zip(texts, _run_nemo(texts), strict=True))
        except RuntimeError as error:
            return None, str(error)
        _write_json(NEMO_RESULTS, {version: kept})
    note = f"NeMo {version}: {len(texts)} inputs normalized, the others from {NEMO_RESULTS}"
    return [None if c.category == SPLITTING else kept[c.text] for c in cases], note


def _write_json(path: Path, data: object) -> None:
    """Write `data` as JSON to `path` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, path)


def score(cases: Sequence[Case], outputs: Sequence[str | list[str] | None] | None) -> dict:
    """{category: [right, scored]} for one system (scored 0 where it has no answer)."""
    tally = {category: [0, 0] for category in CATEGORIES}
    if outputs is None:
        return tally
    for case, got in zip(cases, outputs, strict=True):
        if got is not None:
            tally[case.category][0] += is_right(case, got)
            tally[case.category][1] += 1
    return tally


def _cell(right: int, scored: int) -> str:
    return f"{right} ({100 * right / scored:.0f}%)" if scored else "-"


def table(counts: dict[str, int], ours: dict, nemo: dict) -> str:
    """The Markdown table: category, cases, audioguide right, NeMo right."""
    lines = ["| category | cases | audioguide right | NeMo right |", "|---|---:|---:|---:|"]
    for category in CATEGORIES:
        lines.append(f"| {category} | {counts[category]} | {_cell(*ours[category])} | "
                     f"{_cell(*nemo[category])} |")
    total = sum(counts.values())
    ours_all = [sum(v[i] for v in ours.values()) for i in (0, 1)]
    nemo_all = [sum(v[i] for v in nemo.values()) for i in (0, 1)]
    lines.append(f"| **all** | {total} | {_cell(*ours_all)} | {_cell(*nemo_all)} |")
    nemo_spoken = [sum(v[i] for k, v in nemo.items() if k != SPLITTING) for i in (0, 1)]
    ours_spoken = [sum(v[i] for k, v in ours.items() if k != SPLITTING) for i in (0, 1)]
    lines.append(f"| all but sentences | {total - counts[SPLITTING]} | {_cell(*ours_spoken)} | "
                 f"{_cell(*nemo_spoken)} |")
    return "\n".join(lines)


def _shown(got: str | list[str]) -> str:
    return " | ".join(got) if isinstance(got, list) else got


def print_failures(name: str, cases: Sequence[Case], outputs: Sequence, only: str) -> None:
    """Print each case `name` gets wrong (of category `only`, or all): input, got, expected."""
    wrong = 0
    for case, got in zip(cases, outputs, strict=True):
        if got is None or only not in ("all", case.category) or is_right(case, got):
            continue
        wrong += 1
        expected = (" | ".join(case.expected),) if case.category == SPLITTING else case.expected
        print(f"[{case.category}] {case.region}  {case.text}")
        print(f"    got:      {_shown(got)}")
        for form in expected[:3]:
            print(f"    expected: {form}")
        if len(expected) > 3:
            print(f"              (and {len(expected) - 3} more forms)")
    print(f"{name}: {wrong} wrong" + ("" if only == "all" else f" in {only}"))


def load_cases(path: str) -> tuple[Case, ...]:
    """The CASES of the Python file at `path` (a held-out set kept outside the repository)."""
    spec = importlib.util.spec_from_file_location("extra_cases", path)
    if spec is None or spec.loader is None or not Path(path).is_file():
        raise SystemExit(f"{path}: not a Python file; give a .py file that defines CASES")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.CASES)


def half(case: Case) -> str:
    """"A" or "B": which half of the cases `case` is in (a hash of its text and region)."""
    return "AB"[zlib.crc32(f"{case.region} {case.text}".encode()) % 2]


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    choices = ("all", *CATEGORIES)
    parser.add_argument("--failures", nargs="?", const="all", choices=choices, metavar="CATEGORY",
                        help="print each case audioguide gets wrong (all, or one category)")
    parser.add_argument("--nemo-failures", nargs="?", const="all", choices=choices,
                        metavar="CATEGORY", help="the same for NeMo")
    parser.add_argument("--half", choices=("A", "B"), help="only one half of the cases: tune on "
                        "A, check on B")
    parser.add_argument("--cases", metavar="FILE.py",
                        help="score the CASES defined in this file instead of normalize_cases.py")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-nemo", action="store_true", help="leave NeMo out")
    parser.add_argument("--nemo-fresh", action="store_true",
                        help=f"normalize every input with NeMo again (ignore {NEMO_RESULTS})")
    return parser.parse_args(argv)


T = TypeVar("T")


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    """Score both systems and print the table (or JSON, or failures). Always returns 0."""
    args = _arguments(argv)
    every = load_cases(args.cases) if args.cases else CASES
    cases = [case for case in every if args.half in (None, half(case))]
    try:
        ours_out, ours_seconds = _timed(lambda: audioguide_outputs(cases))
    except ImportError as error:
        print(f"audioguide not importable ({error}): run this with the project's .venv/bin/python")
        return 0
    nemo_out: list | None = None
    note, nemo_seconds = "NeMo left out (--no-nemo)", 0.0
    if not args.no_nemo:
        (nemo_out, note), nemo_seconds = _timed(lambda: nemo_outputs(cases, args.nemo_fresh))
    counts = {c: sum(case.category == c for case in cases) for c in CATEGORIES}
    ours, nemo = score(cases, ours_out), score(cases, nemo_out)
    if args.failures:
        print_failures("audioguide", cases, ours_out, args.failures)
    if args.nemo_failures and nemo_out is not None:
        print_failures("NeMo", cases, nemo_out, args.nemo_failures)
    if args.json:
        figures = {"cases": counts, "audioguide": ours, "nemo": nemo if nemo_out else None,
                   "seconds": {"audioguide": round(ours_seconds, 2),
                               "nemo": round(nemo_seconds, 2)}, "note": note}
        print(json.dumps(figures, indent=1))
    elif not (args.failures or args.nemo_failures):
        print(table(counts, ours, nemo))
        print(f"\naudioguide: {ours_seconds:.2f} s for {len(cases)} cases. {note} "
              f"({nemo_seconds:.1f} s).")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `| head`: the reader stopped early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
