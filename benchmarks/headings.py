"""How well the readers find the section titles of real documents we did not write (issue 4).

    python benchmarks/headings.py                 # every corpus found on this machine
    python benchmarks/headings.py --only txt-code --verbose
    python benchmarks/headings.py --list txt-code=pages.txt --list md=notes.txt
    python benchmarks/headings.py --sample 200    # at most 200 pages per corpus (default: all)
    python benchmarks/headings.py --audit all     # anchor glyphs and hidden text, every page
    python benchmarks/headings.py --lenient       # glyphs in titles found forgiven (old scoring)

Run by hand with the project's venv (`. .venv/bin/activate`); not a test. Needs lxml (a
dependency of the HTML reader). Prints one table row per corpus:

    corpus      pages  headings  missed %  chapters  false %  title ok

What it measures. For each page, the truth is the page's own h1-h6 (HTML) or ATX/"===" headings
(Markdown), normalised (case folded, section numbers dropped) and without the permalink glyph a
docs theme puts in it (`clean_truth`: "¶", "§", icon fonts, a trailing "#" unless after a lone
letter as in "C#"). The reader's answer is every chapter title, SUBHEADING and QUESTION it
produced, plus the article title, with case and spaces normalised only: a title that keeps a
glyph is a miss. "missed" = true headings not in the answer; "false" = chapter titles that are
no true heading; "title ok" = the article title equals the first true heading. Pages with fewer
than 2 headings are skipped.

The audit (--audit debian|html|all; all = every HTML page under /usr/share plus the Rust books
of txt-code and txt-prose) reads each page with read_source and counts its titles (article,
chapters, subheadings), the titles that keep an anchor glyph (`has_glyph`), the words a page has
only inside hidden elements (`hidden_words`) and how many of those are read aloud: in the text
of the blocks left after the roles are applied (`read_aloud_text`), or with --planned in what
the planner says (slow on large pages; the same count on the pages tried). Both must be 0.

The corpora (built from globs over what is installed here; a missing folder is an empty corpus):

- txt-code: documentation pages that are not prose chapters: the Rust toolchain's cargo, clippy,
  rustc, rustdoc, unstable-book, embedded-book, reference, style-guide and rust-by-example pages,
  and /usr/share/doc/**/*.html (Node.js API, libxslt, expat, espeak-ng, valgrind, libffi...).
  Each page's HTML is turned into the text a browser's "copy" gives (headings and paragraphs on
  their own lines separated by blank lines, <pre> lines verbatim, list items as "• ...", table rows
  tab-separated, nav/aside/header/footer dropped), then read with read_text(..., "txt").
  Rows txt-code/A and txt-code/B split it in two halves by a hash of the path: tune rules on
  one half, check them on the other (held out).
- txt-prose: the Rust book's chapters (book/ch*.html), the nomicon and the edition guide, made
  into plain text the same way.
- html: the txt-code pages read as HTML by read_source (the HTML reader).
- md: Markdown files under /usr/share/doc, /usr/lib/node_modules, /usr/lib/jvm and ~/.pyenv,
  read by read_source (the Markdown reader).

A corpus of more than --sample pages is sampled with a fixed seed (the same pages every run on
the same machine). --list NAME=FILE replaces a corpus by the paths listed in FILE (one a line).
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import re
import sys
import time
import zlib

from lxml import html as lxml_html

from audioguide.errors import SourceError
from audioguide.models import QUESTION, SUBHEADING
from audioguide.readers import read_source, read_text

RUST_DOCS = sorted(glob.glob("/root/.rustup/toolchains/*/share/doc/rust/html"))
CODE_BOOKS = ("cargo", "clippy", "rustc", "rustdoc", "unstable-book", "embedded-book",
              "reference", "style-guide", "rust-by-example")
BLOCK_DROP = ("//nav|//aside|//footer|//header|//*[contains(@class,'sidebar')]|//script|//style"
              "|//*[contains(@class,'nav-wrapper')]|//*[@id='menu-bar']")
TRUTH_DROP = ("//nav|//aside|//footer|//header|//*[contains(@class,'sidebar')]"
              "|//*[contains(@class,'navigation')]|//*[contains(@class,'nav-wrapper')]"
              "|//script|//style")
DEBIAN_HTML = ("/usr/share/**/*.html", "/usr/share/**/*.htm", "/usr/share/**/*.xhtml")
# Anchor glyphs: pilcrow, section sign, link and anchor emoji, icon fonts (private use areas).
ANCHOR_CHARS = re.compile("[¶§🔗⚓\ue000-\uf8ff\U000f0000-\U0010ffff]")
# A title still carrying one: a glyph, or a "#" glued to a word of two letters or more or to ")"
# ("Notes#", "open()#"; not "C#", "F#").
GLYPH_TITLE = re.compile(ANCHOR_CHARS.pattern + r"|(?:\w\w|\))#(?:\s|$)|^#\s")
HIDDEN = ("//*[@hidden] | //*[@aria-hidden='true'] | //template | //*[contains(translate(@style,"
          "' ',''),'display:none')] | //*[contains(translate(@style,' ',''),'visibility:hidden')]")
MD_ROOTS = ("/usr/share/doc", "/usr/lib/node_modules", "/usr/lib/jvm",
            os.path.expanduser("~/.pyenv"))
NOTES_HEADINGS = (".//*[@data-footnotes or @role='doc-endnotes' or @role='doc-footnotes']"
                  "//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")
NOT_PAGES = ("print.html", "404.html", "toc.html")


# ---------------------------------------------------------------- corpora

def _rust_root() -> str | None:
    """One toolchain's docs (stable if there), so a page is not counted twice."""
    stable = [r for r in RUST_DOCS if "/stable-" in r]
    return (stable or RUST_DOCS or [None])[0]


