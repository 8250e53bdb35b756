"""pypdf or pdfminer.six for reading PDFs: the time each takes on a generated 50-page PDF.

    .venv/bin/python benchmarks/pdf_readers.py [--pages 50] [--repeat 3]

Makes a book with reportlab (an outline, running headers, page numbers, hyphenated lines), then
times, best of --repeat: pypdf's text with a visitor that sees each run's font size (what
readers/pdf.py needs), and pdfminer.six's layout analysis (characters with their sizes).
"""

from __future__ import annotations

import argparse
import io
import time


def make_pdf(pages: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    sentence = ("The lighthouse keeper counted the ships that passed the harbour wall each "
                "evening and wrote their names in a blue note- book by the lamp. ")
    for page in range(1, pages + 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, height - 40, "A Harbour Logbook")
        pdf.drawString(width / 2, 30, str(page))
        y = height - 90
        if page % 5 == 1:
            title = f"Chapter {page // 5 + 1}"
            pdf.setFont("Helvetica-Bold", 18)
            pdf.drawString(72, y, title)
            pdf.bookmarkPage(f"c{page}")
            pdf.addOutlineEntry(title, f"c{page}", level=0)
            y -= 36
        pdf.setFont("Helvetica", 11)
        text = sentence * 30
        words = text.split()
        line: list[str] = []
        for word in words:
            if pdf.stringWidth(" ".join([*line, word]), "Helvetica", 11) > width - 144:
                pdf.drawString(72, y, " ".join(line))
                y -= 14
                line = []
                if y < 80:
                    break
            line.append(word)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def with_pypdf(data: bytes) -> int:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        runs.append((text, size * abs(tm[3] or 1)))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return len(runs)


def with_pdfminer(data: bytes) -> int:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer

    count = 0
    for page in extract_pages(io.BytesIO(data)):
        for element in page:
            if isinstance(element, LTTextContainer):
                for line in element:
                    count += sum(1 for char in line if isinstance(char, LTChar))
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = make_pdf(args.pages)
    print(f"{args.pages} pages, {len(data) // 1024} kB")
    for name, read in (("pypdf", with_pypdf), ("pdfminer.six", with_pdfminer)):
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            read(data)
            best = min(best, time.perf_counter() - start)
        print(f"{name:14s} {best:6.2f} s  ({best / args.pages * 1000:.0f} ms a page)")


if __name__ == "__main__":
    main()
