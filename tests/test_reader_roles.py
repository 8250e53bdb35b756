"""Readers: the parts of a page with a role (languages, hidden text, clutter, notes, asides,
quotes, figures, math) and the settings that skip or keep them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from audioguide.cli import cli
from audioguide.errors import SettingsError
from audioguide.models import ITEM, PARAGRAPH, QUOTE, Block, BlockKind, Skipped
from audioguide.readers import read_text
from audioguide.readers.assemble import heading_text
from audioguide.settings import Settings, validate
from audioguide.speech import plan

NOTE, ASIDE, FIGURE, MATH = BlockKind.NOTE, BlockKind.ASIDE, BlockKind.FIGURE, BlockKind.MATH


def _blocks(article) -> list[Block]:
    return [b for s in article.sections for b in s.blocks]


# --------------------------------------------------------------------------------------------
# Languages of parts (issue 17)


def test_html_block_and_inline_languages():
    page = """<html lang="en"><body><main><h1>Words abroad</h1>
    <p>She said <i lang="fr">merci beaucoup</i> and walked on.</p>
    <p lang="de">Ein ganzer Absatz, mit <span lang="en">one English phrase</span>.</p>
    <div lang="es"><p>Un párrafo dentro de un div.</p></div>
    <ul><li lang="it">Una voce</li><li>An item with <q lang="pt-BR">obrigado</q> in it</li></ul>
    <p lang="en-us">Same language, other case.</p>
    </main></body></html>"""
    blocks = _blocks(read_text(page, "html"))
    assert blocks[0] == Block(PARAGRAPH, "She said merci beaucoup and walked on.",
                              langs=(("merci beaucoup", "fr"),))
    assert blocks[1].lang == "de"
    assert blocks[1].langs == (("one English phrase", "en"),)
    assert (blocks[2].text, blocks[2].lang) == ("Un párrafo dentro de un div.", "es")
    assert (blocks[3].kind, blocks[3].lang) == (ITEM, "it")
    assert blocks[4].langs == (("obrigado", "pt-BR"),) and blocks[4].lang is None
    assert blocks[5].lang is None  # a region of the page's language is the same language


def test_markdown_spans_in_another_language():
    text = """---
lang: en
---
# Words abroad

He said [bonjour *tout* le monde]{lang=fr} and <span lang="de">guten Tag</span> twice.

- Say <q lang="it">ciao</q>, [hello]{lang=en-GB} and [styled]{.note}

<p lang="fr">Un paragraphe entier.</p>
"""
    blocks = _blocks(read_text(text, "md"))
    assert blocks[0].text == "He said bonjour tout le monde and guten Tag twice."
    assert blocks[0].langs == (("bonjour tout le monde", "fr"), ("guten Tag", "de"))
    assert blocks[1].text == "Say ciao, hello and styled"  # no brackets or braces left
    assert blocks[1].langs == (("ciao", "it"),)
    assert (blocks[2].text, blocks[2].lang) == ("Un paragraphe entier.", "fr")


def test_nested_spans_give_the_outermost_phrase():
    text = "Read [le mot [Wort]{lang=de} ici]{lang=fr} now.\n"
    (block,) = _blocks(read_text(text, "md"))
    assert block.langs == (("le mot Wort ici", "fr"),)


# --------------------------------------------------------------------------------------------
# Roles (issue 18)

PAGE = """<html lang="en"><head><title>Roles</title></head><body><nav>Home About</nav><main>
<h1>Sorting by hand<a class="headerlink" href="#top" title="Link to this heading">¶</a></h1>
<div class="share-buttons">Share on Mastodon Share by mail</div>
<p>The <abbr title="Garden Trust">GT</abbr> met on <time datetime="2023-09-14">Thursday</time>
to sort seeds.<sup><a href="#fn1" id="r1">1</a></sup> The <abbr title="Garden Trust">GT</abbr>
counted them.</p>
<p hidden>Draft text nobody sees</p>
<p>Open the tray <span aria-hidden="true">&#xe900; icon</span><span class="sr-only">(new
window)</span> first.</p>
<h2>Keys<a href="#keys" aria-label="Anchor">#</a></h2>
<blockquote><p>Sort by size, then by colour.</p></blockquote>
<aside class="pullquote">Sort by size.</aside>
<figure><img src="tray.png" alt="A seed tray"><figcaption>Seeds in rows</figcaption></figure>
<p><math display="block" alttext="n^2"><mi>n</mi></math></p>
<h2>Notes</h2>
<section class="footnotes" role="doc-endnotes"><ol><li id="fn1"><p>Counted twice.
<a href="#r1" role="doc-backlink">↩</a></p></li></ol></section>
</main></body></html>"""


def test_html_roles():
    article = read_text(PAGE, "html")
    assert article.title == "Sorting by hand"
    assert [s.title for s in article.sections] == ["", "Keys"]
    opening, keys = article.sections
    assert [(b.kind, b.text) for b in opening.blocks] == [
        (PARAGRAPH, "The GT (Garden Trust) met on Thursday to sort seeds. The GT counted "
                    "them."),
        (PARAGRAPH, "Open the tray (new window) first."),
        (NOTE, "Counted twice."),  # at the end of the section that refers to it
    ]
    # <time> is shown as the page shows it and said from its datetime
    assert opening.blocks[0].spoken == ("The GT (Garden Trust) met on 2023-09-14 to sort seeds. "
                                        "The GT counted them.")
    assert [(s.kind, s.words) for s in opening.skipped] == [
        ("clutter", 6), ("hidden", 4), ("hidden", 1)]
    assert [b.kind for b in keys.blocks] == [QUOTE, FIGURE, MATH]  # the aside is skipped
    assert keys.blocks[1].text == "Seeds in rows"
    assert keys.blocks[2].spoken == "A formula, shown in the transcript."
    assert [(s.kind, s.text) for s in keys.skipped] == [("aside", "Sort by size.")]
    spoken = " ".join(u.spoken for u in plan(article, Settings(), "en").utterances)
    assert "Draft" not in spoken and "icon" not in spoken and "¶" not in spoken
    assert "Notes for this section: Counted twice." in spoken
    assert "Figure: Seeds in rows" in spoken


def test_settings_skip_notes_and_keep_asides():
    article = read_text(PAGE, "html", settings=Settings(skip=("notes",), keep=("asides",)))
    opening, keys = article.sections
    assert NOTE not in [b.kind for b in opening.blocks]
    assert opening.skipped[-1] == Skipped("notes", "Counted twice.", 2)
    assert [b.kind for b in keys.blocks] == [QUOTE, ASIDE, FIGURE, MATH]
    with pytest.raises(SettingsError):
        validate(Settings(skip=("adverts",)))


@pytest.mark.parametrize("heading", [
    "Key Functions¶", "Key Functions#", "¶ Key Functions",
    "Key Functions 🔗", "Key Functions\ue157", "Key Functions Link to this heading",
])
def test_heading_text_drops_permalinks(heading):
    assert heading_text(heading) == "Key Functions"


def test_heading_text_keeps_names():
    assert heading_text("Learning C#") == "Learning C#"
    assert heading_text("Issue #") == "Issue #"


def test_markdown_footnotes_figures_math():
    text = """# Seeds

