"""EPUB and PDF as sources: books made here (zipfile, reportlab), read, previewed and built."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from audioguide.cli import cli
from audioguide.errors import SourceError
from audioguide.readers import read_articles, read_source
from audioguide.settings import Settings

XHTML = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
         'xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="{lang}"><head><title>{title}'
         '</title></head><body>{body}</body></html>')
CHAPTERS = ["The Quiet Harbour", "Nets and Knots", "A Storm at Dusk"]


def png_bytes(colour: str = "teal") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def chapter_body(title: str, n: int) -> str:
    return (f'<section epub:type="chapter"><header><h1>{title}</h1></header>'
            f"<p>Chapter {n} begins where the fishing boats rest at the old stone quay.</p>"
            f"<h2>Morning work</h2><p>The crew mends the nets before the tide turns.<br/>"
            f"Gulls wait on the posts.</p></section>")


def make_epub(path: Path, *, nav: bool = True, ncx: bool = False, extra: dict | None = None,
              spine_extra: str = "", encryption: str | None = None) -> Path:
    """An EPUB 3 (or EPUB 2 with an NCX) of three chapters, the last two in one document."""
    files = {
        "OEBPS/cover.xhtml": XHTML.format(lang="en", title="Cover",
                                          body='<img src="images/cover.png" alt="Cover"/>'),
        "OEBPS/one.xhtml": XHTML.format(lang="en", title=CHAPTERS[0],
                                        body=chapter_body(CHAPTERS[0], 1)),
        "OEBPS/two.xhtml": XHTML.format(
            lang="en", title=CHAPTERS[1],
            body=chapter_body(CHAPTERS[1], 2) + '<div id="c3"/>' + chapter_body(CHAPTERS[2], 3)),
        "OEBPS/images/cover.png": png_bytes(),
    }
    links = [("one.xhtml", CHAPTERS[0]), ("two.xhtml", CHAPTERS[1]), ("two.xhtml#c3", CHAPTERS[2])]
    if nav:
        items = "".join(f'<li><a href="{href}">{label}</a><ol><li><a href="{href}">Part</a>'
                        f"</li></ol></li>" for href, label in links)
        files["OEBPS/nav.xhtml"] = XHTML.format(
            lang="en", title="Contents",
            body=f'<nav epub:type="toc"><h1>Contents</h1><ol>{items}</ol></nav>')
    if ncx:
        points = "".join(f'<navPoint id="p{n}" playOrder="{n}"><navLabel><text>{label}</text>'
                         f'</navLabel><content src="{href}"/></navPoint>'
                         for n, (href, label) in enumerate(links, 1))
        files["OEBPS/toc.ncx"] = ('<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/'
                                  f'2005/ncx/" version="2005-1"><navMap>{points}</navMap></ncx>')
    manifest = "".join([
        '<item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>',
        '<item id="one" href="one.xhtml" media-type="application/xhtml+xml"/>',
        '<item id="two" href="two.xhtml" media-type="application/xhtml+xml"/>',
        '<item id="img" href="images/cover.png" media-type="image/png"'
        + (' properties="cover-image"/>' if nav else "/>"),
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        if nav else "",
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>' if ncx else "",
        '<item id="evil" href="../../../etc/passwd" media-type="application/xhtml+xml"/>',
    ])
    files["OEBPS/content.opf"] = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<dc:identifier id="id">urn:uuid:0</dc:identifier><dc:title>Harbour Days</dc:title>'
        "<dc:creator>Mara Quill</dc:creator><dc:language>en-GB</dc:language>"
        "<dc:date>2021-04-02</dc:date>"
        + ("" if nav else '<meta name="cover" content="img"/>')
        + f"</metadata><manifest>{manifest}</manifest>"
        + f'<spine{" toc=&quot;ncx&quot;" if ncx else ""}><itemref idref="cover"/>'
        + f'<itemref idref="one"/><itemref idref="two"/>{spine_extra}'
        + '<itemref idref="evil"/></spine></package>').replace("&quot;", '"')
    files["META-INF/container.xml"] = (
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:'
        'xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" '
        'media-type="application/oebps-package+xml"/></rootfiles></container>')
    if encryption:
        files["META-INF/encryption.xml"] = encryption
    files.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        for name, data in files.items():
            archive.writestr(name, data)
    return path


BODY = ("Every spring the village painted its boats in bright colours, and the old harbour "
        "master walked along the quay to judge them. He carried a notebook, a pencil and a "
        "great deal of patience. ")


def make_pdf(path: Path, *, outline: bool = True, pages_per_chapter: int = 2) -> Path:
    """A PDF of three chapters: running header, page numbers, a hyphenated line break."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle("Harbour Days")
    pdf.setAuthor("Mara Quill")
    width, height = A4
    number = 0
    for chapter, title in enumerate(CHAPTERS):
        for page in range(pages_per_chapter):
            number += 1
            pdf.setFont("Helvetica", 9)
            pdf.drawString(72, height - 40, "Harbour Days: a small book")
            pdf.drawCentredString(width / 2, 30, f"Page {number}")
            y = height - 100
            if page == 0:
                pdf.setFont("Helvetica-Bold", 20)
                pdf.drawString(72, y, title)
                if outline:
                    pdf.bookmarkPage(f"c{chapter}")
                    pdf.addOutlineEntry(title, f"c{chapter}", level=0)
                y -= 40
            y = _paragraphs(pdf, y, width, chapter)
        pdf.showPage()  # one blank-ish page between chapters: only a header and a number
    pdf.save()
    return path


