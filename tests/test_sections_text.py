"""`audioguide sections --text/--markdown`: the article as it will be read (written.py).

Golden files: each input in tests/data/written/ has `<input>.text.golden` and
`<input>.md.golden` beside it. To regenerate after an intended change:
`AUDIOGUIDE_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_sections_text.py`, then read the diff of
tests/data/written/ before committing it.

The round trip: read(source) -> Markdown -> read again gives the same title, section titles,
blocks (text, kind, level, languages) and the same planned speech.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audioguide.cli import cli
from audioguide.langtag import same_language as same_lang
from audioguide.models import Article, Block, BlockKind, Section
from audioguide.readers import read_source, read_text
from audioguide.readers.assemble import heading_text, squash
from audioguide.readers.blocks import MATH_NOTE, code_note, table_blocks
from audioguide.readers.markdown import HEADING_ID
from audioguide.settings import Settings
from audioguide.speech import plan
from audioguide.written import _lang_runs, article_markdown, article_text, escape_inline
from conftest import check_golden

DATA = Path(__file__).resolve().parent / "data"
WRITTEN = DATA / "written"
INPUTS = sorted(p.name for p in WRITTEN.iterdir() if p.suffix in (".html", ".md", ".txt"))
# Other fixtures that must survive the round trip (Markdown, notes, figures, formulas, FAQ).
ROUND_TRIP = [*(WRITTEN / name for name in INPUTS), DATA / "chair.html",
              *sorted((DATA / "readers").glob("*.md")), *sorted((DATA / "readers").glob("*.txt")),
              *(DATA / "roles" / name for name in (
                  "footnotes.html", "footnotes.md", "footnotes.txt", "figure.html", "figure.md",
                  "math.html", "math.md", "quote.md", "blockquote.html", "endnotes.txt",
                  "hidden.html", "clutter.html", "abbr.html"))]
# What Markdown cannot say reads back as a paragraph (see written.py).
AS_PARAGRAPH = {BlockKind.LEADIN, BlockKind.ASIDE, BlockKind.QUESTION}


def _shape(article: Article) -> list[tuple]:
    """The title, then per section its title and each block's kind, text, level, languages."""
    rows: list[tuple] = [("title", article.title)]
    for section in article.sections:
        if not (section.title.strip() or section.blocks):
            continue
        rows.append(("section", section.title))
        for block in section.blocks:
            kind = BlockKind.PARAGRAPH if block.kind in AS_PARAGRAPH else block.kind
            multiline = kind in (BlockKind.CODE, BlockKind.TABLE, BlockKind.MATH)
            rows.append((kind.value, block.text if multiline else squash(block.text),
                         block.level if kind == BlockKind.ITEM else 0,
                         block.spoken if multiline else None, _marked(block, article.lang)))
    return rows


def _marked(block: Block, main: str | None) -> tuple:
    """The parts of the block's text in another language than `main`: (phrase, tag) runs."""
    text = squash(block.text)
    runs = _lang_runs(text, block) if block.lang or block.langs else []
    return tuple((text[a:b].strip(), tag) for a, b, tag in runs
                 if tag and text[a:b].strip() and not same_lang(tag, main or "en"))


def _speech(article: Article) -> list[tuple]:
    lang = article.lang or "en"
    return [(u.shown, u.spoken, u.kind, u.section, u.parts)
            for u in plan(article, Settings(), lang).utterances]


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["sections", *args])
    assert result.exit_code == 0, result.output
    return result.output


# --------------------------------------------------------------------------------------------
# Golden files


@pytest.mark.parametrize("name", INPUTS)
@pytest.mark.parametrize("form", ["text", "markdown"])
def test_golden(name, form):
    actual = _run(str(WRITTEN / name), f"--{form}")
    check_golden(WRITTEN / f"{name}.{'md' if form == 'markdown' else 'text'}.golden", actual)


# --------------------------------------------------------------------------------------------
# The round trip


