"""What the listener hears, against Zyte's article-extraction benchmark (issue 22).

    git clone https://github.com/scrapinghub/article-extraction-benchmark /tmp/aeb
    python benchmarks/articles.py --bench /tmp/aeb            # the tuning half (keys 0-7)
    python benchmarks/articles.py --bench /tmp/aeb --worst 15 # and the 15 worst pages
    python benchmarks/articles.py --bench /tmp/aeb --held-out # keys 8-f: only to report, never
                                                              # to tune on

Run by hand with the project's venv (`. .venv/bin/activate`); not a test. The benchmark's
pages are other people's journalism: read them where they are, never commit or quote them.

For each page (html/<key>.html.gz), audioguide reads the page as `audioguide sections PAGE
--text` does (readers.read_text, then the written form), and the text scored is that output
without its first line, the title (the benchmark's articleBody has no headline). trafilatura
alone is `trafilatura.extract(html)` with its defaults, as the issue measured it. Both are
scored by the benchmark's own evaluate.py (4-word shingles, precision and recall averaged over
pages). Prints one row per reader: F1, precision, recall, pages read as empty, pages whose
precision is more than 5 points below trafilatura's, and the seconds per page.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import logging
import sys
import time
from pathlib import Path


def _evaluate_module(bench: Path):
    spec = importlib.util.spec_from_file_location("aeb_evaluate", bench / "evaluate.py")
    if spec is None or spec.loader is None:
        sys.exit(f"{bench}/evaluate.py is missing: give --bench the benchmark's checkout")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pages(bench: Path, held_out: bool) -> dict[str, tuple[str, str]]:
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    wanted = "89abcdef" if held_out else "01234567"
    pages = {}
    for key, item in truth.items():
        if key[0] in wanted:
            raw = gzip.decompress((bench / "html" / f"{key}.html.gz").read_bytes())
            pages[key] = (raw.decode("utf-8", errors="replace"), item.get("url", ""))
    return pages


def audioguide_text(html: str, url: str) -> str:
    """What `audioguide sections PAGE --text` prints, without the title line."""
    from audioguide.errors import SourceError
    from audioguide.written import article_text
    from audioguide.readers import read_text

    try:
        article = read_text(html, "html", source=url)
    except SourceError:
        return ""
    return article_text(article).split("\n", 1)[-1]


def trafilatura_text(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


READERS = {"audioguide": audioguide_text, "trafilatura": trafilatura_text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", type=Path, default=Path("/tmp/aeb"),
                        help="the benchmark's checkout (html/, ground-truth.json, evaluate.py)")
    parser.add_argument("--held-out", action="store_true",
                        help="score keys 8-f instead of 0-7 (to report, never to tune)")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages (F1)")
    parser.add_argument("--only", help="one key (prefix): print both texts' scores")
    args = parser.parse_args()
    for name in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    evaluate = _evaluate_module(args.bench)
    pages = _pages(args.bench, args.held_out)
    if args.only:
        pages = {k: v for k, v in pages.items() if k.startswith(args.only)}
    truth = json.loads((args.bench / "ground-truth.json").read_text(encoding="utf-8"))
    scores: dict[str, dict[str, tuple[float, float, float]]] = {}
    rows = []
    for name, read in READERS.items():
        started = time.perf_counter()
        texts = {key: read(html, url) for key, (html, url) in pages.items()}
        seconds = (time.perf_counter() - started) / max(1, len(pages))
        scores[name] = {key: evaluate.string_shingle_matching(
            true=truth[key].get("articleBody", ""), pred=text) for key, text in texts.items()}
        metrics = evaluate.metrics_from_tp_fp_fns(list(scores[name].values()))
        empty = sum(1 for text in texts.values() if not text.strip())
        rows.append((name, metrics, empty, seconds))
        if args.only:
            for key, text in texts.items():
                print(f"--- {name} {key[:8]}\n{text}\n")
    print(f"{len(pages)} pages (keys {'8-f' if args.held_out else '0-7'})")
    print(f"{'reader':<12} {'F1':>6} {'prec':>6} {'recall':>6} {'empty':>6} "
          f"{'P<traf-5':>8} {'s/page':>7}")
    for name, metrics, empty, seconds in rows:
        below = sum(1 for key, (tp, fp, _fn) in scores[name].items()
                    if _precision(tp, fp) < _precision(*scores["trafilatura"][key][:2]) - 0.05)
        print(f"{name:<12} {metrics['f1']:6.4f} {metrics['precision']:6.4f} "
              f"{metrics['recall']:6.4f} {empty:6d} {below:8d} {seconds:7.3f}")
    if args.worst:
        ours = scores["audioguide"]
        for key in sorted(ours, key=lambda k: _f1(*ours[k]))[:args.worst]:
            tp, fp, fn = ours[key]
            t_tp, t_fp, t_fn = scores["trafilatura"][key]
            print(f"{key[:8]} P {_precision(tp, fp):.2f} R {_recall(tp, fn):.2f} "
                  f"| trafilatura P {_precision(t_tp, t_fp):.2f} R {_recall(t_tp, t_fn):.2f} "
                  f"{truth[key].get('url', '')[:70]}")


def _precision(tp: float, fp: float) -> float:
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fn: float) -> float:
    return tp / (tp + fn) if tp + fn else 0.0


def _f1(tp: float, fp: float, fn: float) -> float:
    p, r = _precision(tp, fp), _recall(tp, fn)
    return 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    main()
