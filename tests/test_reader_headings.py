"""Readers: headings as the docs themes write them (issue 18's benchmark regressions).

mdBook and many other generators make a heading's whole text a link to its own anchor
(`<h1 id="enums"><a href="#enums">Enums</a></h1>`); such a link is neither a permalink glyph nor
a note reference, even when its anchor starts like a note's ("#en...", "#note...").
"""

from __future__ import annotations

from audioguide.models import SUBHEADING, BlockKind
from audioguide.readers import read_text
from audioguide.readers.assemble import heading_text


def _titles(article) -> list[str]:
    return [article.title] + [s.title for s in article.sections if s.title] + [
        b.text for s in article.sections for b in s.blocks if b.kind == SUBHEADING]


def test_heading_linked_to_its_own_anchor_keeps_its_text():
    page = """<html><body><main>
    <h1 id="enums"><a class="header" href="#enums">Enums</a></h1>
    <p>Enumerations list the values a type may take, one variant at a time.</p>
    <h2 id="entity"><a class="header" href="#entity">Entity</a></h2>
    <p>Anything a name can refer to in the program.</p>
    <h2 id="notes"><a class="header" href="#notes">Notes</a></h2>
    <p>Lints may add notes that point at the span to change.</p>
    <h3 id="env"><a class="header" href="#env">env</a></h3>
    <p>Variables set for the program while it runs.</p>
    </main></body></html>"""
    article = read_text(page, "html")
    assert article.title == "Enums"
    assert _titles(article)[1:] == ["Entity", "Notes", "env"]
    assert not any(s.skipped for s in article.sections)


def test_note_references_are_still_found():
    page = """<html><body><main><h1>Tides</h1>
    <p>The tide rose early.<sup><a href="#fn1">1</a></sup> Crabs left at noon<a href="#en2">2</a>
    and came back<sup><a href="#fn:late">3</a></sup> after dark.</p>
    <section class="footnotes"><ol>
    <li id="fn1">Measured at the pier.</li><li id="en2">Mostly shore crabs.</li>
    <li id="fn:late">Around nine.</li></ol></section>
    </main></body></html>"""
    article = read_text(page, "html")
    blocks = [b for s in article.sections for b in s.blocks]
    assert blocks[0].text == "The tide rose early. Crabs left at noon and came back after dark."
    assert [b.text for b in blocks if b.kind == BlockKind.NOTE] == [
        "Measured at the pier.", "Mostly shore crabs.", "Around nine."]


def test_node_style_trailing_marks_leave_titles():
    assert heading_text("Event: 'close'#") == "Event: 'close'"
    assert heading_text('"exports"#') == '"exports"'
    assert heading_text("HTTP/2#") == "HTTP/2"
    assert heading_text("Learning C#") == "Learning C#"