def _paragraphs(pdf, y: float, width: float, chapter: int) -> float:
    pdf.setFont("Helvetica", 11)
    if chapter == 0:
        pdf.drawString(72, y, "The painters used a colour called sea green and an-")
        pdf.drawString(72, y - 14, "other called harbour red, mixed by the ship-")
        pdf.drawString(72, y - 28, "wright. Nobody remembers who named them.")
        y -= 56
    for _ in range(2):
        line: list[str] = []
        for word in (BODY * 2).split():
            if pdf.stringWidth(" ".join([*line, word]), "Helvetica", 11) > width - 144:
                pdf.drawString(72, y, " ".join(line))
                y, line = y - 14, []
            line.append(word)
        pdf.drawString(72, y, " ".join(line))
        y -= 28
    return y


@pytest.fixture
def epub(tmp_path) -> Path:
    return make_epub(tmp_path / "harbour.epub")


@pytest.fixture
def pdf(tmp_path) -> Path:
    return make_pdf(tmp_path / "harbour.pdf")


def one_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


# EPUB


def test_epub_chapters_come_from_the_nav_and_metadata_from_the_opf(epub):
    article = read_source(str(epub))
    assert article.title == "Harbour Days"
    assert article.byline == "Mara Quill"
    assert article.lang == "en-GB"
    assert article.date == "2021-04-02"
    assert [s.title for s in article.sections] == CHAPTERS  # the cover page is left out
    first = article.sections[0]
    assert first.blocks[0].text.startswith("Chapter 1 begins")
    assert [b.text for b in first.blocks if b.kind == "subheading"] == ["Morning work"]
    assert not any(CHAPTERS[0] in b.text for b in first.blocks)  # the title is not read twice
    # The third chapter shares a document with the second: it starts at its own heading.
    assert article.sections[1].blocks[0].text.startswith("Chapter 2 begins")
    assert article.sections[2].blocks[0].text.startswith("Chapter 3 begins")
    assert not any("Chapter 3" in b.text for b in article.sections[1].blocks)


def test_epub_cover_reaches_the_article_as_data(epub):
    article = read_source(str(epub))
    import base64

    assert article.image and article.image.startswith("data:image/png;base64,")
    assert base64.b64decode(article.image.partition(",")[2]) == png_bytes()


def test_epub2_ncx_and_meta_cover(tmp_path):
    article = read_source(str(make_epub(tmp_path / "old.epub", nav=False, ncx=True)))
    assert [s.title for s in article.sections] == CHAPTERS
    assert article.image and article.image.startswith("data:image/png")


