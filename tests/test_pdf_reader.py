"""readers/pdf.py on PDFs made here with reportlab: one test per rule of the module's docstring."""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.readers import read_source
from audioguide.settings import Settings

pytest.importorskip("reportlab")
pytest.importorskip("pypdfium2")

WORDS = ("The keeper climbed the stairs of the lighthouse every evening and trimmed the wick "
         "before the ships came round the point. ")
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]


class Book:
    """A reportlab canvas with a running header, a page number and wrapped paragraphs."""

    def __init__(self, path: Path, title: str | None = None, header: str = "",
                 roman: bool = False):
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        self.path = path
        self.pdf = canvas.Canvas(str(path), pagesize=A4)
        if title:
            self.pdf.setTitle(title)
        self.width, self.height = A4
        self.header, self.roman, self.number = header, roman, 0
        self.y = 0.0
        self.new_page()

    def new_page(self, furniture: bool = True) -> None:
        if self.number:
            self.pdf.showPage()
        self.number += 1
        if furniture and self.header:
            self.pdf.setFont("Helvetica", 9)
            self.pdf.drawString(72, self.height - 40, f"{self.header} {self.number}")
        if furniture:
            self.pdf.setFont("Helvetica", 9)
            number = ROMAN[self.number - 1] if self.roman else str(self.number)
            self.pdf.drawCentredString(self.width / 2, 30, number)
        self.y = self.height - 90

    def line(self, text: str, size: float = 11, x: float = 72, font: str = "Helvetica") -> None:
        if self.y < 80:
            self.new_page()
        self.pdf.setFont(font, size)
        self.pdf.drawString(x, self.y, text)
        self.y -= size * 1.3

    def heading(self, text: str, level: int = 1) -> None:
        self.y -= 10
        key = f"h{self.number}-{self.y:.0f}"
        self.line(text, 18 if level == 1 else 14, font="Helvetica-Bold")
        self.pdf.bookmarkPage(key, fit="XYZ", top=self.y + 40)
        self.pdf.addOutlineEntry(text, key, level=level - 1)
        self.y -= 6

    def paragraph(self, text: str, width: float = 0, x: float = 72) -> None:
        width = width or self.width - 144
        line: list[str] = []
        for word in text.split():
            if self.pdf.stringWidth(" ".join([*line, word]), "Helvetica", 11) > width:
                self.line(" ".join(line), x=x)
                line = []
            line.append(word)
        self.line(" ".join(line), x=x)
        self.y -= 8

    def save(self) -> Path:
        self.pdf.save()
        return self.path


def text_of(article) -> str:
    return "\n".join(block.text for section in article.sections for block in section.blocks)


def skipped_kinds(article) -> list[str]:
    return [item.kind for section in article.sections for item in section.skipped]


def manual(path: Path, *, contents: bool = True, title_page: bool = True,
           title: str | None = None, header: str = "", roman: bool = False,
           chapters: int = 3, repeat: int = 3) -> Path:
    """A manual: a title page, a contents page with dot leaders, then chapters."""
    book = Book(path, title=title, header=header, roman=roman)
    if title_page:
        book.y = book.height - 200
        book.line("Harbour Manual", size=28, x=150, font="Helvetica-Bold")
        book.line("Copyright 2024 The Lighthouse Society. All rights reserved.", size=10)
        book.line("Revision 3, March 2024: first printed edition.", size=10)
        book.new_page()
    if contents:
        book.line("Contents", size=18, font="Helvetica-Bold")
        for n in range(1, chapters + 1):
            book.line(f"{n} Chapter about lamps {n} " + ". " * 30 + f" {n + 2}")
        book.new_page()
    for n in range(1, chapters + 1):
        book.heading(f"{n} Chapter about lamps {n}")
        for _ in range(repeat):
            book.paragraph(WORDS * 4)
        book.new_page()
    return book.save()


def test_bookmarks_make_chapters_and_the_title_comes_from_the_first_page(tmp_path):
    article = read_source(str(manual(tmp_path / "m.pdf")))
    assert article.title == "Harbour Manual"  # not "1 Chapter about lamps 1"
    assert [s.title for s in article.sections] == [f"{n} Chapter about lamps {n}"
                                                    for n in (1, 2, 3)]


def test_the_title_in_the_metadata_comes_first_unless_it_is_a_file_name(tmp_path):
    assert read_source(str(manual(tmp_path / "a.pdf", title="Lamps and Wicks"))
                       ).title == "Lamps and Wicks"
    assert read_source(str(manual(tmp_path / "b.pdf", title="draft7.docx"))
                       ).title == "Harbour Manual"