def code_pages() -> list[str]:
    root = _rust_root()
    pages = []
    if root:
        for book in CODE_BOOKS:
            pages += glob.glob(f"{root}/{book}/**/*.html", recursive=True)
    pages += glob.glob("/usr/share/doc/**/*.html", recursive=True)
    return sorted(p for p in pages if os.path.basename(p) not in NOT_PAGES)


def prose_pages() -> list[str]:
    root = _rust_root()
    if not root:
        return []
    pages = glob.glob(f"{root}/book/ch*.html")
    for book in ("nomicon", "edition-guide"):
        pages += glob.glob(f"{root}/{book}/**/*.html", recursive=True)
    return sorted(p for p in pages if os.path.basename(p) not in NOT_PAGES)


def md_pages() -> list[str]:
    pages = []
    for root in MD_ROOTS:
        pages += glob.glob(f"{root}/**/*.md", recursive=True)
    return sorted(p for p in pages if "/site-packages/" not in p and "/test" not in p.lower())


def half(path: str) -> str:
    return "A" if zlib.crc32(path.encode()) % 2 == 0 else "B"


def sample(pages: list[str], size: int) -> list[str]:
    if size and len(pages) > size:
        return sorted(random.Random(4).sample(pages, size))
    return pages


# ---------------------------------------------------------------- truth and conversions

def norm_html(text: str) -> str:
    """A title as found, for comparing: spaces, section numbers and case only. Anchor glyphs
    are NOT dropped here (that hid them, issue 18): a title that keeps one is a miss."""
    text = re.sub(r"[\s\u00a0]+", " ", text).strip()
    text = re.sub(r"^\d+(\.\d+)*\.?\s+", "", text)
    return text.casefold()


def clean_truth(text: str) -> str:
    """A true heading as a sighted reader reads it: without the permalink glyph that docs
    themes put in it ("Sorting HOW TO¶", "Notes#", Node.js's "Event: 'close'#", "HTTP/2#";
    "Learning C#" keeps its sign: a "#" after a lone letter is part of the name)."""
    text = re.sub(r"[\s\u00a0]+", " ", ANCHOR_CHARS.sub("", text)).strip()
    if re.search(r"\S#$", text) and not re.search(r"(^|\s)[^\W\d_]#$", text):
        text = text[:-1].strip()
    return text


def has_glyph(title: str) -> bool:
    """A title that still carries an anchor glyph: one of ANCHOR_CHARS, a "#" glued to a word
    inside it ("Notes# more"), or a trailing "#" that clean_truth would drop ("'close'#")."""
    squashed = re.sub(r"[\s\u00a0]+", " ", title).strip()
    return bool(GLYPH_TITLE.search(title)) or clean_truth(title) != squashed


def norm_truth(text: str) -> str:
    return norm_html(clean_truth(text))


