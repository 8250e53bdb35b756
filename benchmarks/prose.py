"""Book-length test articles made of real prose that ships with Python: stdlib docstrings.

    python benchmarks/prose.py WORDS OUT.txt [--seed N]

Every sentence is distinct (deduplicated), so the clip cache cannot fold them; paragraphs of
3 to 6 sentences, a heading every ~500 words, a title and a byline like a pasted article.
Sentences are taken from module, class and function docstrings of the standard library, kept
only when they read as prose (a capital letter first, a full stop last, 5 to 40 words, no code).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import io
import pkgutil
import random
import re
import sys
import warnings
from pathlib import Path

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
CODE = re.compile(r"[{}<>=_\\|@`~^#\[\]*]|>>>|\w\(|\.\w|::|--|\$|%")
SKIP = {"antigravity", "this", "idlelib", "tkinter", "turtledemo", "test", "lib2to3", "ensurepip",
        "pydoc_data", "__main__", "turtle", "venv", "pip", "setuptools", "_distutils_hack"}


def _docstrings():
    """(module name, docstring) for stdlib modules, their classes and functions, in a fixed order."""
    names = sorted(m.name for m in pkgutil.iter_modules() if not m.name.startswith("_"))
    stdlib = set(getattr(sys, "stdlib_module_names", names))
    for name in names:
        if name not in stdlib or name in SKIP:
            continue
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                module = importlib.import_module(name)
        except BaseException:  # noqa: BLE001, S112 - some modules refuse to import here
            continue
        yield name, inspect.getdoc(module) or ""
        for _, obj in sorted(vars(module).items()):
            if getattr(obj, "__module__", None) != name:
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield name, inspect.getdoc(obj) or ""
                if inspect.isclass(obj):
                    for _, member in sorted(vars(obj).items()):
                        if inspect.isfunction(member):
                            yield name, inspect.getdoc(member) or ""


def _topics():
    """The language reference as pydoc shows it (pydoc_data, ships with Python)."""
    from pydoc_data.topics import topics

    for name in sorted(topics):
        yield name, topics[name]


def _debian_docs():
    """README, copyright and text files under /usr/share/doc (gzip too)."""
    import gzip

    root = Path("/usr/share/doc")
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        name = path.name.removesuffix(".gz")
        if not path.is_file() or not (name in ("copyright", "NEWS", "AUTHORS")
                                      or name.startswith("README")
                                      or name.endswith((".txt", ".md"))):
            continue
        try:
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            yield path.parent.name, data.decode("utf-8")
        except (OSError, ValueError, EOFError):
            continue


def _sentences(docs, seen: set[str]):
    for module, doc in docs:
        for para in re.split(r"\n\s*\n", doc):
            lines = para.strip().splitlines()
            if not lines or any(line.startswith((" ", "\t")) for line in lines):
                continue  # indented: code, tables, signatures
            text = " ".join(line.strip() for line in lines)
            for sentence in SENTENCE_END.split(text):
                sentence = sentence.strip()
                words = sentence.split()
                if not (5 <= len(words) <= 40) or not sentence[0].isupper():
                    continue
                if not sentence.endswith(".") or CODE.search(sentence):
                    continue
                if sum(c.isalpha() or c in " ,.'-;:()" for c in sentence) < 0.97 * len(sentence):
                    continue
                key = sentence.lower()
                if key in seen:
                    continue
                seen.add(key)
                yield module, sentence


def prose_sentences():
    """(source, sentence) pairs, each sentence once: the three sources taken in turn, a few
    sentences from each, so that a short and a long article read alike."""
    seen: set[str] = set()
    streams = [_sentences(docs, seen) for docs in (_docstrings(), _topics(), _debian_docs())]
    while streams:
        for stream in list(streams):
            for _ in range(5):
                item = next(stream, None)
                if item is None:
                    streams.remove(stream)
                    break
                yield item


def make_article(words: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    out = ["Python Library Notes", "",
           f"The Standard Library in Its Own Words, {words:,} Words", "",
           "By the Python developers 1 min read", ""]
    total = section_words = 0
    section = 0
    paragraph: list[str] = []
    target_len = rng.randint(3, 6)
    current = None
    for module, sentence in prose_sentences():
        if total >= words:
            break
        if current is None or section_words >= 500:
            if paragraph:
                out += [" ".join(paragraph), ""]
                paragraph = []
            section += 1
            section_words = 0
            current = module
            out += [f"Part {section}, from the {module} module", ""]
        paragraph.append(sentence)
        n = len(sentence.split())
        total += n
        section_words += n
        if len(paragraph) >= target_len:
            out += [" ".join(paragraph), ""]
            paragraph = []
            target_len = rng.randint(3, 6)
    if paragraph:
        out += [" ".join(paragraph), ""]
    if total < words:
        raise SystemExit(f"only {total} words of distinct prose found here (asked {words})")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("words", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.out.write_text(make_article(args.words, args.seed), encoding="utf-8")


if __name__ == "__main__":
    main()