def test_contents_page_and_dot_leaders_are_skipped_and_listed(tmp_path):
    article = read_source(str(manual(tmp_path / "m.pdf")))
    text = text_of(article)
    assert ". . ." not in text and "Contents" not in text
    assert "contents" in skipped_kinds(article)


def test_a_dot_leader_line_inside_the_text_is_not_read(tmp_path):
    book = Book(tmp_path / "leader.pdf")
    book.paragraph(WORDS)
    book.line("Lamp oil, see the keeper's table . . . . . . . . . . . . . . 12")
    book.paragraph(WORDS)
    article = read_source(str(book.save()))
    assert "keeper's table" not in text_of(article)
    assert WORDS.strip() in text_of(article)


def test_front_matter_is_one_skipped_part_unless_kept(tmp_path):
    path = manual(tmp_path / "m.pdf")
    article = read_source(str(path))
    assert "Copyright" not in text_of(article) and "Revision 3" not in text_of(article)
    assert skipped_kinds(article)[0] == "front matter"
    assert article.sections[0].title == "1 Chapter about lamps 1"  # no "Introduction" beside
    kept = read_source(str(path), Settings(keep=("front-matter",)))
    assert kept.sections[0].title == "Front matter"
    assert "Copyright 2024" in " ".join(b.text for b in kept.sections[0].blocks)
    assert "Harbour Manual" not in text_of(kept)  # the title is said once, as the title


def test_running_headers_and_roman_page_numbers_are_not_read(tmp_path):
    path = manual(tmp_path / "m.pdf", header="Harbour Manual, chapter one", roman=True,
                  repeat=12)
    article = read_source(str(path))
    text = text_of(article)
    assert "chapter one" not in text
    assert not any(word in ROMAN for word in text.split())
    assert all(b.text.startswith("The keeper") for s in article.sections for b in s.blocks)


def test_two_columns_are_read_in_column_order(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    left = [f"Left {n} says the tide was high at the harbour wall" for n in range(20)]
    right = [f"Right {n} says the boats were home before the storm" for n in range(20)]
    path = tmp_path / "columns.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(72, 780, "Tides")
    pdf.setFont("Helvetica", 10)
    for n, (a, b) in enumerate(zip(left, right, strict=True)):  # drawn row by row
        pdf.drawString(50, 740 - 13 * n, a)
        pdf.drawString(310, 740 - 13 * n, b)
    pdf.save()
    text = " ".join(text_of(read_source(str(path))).split())
    assert text == " ".join(left + right)


def test_long_chapters_are_split_at_their_second_level_bookmarks(tmp_path):
    book = Book(tmp_path / "long.pdf", title="Lamps")
    book.heading("1 Short chapter")
    book.paragraph(WORDS * 3)
    book.heading("2 Long chapter")
    book.paragraph(WORDS * 3)
    for n in (1, 2, 3):
        book.heading(f"2.{n} Part {n}", level=2)
        for _ in range(40):  # 40 x 4 x 20 words: 3,200 words a part
            book.paragraph(WORDS * 4)
    book.heading("3 Short again")
    book.paragraph(WORDS * 3)
    article = read_source(str(book.save()))
    assert [s.title for s in article.sections] == [
        "1 Short chapter", "2 Long chapter", "2.1 Part 1", "2.2 Part 2", "2.3 Part 3",
        "3 Short again"]


def test_a_short_chapter_keeps_its_second_level_bookmarks_as_headings(tmp_path):
    book = Book(tmp_path / "short.pdf", title="Lamps")
    book.heading("1 Lamps")
    book.paragraph(WORDS)
    book.heading("1.1 Wicks", level=2)
    book.paragraph(WORDS)
    article = read_source(str(book.save()))
    assert [s.title for s in article.sections] == ["1 Lamps"]
    assert [b.text for b in article.sections[0].blocks][1] == "1.1 Wicks"


def test_an_index_chapter_is_listed_not_read(tmp_path):
    book = Book(tmp_path / "index.pdf", title="Lamps")
    book.heading("1 Lamps")
    book.paragraph(WORDS * 2)
    book.new_page()
    book.heading("Index")
    for word in ("lamp", "lens", "oil", "wick", "tide", "wall"):
        book.line(f"{word}, 3, 7, 12")
    article = read_source(str(book.save()))
    assert [s.title for s in article.sections] == ["1 Lamps"]
    assert "lens, 3" not in text_of(article)
    assert "index" in skipped_kinds(article)


def test_without_bookmarks_many_sizes_of_heading_are_read(tmp_path):
    book = Book(tmp_path / "sizes.pdf", title="Lamps")
    for n, size in enumerate((30, 27, 24, 21, 19, 17, 15, 13)):
        book.line(f"Heading {n}", size=size)
        book.paragraph(WORDS)
    article = read_source(str(book.save()))
    assert "the lighthouse every evening" in text_of(article)