def norm_md(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images -> their text
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[`*_]", "", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return re.sub(r"\s+", " ", text).strip().strip("#").strip().casefold()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def html_truth(path: str) -> list[str]:
    """The page's headings, less those that label a footnotes list (GitHub's visually hidden
    "Footnotes" over `<section data-footnotes>`): the HTML reader reads the notes at the end of
    the section that refers to them ("Notes for this section: ..."), not as a section."""
    tree = lxml_html.parse(path).getroot()
    for bad in tree.xpath(TRUTH_DROP):
        if bad.getparent() is not None:
            bad.drop_tree()
    root = (tree.xpath("//main") or tree.xpath("//article") or tree.xpath("//*[@role='main']")
            or tree.xpath("//body"))[0]
    notes = set(root.xpath(NOTES_HEADINGS))
    heads = [norm_truth(h.text_content()) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")
             if h not in notes]
    return [h for h in heads if h]


def html_as_copied_text(path: str) -> tuple[str, list[str]]:
    """The page as a browser's select-all + copy gives it, and its headings."""
    tree = lxml_html.parse(path).getroot()
    for bad in tree.xpath(BLOCK_DROP):
        if bad.getparent() is not None:
            bad.drop_tree()
    root = (tree.xpath("//main") or tree.xpath("//article") or tree.xpath("//body"))[0]
    out: list[str] = []
    heads: list[str] = []

    def walk(element, depth: int) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            tag = child.tag
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                text = _squash(child.text_content())
                if text:
                    out.extend((text, ""))
                    heads.append(text)
            elif tag == "pre":
                out.extend(child.text_content().rstrip("\n").split("\n"))
                out.append("")
            elif tag == "li":
                own = _squash("".join([child.text or ""] + [
                    (x.text_content() if x.tag not in ("ul", "ol") else "") + (x.tail or "")
                    for x in child if isinstance(x.tag, str)]))
                if own:
                    out.append("  " * (depth + 1) + "• " + own)
                for x in child:
                    if isinstance(x.tag, str) and x.tag in ("ul", "ol"):
                        walk(x, depth + 1)
                if depth == 0 and child.getnext() is None:
                    out.append("")
            elif tag in ("ul", "ol"):
                walk(child, depth)
                out.append("")
            elif tag == "tr":
                out.append("\t".join(_squash(x.text_content()) for x in child))
            elif tag in ("p", "dt", "dd", "blockquote", "figcaption"):
                text = _squash(child.text_content())
                if text:
                    out.extend((text, ""))
            else:
                walk(child, depth)

    walk(root, 0)
    return "\n".join(out), [norm_truth(h) for h in heads if norm_truth(h)]


def md_truth(text: str) -> list[str]:
    heads: list[str] = []
    fence = None
    previous = ""
    lines = text.split("\n")
    in_front = lines[0].strip() == "---"
    for index, line in enumerate(lines):
        if in_front:
            if index > 0 and line.strip() == "---":
                in_front = False
            continue
        marker = re.match(r"^ {0,3}(```+|~~~+)", line)
        if marker:
            if fence is None:
                fence = marker.group(1)[0]
            elif marker.group(1)[0] == fence:
                fence = None
            previous = ""
            continue
        if fence:
            continue
        atx = re.match(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if atx and atx.group(2):
            heads.append(norm_md(atx.group(2)))
        elif re.match(r"^ {0,3}=+\s*$", line) and previous.strip() and not previous.startswith(
                (" " * 4, "-", "*")):
            heads.append(norm_md(previous))
        previous = line
    return [h for h in heads if h]


# ---------------------------------------------------------------- scoring

class Score:
    def __init__(self, name: str) -> None:
        self.name = name
        self.pages = self.headings = self.missed = self.chapters = self.false = self.title_ok = 0
        self.seconds = 0.0

    def add(self, path: str, truth: list[str], article, norm, verbose: bool) -> None:
        got = {norm(s.title) for s in article.sections if s.title}
        got |= {norm(b.text) for s in article.sections for b in s.blocks
                if b.kind in (SUBHEADING, QUESTION)}
        got.add(norm(article.title))
        chapters = [norm(s.title) for s in article.sections if s.title]
        missed = [h for h in truth if h not in got]
        false = [c for c in chapters if c not in set(truth)]
        title_ok = norm(article.title) == truth[0]
        self.pages += 1
        self.headings += len(truth)
        self.missed += len(missed)
        self.chapters += len(chapters)
        self.false += len(false)
        self.title_ok += title_ok
        if verbose and (missed or false or not title_ok):
            print(f"  {path[-60:]}: missed {missed[:5]} false {false[:5]}"
                  f" title {article.title[:40]!r}{'' if title_ok else ' (wrong)'}")

    def row(self) -> str:
        missed = 100 * self.missed / max(1, self.headings)
        false = 100 * self.false / max(1, self.chapters)
        return (f"| {self.name:<11} | {self.pages:>5} | {self.headings:>8} "
                f"| {missed:>5.2f} ({self.missed:>5}) | {self.chapters:>8} "
                f"| {false:>5.2f} ({self.false:>5}) | {self.title_ok:>4}/{self.pages:<4} "
                f"| {self.seconds:>5.1f} |")


HEADER = ("| corpus      | pages | headings | missed% (n)   | chapters | false% (n)    "
          "| title ok  |  secs |\n"
          "|-------------|-------|----------|---------------|----------|---------------"
          "|-----------|-------|")


def run_txt(score: Score, pages: list[str], verbose: bool, halves: dict | None = None,
            norm=norm_html) -> None:
    """Read each page as copied text; `halves` ("A"/"B" -> Score) also scores each half."""
    for path in pages:
        try:
            text, truth = html_as_copied_text(path)
        except Exception:  # noqa: BLE001, S112 - a page lxml cannot parse proves nothing
            continue
        if len(truth) < 2:
            continue
        started = time.perf_counter()
        try:
            article = read_text(text, "txt", "x.txt")
        except SourceError:
            continue
        score.seconds += time.perf_counter() - started
        score.add(path, truth, article, norm, verbose)
        if halves:
            halves[half(path)].add(path, truth, article, norm, False)


def run_source(score: Score, pages: list[str], truth_of, norm, verbose: bool) -> None:
    for path in pages:
        try:
            truth = truth_of(path)
        except Exception:  # noqa: BLE001, S112 - an unreadable page proves nothing
            continue
        if len(truth) < 2:
            continue
        started = time.perf_counter()
        try:
            article = read_source(path)
        except SourceError:
            continue
        score.seconds += time.perf_counter() - started
        score.add(path, truth, article, norm, verbose)


# ---------------------------------------------------------------- anchor glyphs and hidden text

def debian_pages() -> list[str]:
    """Every HTML page Debian's packages installed under /usr/share (python3.11-doc's Sphinx
    pages, Node.js, libxslt, valgrind's DocBook, gtk-doc...)."""
    pages: set[str] = set()
    for pattern in DEBIAN_HTML:
        pages.update(glob.glob(pattern, recursive=True))
    return sorted(p for p in pages if os.path.isfile(p))


def _words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W\d_]{3,}", text)}


def hidden_words(path: str) -> tuple[set[str], int]:
    """Words (3 letters or more, case folded) a page has only inside hidden elements (hidden,
    aria-hidden="true", display:none, visibility:hidden, <template>): nowhere in its visible
    text nor in the attributes a reader may read (alt, title, aria-label); and how many hidden
    elements it has."""
    tree = lxml_html.parse(path).getroot()
    for bad in tree.xpath("//script|//style|//noscript"):
        if bad.getparent() is not None:
            bad.drop_tree()
    hidden_nodes = tree.xpath(HIDDEN)
    hidden = " ".join(node.text_content() for node in hidden_nodes)
    for node in hidden_nodes:
        if node.getparent() is not None:
            node.drop_tree()
    said = " ".join(v for e in tree.iter() if isinstance(e.tag, str)
                    for k, v in e.attrib.items() if k in ("alt", "title", "aria-label"))
    return _words(hidden) - _words(tree.text_content()) - _words(said), len(hidden_nodes)


def read_aloud_text(article) -> str:
    """What is read aloud, as the readers give it: the title, the section titles and every
    block left after the roles are applied (its `spoken` form too). The planner's words are
    derived from these (plus fixed phrases: "Figure:", "Notes for this section"), so a hidden
    word absent here is never spoken; the skipped parts (Section.skipped) are not included."""
    parts = [article.title]
    for section in article.sections:
        parts.append(section.title)
        parts.extend(f"{b.text} {b.spoken or ''}" for b in section.blocks)
    return " ".join(parts)


def planned_text(article) -> str:
    """What the planner says and shows, intro left out (slow on large pages: --planned)."""
    from audioguide.models import CueKind
    from audioguide.settings import Settings
    from audioguide.speech import plan

    utterances = plan(article, Settings(), "en").utterances
    return " ".join(f"{u.shown} {u.spoken}" for u in utterances if u.kind != CueKind.INTRO)


def all_html_pages() -> list[str]:
    """Every HTML page the audit knows: Debian's (/usr/share) and the Rust books'."""
    pages = set(debian_pages()) | set(code_pages()) | set(prose_pages())
    return sorted(p for p in pages if os.path.isfile(p))


class Audit:
    """Titles with anchor glyphs and spoken words that only hidden elements hold, per corpus."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pages = self.read = self.titles = self.glyphs = self.hidden = self.spoken = 0
        self.hiding = 0  # pages with at least one hidden element
        self.seconds = 0.0

    def add(self, path: str, verbose: bool, planned: bool = False) -> None:
        self.pages += 1
        started = time.perf_counter()
        try:
            article = read_source(path)
            said = _words(planned_text(article) if planned else read_aloud_text(article))
        except SourceError as error:
            if verbose:
                print(f"  not read: {error}")
            return
        self.seconds += time.perf_counter() - started
        self.read += 1
        titles = [article.title] + [s.title for s in article.sections if s.title] + [
            b.text for s in article.sections for b in s.blocks if b.kind in (SUBHEADING, QUESTION)]
        glyphs = [t for t in titles if has_glyph(t)]
        try:
            hidden, elements = hidden_words(path)
        except Exception:  # noqa: BLE001 - a page lxml cannot parse has no hidden words to count
            hidden, elements = set(), 0
        self.hiding += bool(elements)
        leaked = hidden & said
        self.titles += len(titles)
        self.glyphs += len(glyphs)
        self.hidden += len(hidden)
        self.spoken += len(leaked)
        if verbose and (glyphs or leaked):
            print(f"  {path[-60:]}: titles {glyphs[:3]} hidden words spoken {sorted(leaked)[:8]}")

    def row(self) -> str:
        return (f"| {self.name:<11} | {self.pages:>5} | {self.read:>5} | {self.titles:>6} "
                f"| {self.glyphs:>11} | {self.hiding:>11} | {self.hidden:>12} | {self.spoken:>13} "
                f"| {self.seconds:>5.1f} |")


AUDIT_HEADER = ("| corpus      | pages |  read | titles | with glyphs | with hidden "
                "| hidden words | hidden spoken |  secs |\n"
                "|-------------|-------|-------|--------|-------------|-------------"
                "|--------------|---------------|-------|")


def run_audit(name: str, pages: list[str], verbose: bool, planned: bool = False) -> None:
    audit = Audit(name)
    for path in pages:
        audit.add(path, verbose, planned)
    print(audit.row(), flush=True)


def _listed(listing: str) -> list[str]:
    """The paths listed in a file, one a line."""
    with open(listing, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip()]


def _md_file_truth(path: str) -> list[str]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return md_truth(handle.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", default=[],
                        help="corpus to run (txt-code, txt-prose, html, md); repeatable")
    parser.add_argument("--list", action="append", default=[], metavar="NAME=FILE",
                        help="use the paths in FILE (one a line) as corpus NAME")
    parser.add_argument("--sample", type=int, default=0,
                        help="at most this many pages per corpus (0 = all)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="print each page with a missed or false heading or a wrong title")
    parser.add_argument("--audit", action="append", default=[],
                        help="anchor-glyph and hidden-text audit of a corpus (debian, html, "
                             "all = both and txt-prose's pages, or a file listing pages); "
                             "repeatable; without --only, only the audit runs")
    parser.add_argument("--lenient", action="store_true",
                        help="drop anchor glyphs from the titles found too (the scoring before "
                             "issue 18: compares heading finding with readers that kept them)")
    parser.add_argument("--planned", action="store_true",
                        help="audit: take the spoken words from the planner (slow) instead "
                             "of the blocks read aloud")
    args = parser.parse_args()
    if args.audit:
        print(AUDIT_HEADER)
        audits = {"debian": debian_pages, "html": code_pages, "all": all_html_pages}
        for name in args.audit:
            pages = audits[name]() if name in audits else _listed(name)
            run_audit(os.path.basename(name), sample(pages, args.sample), args.verbose,
                      args.planned)
        if not args.only:
            return
        print()
    corpora = {"txt-code": code_pages, "txt-prose": prose_pages, "html": code_pages,
               "md": md_pages}
    chosen = {name: (lambda f=f: sample(f(), args.sample)) for name, f in corpora.items()}
    for spec in args.list:
        name, _, listing = spec.partition("=")
        paths = _listed(listing)
        chosen[name] = lambda paths=paths: paths
    names = args.only or list(corpora)
    found = norm_truth if args.lenient else norm_html
    print(HEADER)
    for name in names:
        pages = chosen[name]()
        if name == "txt-code":
            score = Score(name)
            halves = {"A": Score("txt-code/A"), "B": Score("txt-code/B")}
            run_txt(score, pages, args.verbose, halves, found)
            for row in (score, halves["A"], halves["B"]):
                print(row.row(), flush=True)
        elif name == "txt-prose":
            score = Score(name)
            run_txt(score, pages, args.verbose, norm=found)
            print(score.row(), flush=True)
        elif name == "html":
            score = Score(name)
            run_source(score, pages, html_truth, found, args.verbose)
            print(score.row(), flush=True)
        elif name == "md":
            score = Score(name)
            run_source(score, pages, _md_file_truth, norm_md, args.verbose)
            print(score.row(), flush=True)
        else:
            sys.exit(f"unknown corpus {name!r}")


if __name__ == "__main__":
    main()
