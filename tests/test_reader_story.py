"""Issue 22: a cluttered news page is read as its story (readers/htmlpick.py).

Every page here is our own writing, shaped like the failures found on real news sites: the
story beside teaser lists, author boxes, menus inside <main>, "filed under" tags, several
<article> elements, a custom element around the whole page, a story class that also says
"read-more", and a JSON-LD article.
"""

from __future__ import annotations

import json

from audioguide.models import BlockKind
from audioguide.readers import read_text
from audioguide.readers.htmlpick import Reference, jsonld_article, story_items

STORY = [
    "The harbour ferry returned to its winter timetable on Monday, with the first crossing "
    "leaving the north pier at seven and the last one at half past six in the evening.",
    "Skippers said the shorter day follows the lighter traffic of the colder months, when "
    "fewer visitors cross to the island and most passengers are people going to work.",
    "The council will review the timetable again in March, after counting passengers on "
    "every crossing through the winter and asking the island's shops what they need.",
    "Until then, a bus meets the last ferry at the south landing, and bicycles travel free "
    "on every crossing before nine in the morning and after four in the afternoon.",
]
TEASERS = [
    "Lighthouse keeper retires after forty years on the rock",
    "Island bakery wins a prize for its rye bread",
    "Storm closes the coastal path for a week",
    "New nesting boxes for puffins on the cliffs",
]


def _paragraphs() -> str:
    return "".join(f"<p>{text}</p>" for text in STORY)


def _teasers(kind: str = "ul") -> str:
    items = "".join(f'<li><a href="/s/{n}">{text}</a></li>' for n, text in enumerate(TEASERS))
    return f"<h3>More news</h3><{kind}>{items}</{kind}>"


def _said(article) -> str:
    return "\n".join(b.text for s in article.sections for b in s.blocks)


# A published news page says so in its social metadata: the story is then cut out of its
# marked content whenever that holds more than the story (html.CLEAN).
OPEN_GRAPH = ('<meta property="og:type" content="article">'
              '<meta property="og:site_name" content="Harbour News">')


def _read(body: str, head: str = OPEN_GRAPH) -> str:
    page = (f'<html lang="en"><head><title>Ferry timetable | Harbour News</title>{head}</head>'
            f"<body>{body}</body></html>")
    return _said(read_text(page, "html"))


def _assert_story_only(said: str) -> None:
    for text in STORY:
        assert text in said
    for text in TEASERS:
        assert text not in said


def test_teaser_list_inside_main_is_not_read():
    said = _read(f"<main><h1>Ferry keeps winter hours</h1>{_paragraphs()}{_teasers()}</main>")
    _assert_story_only(said)


def test_author_box_and_filed_under_inside_the_article_are_not_read():
    box = ('<div class="author-box"><ul><li><a href="/a">View author archive</a></li>'
           '<li><a href="/m">email the author</a></li><li><a href="/r">Get author RSS feed'
           "</a></li></ul></div>")
    tags = '<p>Filed under <a href="/t/ferry">ferry</a>, <a href="/t/island">island</a></p>'
    said = _read(f"<article><h1>Ferry keeps winter hours</h1>{box}{_paragraphs()}{tags}"
                 f"<p><a href='/x'>Enlarge Image</a></p></article>")
    _assert_story_only(said)
    for furniture in ("View author archive", "email the author", "Filed under", "Enlarge"):
        assert furniture not in said


def test_a_site_menu_inside_main_is_not_read():
    menu = "<ul>" + "".join(f'<li><a href="/{w}">{w}</a></li>' for w in (
        "Home", "News", "Sport", "Weather", "Island life", "Letters", "Archive")) + "</ul>"
    said = _read(f"<main>{menu}<h1>Ferry keeps winter hours</h1>{_paragraphs()}</main>")
    _assert_story_only(said)
    assert "Island life" not in said and "Letters" not in said


def test_the_story_is_found_among_several_articles():
    teasers = "".join(f'<article><h2><a href="/{n}">{text}</a></h2><p>{text}, and more about '
                      f"it inside.</p></article>" for n, text in enumerate(TEASERS))
    said = _read(f"{teasers}<article><h1>Ferry keeps winter hours</h1>{_paragraphs()}"
                 "</article>")
    _assert_story_only(said)