def test_epub_without_toc_makes_a_chapter_per_document(tmp_path):
    article = read_source(str(make_epub(tmp_path / "bare.epub", nav=False)))
    assert [s.title for s in article.sections][:2] == [CHAPTERS[0], CHAPTERS[1]]


def test_epub_per_chapter_makes_one_article_each(epub):
    articles = read_articles(str(epub), Settings(per_chapter=True))
    assert [a.title for a in articles] == CHAPTERS
    assert len({a.identity for a in articles}) == 3
    assert all(a.byline == "Mara Quill" and a.category == "Harbour Days" for a in articles)
    assert [s.title for s in articles[0].sections] == ["", "Morning work"]


def test_epub_named_otherwise_is_found_by_its_bytes(epub, tmp_path):
    renamed = tmp_path / "book.bin"
    renamed.write_bytes(epub.read_bytes())
    assert [s.title for s in read_source(str(renamed)).sections] == CHAPTERS


@pytest.mark.parametrize("damage", ["truncated", "not a zip", "no container", "empty spine"])
def test_damaged_epub_is_one_clear_error(tmp_path, damage):
    path = make_epub(tmp_path / "bad.epub")
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "not a zip":
        path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    elif damage == "no container":
        make_epub(path, extra={"META-INF/container.xml": "<container/>"})
    else:
        make_epub(path, extra={"OEBPS/content.opf": "<package><spine/></package>"})
    with pytest.raises(SourceError) as error:
        read_source(str(path))
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_encrypted_epub_is_refused_but_obfuscated_fonts_are_not(tmp_path):
    def encryption(uri: str, algorithm: str) -> str:
        return ('<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
                f'<enc:EncryptionMethod Algorithm="{algorithm}"/><enc:CipherData>'
                f'<enc:CipherReference URI="{uri}"/></enc:CipherData></enc:EncryptedData>'
                "</encryption>")

    locked = make_epub(tmp_path / "drm.epub", encryption=encryption(
        "OEBPS/one.xhtml", "http://www.w3.org/2001/04/xmlenc#aes128-cbc"))
    with pytest.raises(SourceError, match="encrypted"):
        read_source(str(locked))
    fonts = make_epub(tmp_path / "fonts.epub", encryption=encryption(
        "OEBPS/font.otf", "http://www.idpf.org/2008/embedding"))
    assert len(read_source(str(fonts)).sections) == 3