@pytest.mark.parametrize("path", ROUND_TRIP, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_markdown_reads_back_the_same(path, tmp_path):
    article = read_source(str(path))
    written = tmp_path / "proofread.md"
    written.write_text(article_markdown(article), encoding="utf-8")
    again = read_source(str(written))  # as `audioguide build proofread.md` reads it
    assert _shape(again) == _shape(article)
    assert _speech(again) == _speech(article)
    for key in ("byline", "lang", "date", "category", "description"):
        assert getattr(again, key) == getattr(article, key), key


def test_kept_asides_and_skipped_notes_round_trip(tmp_path):
    for options in (Settings(keep=("asides",)), Settings(skip=("notes", "figures"))):
        article = read_source(str(WRITTEN / "market-day.html"), options)
        again = read_text(article_markdown(article), "md", settings=options)
        assert _shape(again) == _shape(article)


def test_the_text_is_the_markdown_without_markup():
    article = read_source(str(WRITTEN / "sea-kayak.md"))
    again = read_text(article_markdown(article), "md")
    assert article_text(again) == article_text(article)


# --------------------------------------------------------------------------------------------
# What is printed and what is not


def test_text_layout():
    lines = _run(str(WRITTEN / "wood-stove.txt"), "--text").split("\n")
    assert lines[0] == "Lighting a Wood Stove" and lines[1] == ""
    assert lines[2].startswith("A cold stove")  # an untitled first section: no heading
    assert "Getting the draught going" in lines and "- kindling across them" not in lines
    assert "kindling across them" in lines
    assert all(line == "" for line in lines[1::2])  # a blank line between every block


def test_text_prints_what_is_read_not_what_is_skipped():
    text = _run(str(WRITTEN / "market-day.html"), "--text")
    assert "Coffee comes from the van" in text  # a note, read at the end of its section
    assert "Goat cheese at three ages, side by side." in text  # a figure: its caption
    assert "Item | Price" in text and "total = 3 + 4" in text  # as shown
    assert "smells of melons and strong coffee.\n" in text
    assert text.count("smells of melons") == 1  # the pull quote (an aside) is skipped
    assert "Share this trip" not in text and "Home" not in text
    skipped = _run(str(WRITTEN / "market-day.html"), "--text", "--skip", "notes",
                   "--skip", "figures")
    assert "Coffee comes" not in skipped and "Goat cheese at three ages," not in skipped
    kept = _run(str(WRITTEN / "market-day.html"), "--text", "--keep", "asides")
    assert kept.count("smells of melons") == 2


def test_hidden_text_is_never_printed():
    for form in ("--text", "--markdown"):
        out = _run(str(DATA / "roles" / "hidden.html"), form)
        assert not re.search("Wombat|Quokka|Platypus|Echidna", out)


def test_markdown_marks_languages_and_metadata():
    out = _run(str(WRITTEN / "market-day.html"), "--markdown")
    assert out.startswith("---\ntitle: Market Day in Lunel\nauthor: Ines Maréchal\nlang: en\n")
    assert '<span lang="fr">bonjour tout le monde</span>' in out
    assert ('<span lang="fr">Le marché ferme à midi,</span> <span lang="en">sharp</span>'
            in out)
    assert "| Cheese \\| small | 4 euros |" in out


# --------------------------------------------------------------------------------------------
# Escaping

ESCAPED = [
    "# Not a heading", "## Nor this", "1. Not a list", "2) Nor this", "2024. A year.",
    "- not an item", "+ nor this", "* nor this", "---", "- - -", "> not a quote", "~~~ fence",
    "```", "Stars *around* and __under__ words", "snake_case and _leading", "a `code` span",
    "<b>bold</b> and <!-- a comment -->", "<span lang=\"fr\">oui</span>", "[a link](x)",
    "![an image](y)", "[^1] and [^1]: a note", "a | b | c", "Cost $5 and $x$ here", "$$",
    "AT&T; &amp; &#35; &copy;", "ends with a backslash \\", "braces {#id} and {.class}",
    "a \\* b", "<https://example.org>", "Title\n===", "=== under", "| a | b |",
]


@pytest.mark.parametrize("text", ESCAPED)
def test_escaped_text_reads_back_as_itself(text):
    flat = squash(text)
    article = Article("Escapes", (Section("", (Block(BlockKind.PARAGRAPH, flat),
                                              Block(BlockKind.ITEM, flat),
                                              Block(BlockKind.QUOTE, flat),
                                              Block(BlockKind.NOTE, flat))),
                                  Section(heading_text(flat) or "Heading",
                                          (Block(BlockKind.PARAGRAPH, "Body."),))))
    again = read_text(article_markdown(article), "md")
    assert _shape(again) == _shape(article)


def test_escaping_examples():
    assert escape_inline("1. *Not* a list") == "1\\. \\*Not\\* a list"
    assert escape_inline("snake_case") == "snake_case"
    assert escape_inline("_x_") == "\\_x\\_"
    assert escape_inline("# x", line_start=False) == "# x"


# --------------------------------------------------------------------------------------------
# Property: any article the readers could give reads back the same

ALPHABET = "abcXYZ019 .,:;?!#*_`[]<>|{}$&-+=~()^'\"\\/é"
text = st.text(ALPHABET, min_size=1, max_size=30).map(squash).filter(
    lambda t: any(c.isalnum() for c in t))
title = text.map(heading_text).filter(lambda t: any(c.isalnum() for c in t)
                                      and heading_text(t) == t and not HEADING_ID.search(t))
cell = st.text("abc019 .*_$<&-", max_size=8).map(squash)
LANGUAGES = ["py", "bash", "rust", ""]


@st.composite
def phrase_block(draw, kind: BlockKind) -> Block:
    """A block whose text may hold one phrase in another language (its first occurrence)."""
    words = draw(text).split(" ")
    langs: tuple = ()
    if draw(st.booleans()):
        start = draw(st.integers(0, len(words) - 1))
        end = draw(st.integers(start + 1, len(words)))
        phrase = " ".join(words[start:end])
        joined = " ".join(words)
        if joined.find(phrase) == len(" ".join(words[:start])) + (1 if start else 0):
            langs = ((phrase, draw(st.sampled_from(["de", "es"]))),)
    return Block(kind, " ".join(words), langs=langs)


@st.composite
def body_block(draw) -> Block:
    kind = draw(st.sampled_from([k for k in BlockKind if k != BlockKind.NOTE]))
    if kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE, BlockKind.LEADIN, BlockKind.ASIDE,
                BlockKind.QUESTION):
        return draw(phrase_block(kind))
    if kind == BlockKind.ITEM:
        return Block(kind, draw(text), level=draw(st.integers(0, 3)))
    if kind == BlockKind.SUBHEADING:
        return Block(kind, draw(title), level=draw(st.integers(1, 3)))
    if kind == BlockKind.CODE:
        lines = draw(st.lists(st.text(ALPHABET + "\t", max_size=20), min_size=1, max_size=4))
        code = "\n".join(lines).strip("\n")
        return Block(kind, code if code.strip() else "x = 1",
                     spoken=code_note(draw(st.sampled_from(LANGUAGES))))
    if kind == BlockKind.TABLE:
        rows = draw(st.lists(st.lists(cell, min_size=1, max_size=4), min_size=1, max_size=4))
        rows = rows if any(any(row) for row in rows) else [["a"]]
        return table_blocks(rows, has_header=draw(st.booleans()))
    if kind == BlockKind.MATH:
        return Block(kind, draw(text).replace("$", "s"), spoken=MATH_NOTE)
    return Block(kind, draw(text))  # FIGURE


