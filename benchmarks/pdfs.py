"""How the PDF reader reads the manuals Debian installs: a table, one row per PDF.

    .venv/bin/python benchmarks/pdfs.py [--reader audioguide.readers.pdf] [PDF...]

Without PDF arguments it reads every PDF under /usr/share/doc (compressed ones are unpacked to
a temporary folder); `apt-get install libtasn1-doc shared-mime-info` adds the two the issue
names. The PDFs are read where they are and never copied into the repository.

Columns:
  title      the title the reader gives
  chapters   chapters read / top-level bookmarks
  leaders    dot leaders in the text read (". . . . 12")
  headers    running-header lines read / such lines on the pages (a page's first or last
             line, with letters and a number, of which 3 pages or more have a version with
             other numbers: "Chapter 2: ASN.1 structure handling 3")
  words      words read / words in PDFium's text of the pages (contents, index, front matter
             and headers are among the latter)
  glued      tokens of 18+ letters in the text read / in PDFium's own text of the pages
  s/100p     seconds to read, per 100 pages
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from audioguide.readers.book import book_article  # noqa: E402
from audioguide.readers.pdf_furniture import LEADER  # noqa: E402
from audioguide.readers.roles import apply_roles  # noqa: E402

GLUED = re.compile(r"[^\W\d_]{18,}")
WORD = re.compile(r"[^\W_]+")
NUMBERS = re.compile(r"\d+|\b[ivxlcdm]{1,7}\b", re.IGNORECASE)


def installed_pdfs(folder: Path) -> list[Path]:
    """Every PDF under /usr/share/doc; .pdf.gz ones unpacked into `folder`."""
    found = sorted(Path("/usr/share/doc").rglob("*.pdf"))
    for packed in sorted(Path("/usr/share/doc").rglob("*.pdf.gz")):
        target = folder / packed.name[:-3]
        target.write_bytes(gzip.decompress(packed.read_bytes()))
        found.append(target)
    return found


def pdfium_pages(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return [document[n].get_textpage().get_text_range() for n in range(len(document))]
    finally:
        document.close()


def top_bookmarks(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return sum(1 for bookmark in document.get_toc() if bookmark.level == 0)
    finally:
        document.close()


def header_lines(pages: list[str]) -> list[str]:
    """First and last lines of pages, with letters and a number, whose shape repeats."""
    edges = []
    for text in pages:
        lines = [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]
        edges.extend(lines[:1] + lines[-1:])
    candidates = [line for line in edges if re.search(r"[^\W\d_]{2}", line)
                  and re.search(r"\d", line) and len(line) < 120]
    shapes = Counter(NUMBERS.sub("#", line) for line in set(candidates))
    return [line for line in candidates if shapes[NUMBERS.sub("#", line)] >= 3]


def measure(path: Path, reader) -> dict:
    pages = pdfium_pages(path)
    started = time.perf_counter()
    book = reader.read_pdf(path, str(path))
    article = apply_roles(book_article(book, str(path)))
    seconds = time.perf_counter() - started
    blocks = [block.text for section in article.sections for block in section.blocks]
    text = "\n".join([section.title for section in article.sections] + blocks)
    headers = header_lines(pages)
    flat = " ".join(text.split())
    return {
        "pdf": path.name,
        "title": article.title,
        "chapters": f"{len(article.sections)}/{top_bookmarks(path)}",
        "leaders": sum(len(LEADER.findall(block)) for block in blocks),
        "headers": f"{sum(flat.count(' '.join(h.split())) for h in set(headers))}/"
                   f"{len(headers)}",
        "glued": f"{len(GLUED.findall(text))}/{len(GLUED.findall(chr(10).join(pages)))}",
        "words": f"{len(WORD.findall(text))}/{sum(len(WORD.findall(page)) for page in pages)}",
        "s/100p": f"{seconds / max(1, len(pages)) * 100:.2f}",
        "pages": len(pages),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--reader", default="audioguide.readers.pdf",
                        help="the module whose read_pdf to measure (an older copy, to compare)")
    args = parser.parse_args()
    reader = importlib.import_module(args.reader)
    with tempfile.TemporaryDirectory() as folder:
        paths = args.pdfs or installed_pdfs(Path(folder))
        rows = []
        for path in paths:
            try:
                rows.append(measure(path, reader))
            except Exception as exc:  # one unreadable PDF is a row, not the end of the table
                rows.append({"pdf": path.name, "title": f"({type(exc).__name__}: {exc})"[:60]})
    columns = ["pdf", "pages", "title", "chapters", "leaders", "headers", "glued", "words",
               "s/100p"]
    widths = {c: max(len(c), *(len(str(row.get(c, ""))[:40]) for row in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row.get(c, ""))[:40].ljust(widths[c]) for c in columns))


if __name__ == "__main__":
    main()
