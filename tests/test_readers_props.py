"""Property tests: no text makes a reader crash, and every word of the body lands in one section.

A word is a run of letters. The words of the input (after cleaning) must equal the words of the
section titles and blocks, plus at most the words taken out as metadata (title, category,
byline, reading time): nothing invented, duplicated or lost.
"""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audioguide.errors import SourceError
from audioguide.readers import read_text
from audioguide.readers.decode import clean_text

WORD = re.compile(r"[^\W\d_]+")
TOKENS = ["river", "Stone", "The", "bridge", "Morning", "water", "Is", "it", "calm", "FAQ",
          "Questions", "Key", "By", "Ann", "5", "min", "read", ".", "?", ":", ",", "•", "-",
          "*", "1.", "2)", "#", "##", "===", "---", ">", "(Note)", "café", "日本", "Über"]
INDENTS = ["", "", "", "  ", "    ", "\t"]

line = st.tuples(st.sampled_from(INDENTS), st.lists(st.sampled_from(TOKENS), max_size=10)).map(
    lambda pair: pair[0] + " ".join(pair[1]))
documents = st.lists(st.one_of(line, st.just("")), min_size=1, max_size=40).map("\n".join)
PROPS = settings(max_examples=150, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow])


def _words(*texts: str) -> Counter:
    return Counter(word.casefold() for text in texts for word in WORD.findall(text or ""))


def _check_words(source_text: str, article) -> None:
    body = _words(*[s.title for s in article.sections],
                  *[b.text for s in article.sections for b in s.blocks])
    given_words = _words(clean_text(source_text))
    assert not body - given_words, f"invented or duplicated: {body - given_words}"
    missing = given_words - body
    allowed = _words(article.title, article.category, article.byline, article.reading_time,
                     "by written author min minute minutes read" if article.byline
                     or article.reading_time else "")
    assert not missing - allowed, f"lost: {missing - allowed}"


@PROPS
@given(documents)
def test_text_words_land_in_exactly_one_section(text):
    try:
        article = read_text(text, "txt", "doc.txt")
    except SourceError as error:
        assert "\n" not in str(error)
        # Only metadata (category, title, byline, reading time: one line each) and no body.
        assert sum(1 for row in text.split("\n") if WORD.search(row)) <= 4
        return
    assert article.title
    _check_words(text, article)


@PROPS
@given(documents)
def test_markdown_words_land_in_exactly_one_section(text):
    text = "Start here.\n\n" + text  # no front matter: its words would be metadata
    article = read_text(text, "md", "doc.md")
    _check_words(text, article)


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.sampled_from(["txt", "md", "html"]))
def test_no_text_makes_a_reader_crash(text, fmt):
    try:
        article = read_text(text, fmt, "any." + fmt)
    except SourceError as error:
        assert "\n" not in str(error)
        return
    assert article.title and article.sections


html_tokens = st.sampled_from(["<p>", "</p>", "<h1>", "</h1>", "<h2>", "</h2>", "<ul>", "<li>",
                               "</ul>", "<div>", "</div>", "<table><tr><td>", "<script>",
                               "</script>", "&amp;", "&#0;", "&bogus;", "<br>", "<!--", "-->",
                               "word", "Title", " ", "<pre>", "</pre>", "<blockquote>"])


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(html_tokens, max_size=60).map("".join))
def test_no_html_makes_the_reader_crash(text):
    try:
        article = read_text(text, "html")
    except SourceError:
        return
    assert article.sections