def _items_nested(blocks: list[Block]) -> list[Block]:
    """Items nest at most one level below the item before (what a reader gives)."""
    out, level = [], -1
    for block in blocks:
        if block.kind == BlockKind.ITEM:
            level = min(block.level, level + 1)
            block = Block(block.kind, block.text, level=level)
        else:
            level = -1
        out.append(block)
    return out


@st.composite
def articles(draw) -> Article:
    sections = []
    for number in range(draw(st.integers(1, 4))):
        blocks = _items_nested(draw(st.lists(body_block(), max_size=6)))
        # (notes only where something refers to them: a section with a body)
        notes = draw(st.lists(phrase_block(BlockKind.NOTE), max_size=2)) if blocks else []
        heading = draw(title) if number or draw(st.booleans()) else ""
        sections.append(Section(heading, tuple(blocks + notes)))
    if not any(s.title for s in sections):  # subheadings need a section level above them
        sections = [Section(s.title, tuple(Block(BlockKind.PARAGRAPH, b.text)
                                           if b.kind == BlockKind.SUBHEADING else b
                                           for b in s.blocks)) for s in sections]
    last = sections[-1]
    if not last.blocks:  # (an empty last section after notes: see written.py)
        sections[-1] = Section(last.title, (Block(BlockKind.PARAGRAPH, "The end."),
                                            *last.blocks))
    return Article(draw(title), tuple(sections), byline=draw(text), lang=draw(
        st.sampled_from([None, "en", "fr"])), description=draw(text), category=draw(text),
        date=draw(st.sampled_from([None, "2025-01-31"])))


@given(articles())
@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
def test_any_article_reads_back_the_same(article):
    markdown = article_markdown(article)
    again = read_text(markdown, "md")
    assert _shape(again) == _shape(article), markdown
    for key in ("byline", "lang", "date", "category", "description"):
        assert getattr(again, key) == getattr(article, key), key


# --------------------------------------------------------------------------------------------
# Errors


def test_one_form_at_a_time():
    result = CliRunner().invoke(cli, ["sections", str(WRITTEN / "wood-stove.txt"), "--text",
                                      "--markdown"])
    assert result.exit_code == 2
    assert "--text and --markdown cannot be used together" in result.output


@pytest.mark.parametrize("form", ["--text", "--markdown"])
def test_bad_input_is_one_line(tmp_path, form):
    binary = tmp_path / "picture.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    empty = tmp_path / "empty.md"
    empty.write_text("  \n", encoding="utf-8")
    for source in (tmp_path / "missing.md", binary, empty):
        result = CliRunner().invoke(cli, ["sections", str(source), form])
        assert result.exit_code == 1, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("audioguide: error:"), result.output