def test_a_custom_element_around_the_page_does_not_make_it_one_paragraph():
    article = read_text(
        "<html><body><site-page><div class='menu-list'>Home News Sport</div><div><h1>Ferry "
        f"keeps winter hours</h1>{_paragraphs()}</div></site-page></body></html>", "html")
    blocks = [b.text for s in article.sections for b in s.blocks]
    assert blocks[:len(STORY)] == STORY


def test_a_story_class_that_says_read_more_is_no_clutter():
    said = _read('<div class="entry-content entry-content-read-more">'
                 f"<h1>Ferry keeps winter hours</h1>{_paragraphs()}</div>{_teasers()}")
    _assert_story_only(said)


def test_json_ld_gives_title_byline_and_date():
    data = {"@context": "https://schema.org", "@type": "NewsArticle",
            "headline": "Ferry keeps its winter hours", "datePublished": "2024-11-04T08:00:00Z",
            "author": [{"@type": "Person", "name": "Maren Holt"}],
            "articleBody": " ".join(STORY)}
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    page = (f"<html><head><title>Harbour News</title>{head}</head><body><div>"
            f"{_paragraphs()}</div>{_teasers('ol')}</body></html>")
    article = read_text(page, "html")
    assert article.title == "Ferry keeps its winter hours"
    assert article.byline == "Maren Holt"
    assert article.date == "2024-11-04"
    _assert_story_only(_said(article))


def test_json_ld_article_is_read_from_a_graph_and_ignores_other_types():
    script = {"@graph": [{"@type": "WebPage", "articleBody": "not this"},
                         {"@type": ["BlogPosting"], "headline": "Ferry",
                          "author": "https://example.org/people/1", "articleBody": "this"}]}
    from lxml import html

    tree = html.document_fromstring(
        f'<html><head><script type="application/ld+json">{json.dumps(script)}</script>'
        "</head><body><p>x</p></body></html>")
    assert jsonld_article(tree) == {"body": "this", "headline": "Ferry"}


def test_broken_json_ld_is_ignored():
    said = _read(f"<main>{_paragraphs()}{_teasers()}</main>",
                 head=OPEN_GRAPH + '<script type="application/ld+json">{"@type": "NewsArticle",'
                 "</script>")
    _assert_story_only(said)


def test_reference_share_counts_trigrams_and_short_blocks_in_order():
    reference = Reference("the ferry leaves the north pier at seven")
    assert reference.share("the ferry leaves the north pier") == 1.0
    assert reference.share("the north pier leaves") == 0.5
    assert reference.share("pier north") == 0.0  # two words: in that order only
    assert reference.share("seven") == 1.0
    assert reference.share("") == 0.0


def test_story_items_keeps_figures_in_the_flow_and_drops_repeated_ones():
    from audioguide.models import Block

    reference = Reference(" ".join(STORY))
    figure = Block(BlockKind.FIGURE, "The ferry at the north pier")
    items = [Block(BlockKind.PARAGRAPH, TEASERS[0]), Block(BlockKind.PARAGRAPH, STORY[0]),
             figure, Block(BlockKind.PARAGRAPH, STORY[1]), figure,
             Block(BlockKind.PARAGRAPH, STORY[2]), Block(BlockKind.ITEM, TEASERS[1]),
             Block(BlockKind.FIGURE, "A teaser picture"), Block(BlockKind.ITEM, TEASERS[2])]
    kept = story_items(items, reference)
    assert kept == [items[1], figure, items[3], items[5]]


def test_a_documentation_page_without_social_metadata_is_read_whole():
    menu = "<ul>" + "".join(f"<li>{w} options</li>" for w in ("Build", "Test", "Lint")) + "</ul>"
    said = _read(f"<main><h1>Tool reference</h1>{menu}{_paragraphs()}</main>", head="")
    assert "Build options" in said and STORY[0] in said


def test_a_clean_page_is_read_whole():
    said = _read("<main><h1>Notes on knots</h1><p>Tie the bowline first.</p>"
                 "<h2>Second knot</h2><p>Then the clove hitch.</p></main>")
    assert said.split("\n") == ["Tie the bowline first.", "Then the clove hitch."]