## Sowing

Sow thinly.[^a] It costs $5 and $10 a tray.

![A tray of seedlings](tray.png)

$$
n^2 + 1
$$

## Thinning

Thin them out.[^b]

[^a]: Thinly means a finger apart.
[^b]: Keep the strongest.
"""
    sowing, thinning = read_text(text, "md").sections
    assert [(b.kind, b.text) for b in sowing.blocks] == [
        (PARAGRAPH, "Sow thinly. It costs $5 and $10 a tray."),
        (FIGURE, "A tray of seedlings"),
        (MATH, "n^2 + 1"),
        (NOTE, "Thinly means a finger apart."),
    ]
    assert [(b.kind, b.text) for b in thinning.blocks] == [
        (PARAGRAPH, "Thin them out."), (NOTE, "Keep the strongest.")]


def test_sections_json_lists_what_is_skipped(tmp_path):
    page = tmp_path / "roles.html"
    page.write_text(PAGE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["sections", str(page), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["sections"]
    assert rows[0]["skipped"] == [{"kind": "clutter", "words": 6}, {"kind": "hidden", "words": 5}]
    assert rows[1]["skipped"] == [{"kind": "aside", "words": 3}]
    kept = CliRunner().invoke(cli, ["sections", str(page), "--json", "--keep", "asides"])
    assert json.loads(kept.output)["sections"][1]["skipped"] == []
    bad = CliRunner().invoke(cli, ["sections", str(page), "--skip", "adverts"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


# --------------------------------------------------------------------------------------------
# What issue 18's golden files showed (ads, credits, related blocks, <time>, inline math)


@pytest.mark.parametrize(("value", "said"), [
    ("2024-03-05", "2024-03-05"),
    ("18:30", "18:30"),
    ("18:30:00", "18:30"),
    ("2024-04-13T09:00:00Z", "2024-04-13, 09:00"),
    ("2024-04-13 09:00+01:00", "2024-04-13, 09:00"),
    ("PT2H30M", "2 hours 30 minutes"),
    ("P1D", "1 day"),
    ("2024-04", "April 2024"),
    ("2024", "2024"),
    ("25:70", None),
    ("next week", None),
    ("P", None),
])
def test_time_datetime_is_said_from_its_value(value, said):
    from audioguide.readers.htmlroles import datetime_said

    assert datetime_said(value) == said


def test_time_is_shown_as_written_and_said_from_datetime():
    page = ('<html lang="en"><body><article><h1>Market</h1><p>It closed at '
            '<time datetime="18:30">half six</time> on <em><time datetime="2024-03-05">Tue 5/3'
            '</time></em>.</p><ul><li>Open <time datetime="PT2H">two hours</time></li></ul>'
            '</article></body></html>')
    article = read_text(page, "html")
    blocks = _blocks(article)
    assert blocks[0].text == "It closed at half six on Tue 5/3."
    assert blocks[0].spoken == "It closed at 18:30 on 2024-03-05."
    assert (blocks[1].text, blocks[1].spoken) == ("Open two hours", "Open 2 hours")
    utterances = plan(article, Settings(), "en").utterances
    said = {u.shown: u.spoken for u in utterances}
    assert said["It closed at half six on Tue 5/3."] == (
        "It closed at eighteen thirty on March fifth, twenty twenty-four.")


@pytest.mark.parametrize(("caption", "kept", "credit"), [
    ("Photo credit: Kim Lee", "", "Photo credit: Kim Lee"),
    ("A heron at dawn (Photo: Kim Lee).", "A heron at dawn.", "(Photo: Kim Lee)"),
    ("The weir. Photograph: A. Roe/Agency", "The weir.", "Photograph: A. Roe/Agency"),
    ("The weir. Sam Roe/Getty Images", "The weir.", "Sam Roe/Getty Images"),
    ("Photos of the river at dusk", "Photos of the river at dusk", ""),
    ("Rainfall peaks in November.", "Rainfall peaks in November.", ""),
])
def test_image_credits_leave_the_caption(caption, kept, credit):
    from audioguide.readers.htmlroles import split_credit

    assert split_credit(caption) == (kept, credit)


def test_ads_credits_and_related_blocks_are_clutter():
    page = """<html lang="en"><body><main><h1>River</h1><p>The path is long.</p>
    <div class="ad">Buy boots today.</div>
    <div id="div-gpt-ad-12">Cheap tents.</div>
    <ins class="adsbygoogle">Sponsored words.</ins>
    <div aria-label="Advertisement"><p>Rent a canoe.</p></div>
    <figure><img src="a.jpg" alt="A bend"><figcaption>A bend in the river
      <small class="credit">Kim Lee</small></figcaption></figure>
    <aside class="related-posts"><h2>Related posts</h2><ul><li><a href="/a">Another walk</a>
      </li></ul></aside>
    <section><h2>More stories</h2><ul><li><a href="/b">Canal birds</a></li></ul></section>
    <section><h2>Related work</h2><p>Earlier surveys counted the birds by hand.</p></section>
    <p>Benches stand at every bend.</p></main></body></html>"""
    article = read_text(page, "html")
    spoken = " ".join(u.spoken for u in plan(article, Settings(), "en").utterances)
    for word in ("boots", "tents", "Sponsored", "canoe", "Kim", "Another", "Canal"):
        assert word not in spoken
    assert "Figure: A bend in the river" in spoken and "Earlier surveys" in spoken
    clutter = [s for section in article.sections for s in section.skipped]
    assert [s.words for s in clutter if s.kind == "clutter"] == [3, 2, 2, 3, 2, 4, 4]


def test_text_of_separate_blocks_keeps_a_space():
    page = """<html lang="en"><body><article><h1>Bread</h1><p>Flour and water.</p>
    <aside><h2>A tip</h2><p>Rye drinks more water.</p></aside></article></body></html>"""
    asides = [b.text for b in _blocks(read_text(page, "html", settings=Settings(keep=("asides",))))
              if b.kind == ASIDE]
    assert asides == ["A tip Rye drinks more water."]


def test_inline_math_is_a_short_note_and_money_stays():
    article = read_text("# Speed\n\nSpeed is $v = d / t$ here, for $n$ boats; it costs $5 "
                        "and $10.\n", "md")
    block = _blocks(article)[0]
    assert block.text == "Speed is $v = d / t$ here, for $n$ boats; it costs $5 and $10."
    assert block.spoken == ("Speed is a formula shown in the transcript here, for n boats; it "
                            "costs $5 and $10.")
    page = ('<html lang="en"><body><article><h1>Speed</h1><p>Speed is <math><mi>v</mi><mo>=</mo>'
            '<msup><mi>d</mi><mn>2</mn></msup></math> here.</p></article></body></html>')
    blocks = _blocks(read_text(page, "html"))
    assert [(b.kind, b.text, b.spoken) for b in blocks] == [
        (PARAGRAPH, "Speed is v = d^2 here.",
         "Speed is a formula shown in the transcript here.")]


def test_a_page_without_article_or_main_keeps_its_roles_through_trafilatura():
    """A page with no <main>/<article> is read through trafilatura: its footnote references
    are still not read ("places1"), and its notes are read last, with their lead."""
    from pathlib import Path

    from audioguide.readers import read_source
    from audioguide.settings import Settings
    from audioguide.speech import plan as plan_speech

    page = Path(__file__).parent / "data" / "roles" / "no-article.html"
    settings = Settings()
    article = read_source(str(page), settings)
    article = article[0] if isinstance(article, list) else article
    spoken = [u.spoken for u in plan_speech(article, settings, "en").utterances]
    assert "Tides rise twice a day in most places." in spoken
    assert "Spring tides come at full and new moon, when the sun and moon line up." in spoken
    assert not any("Share this" in s or "Copyright" in s for s in spoken)
    assert spoken[-2:] == ["Notes for this section: Some places have one tide a day.",
                           "These are called syzygies."]