def test_zip_bomb_stops_at_the_limit(tmp_path):
    from audioguide.readers.epub import MAX_MEMBER_BYTES

    big = XHTML.format(lang="en", title="x", body="<p>" + "a " * (MAX_MEMBER_BYTES // 2 + 10)
                       + "</p>")
    path = make_epub(tmp_path / "bomb.epub", extra={"OEBPS/one.xhtml": big})
    assert path.stat().st_size < 200_000  # small on disk, huge unpacked
    with pytest.raises(SourceError, match="unpacks to more than"):
        read_source(str(path))


def test_paths_in_the_book_never_reach_the_disk(tmp_path, monkeypatch):
    """The spine names ../../../etc/passwd: it is not a book entry, nothing is opened."""
    opened: list[str] = []
    real_open = open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    path = make_epub(tmp_path / "evil.epub")
    monkeypatch.setattr("builtins.open", spy)
    article = read_source(str(path))
    assert [s.title for s in article.sections] == CHAPTERS
    assert all("passwd" not in name for name in opened)


# PDF


def test_pdf_outline_gives_chapters_without_headers_or_page_numbers(pdf):
    article = read_source(str(pdf))
    assert article.title == "Harbour Days" and article.byline == "Mara Quill"
    assert [s.title for s in article.sections] == CHAPTERS
    text = " ".join(b.text for s in article.sections for b in s.blocks)
    assert "a small book" not in text and "Page " not in text
    first = article.sections[0].blocks[0].text
    assert first == ("The painters used a colour called sea green and another called harbour "
                     "red, mixed by the shipwright. Nobody remembers who named them.")
    assert all(s.blocks and s.blocks[0].text.startswith(("The painters", "Every spring"))
               for s in article.sections)


def test_pdf_hyphenated_line_breaks_are_joined(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "hyphen.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("Times-Roman", 12)
    for n, line in enumerate(["The keeper lit the lan-", "tern at six and watched the ho-",
                              "rizon until the boats came home."]):
        pdf.drawString(72, 700 - 15 * n, line)
    pdf.save()
    (section,) = read_source(str(path)).sections
    assert section.blocks[0].text == ("The keeper lit the lantern at six and watched the "
                                      "horizon until the boats came home.")


def test_pdf_without_outline_finds_headings_by_font_size(tmp_path):
    article = read_source(str(make_pdf(tmp_path / "plain.pdf", outline=False)))
    assert [s.title for s in article.sections] == CHAPTERS


def test_pdf_per_chapter(pdf):
    articles = read_articles(str(pdf), Settings(per_chapter=True))
    assert [a.title for a in articles] == CHAPTERS


def test_scanned_pdf_needs_ocr(tmp_path):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawImage(ImageReader(io.BytesIO(png_bytes("white"))), 72, 72, 400, 600)
    pdf.save()
    with pytest.raises(SourceError, match="no text layer.*OCR"):
        read_source(str(path))


def test_encrypted_and_damaged_pdfs_are_one_clear_error(pdf, tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(pdf).pages:
        writer.add_page(page)
    writer.encrypt(user_password="harbour", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as handle:
        writer.write(handle)
    with pytest.raises(SourceError, match="encrypted"):
        read_source(str(locked))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    with pytest.raises(SourceError) as error:
        read_source(str(broken))
    assert str(broken) in str(error.value)


# Through the command line


def test_sections_previews_an_epub(epub):
    result = CliRunner().invoke(cli, ["sections", str(epub), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["title"] == "Harbour Days"
    assert [s["title"] for s in summary["sections"]] == CHAPTERS


def test_cli_damaged_book_is_one_line(tmp_path):
    path = tmp_path / "broken.epub"
    path.write_bytes(b"PK\x03\x04 broken")
    line = one_line(CliRunner().invoke(cli, ["build", str(path), "-o", str(tmp_path / "o")]))
    assert "broken.epub" in line


def _chapter_titles(audio: Path) -> list[str]:
    from mutagen.id3 import ID3

    tags = ID3(audio)
    (toc,) = tags.getall("CTOC")
    by_id = {c.element_id: c for c in tags.getall("CHAP")}
    return [by_id[i].sub_frames["TIT2"].text[0] for i in toc.child_element_ids]


def _episodes(output: Path) -> list[dict]:
    return [json.loads((folder / "episode.json").read_text())
            for folder in sorted(output.iterdir()) if (folder / "episode.json").exists()]


def test_build_pdf_chapters_match_its_outline(pdf, tmp_path):
    output = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--quiet", "build", str(pdf), "--engine", "espeak",
                                      "-o", str(output)])
    assert result.exit_code == 0, result.output
    (manifest,) = _episodes(output)
    folder = output / manifest["slug"] if "slug" in manifest else next(output.iterdir())
    audio = next(folder.glob("*.mp3"))
    assert _chapter_titles(audio) == CHAPTERS


def test_build_epub_per_chapter_with_its_cover(epub, tmp_path):
    output = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--quiet", "build", str(epub), "--engine", "espeak",
                                      "--lang", "en", "--per-chapter", "-o", str(output)])
    assert result.exit_code == 0, result.output
    folders = [f for f in sorted(output.iterdir()) if (f / "episode.json").exists()]
    assert len(folders) == 3
    titles = sorted(_chapter_titles(next(f.glob("*.mp3")))[-1] for f in folders)
    assert titles == ["Morning work"] * 3
    assert all((f / "cover.png").read_bytes() == png_bytes() for f in folders)
