"""plan() and section_summary() on small articles built here."""

from __future__ import annotations

import json

import pytest

from audioguide.errors import SourceError
from audioguide.models import (
    CODE,
    ITEM,
    LEADIN,
    PARAGRAPH,
    QUESTION,
    QUOTE,
    SUBHEADING,
    TABLE,
    Article,
    Block,
    Section,
)
from audioguide.settings import Pauses, Settings
from audioguide.speech import MAX_SPOKEN_CHARS, Plan, plan, section_summary

PAUSES = Pauses(sentence=300, item=500, paragraph=700, heading=650, section=1200, intro=900)
SETTINGS = Settings(pauses=PAUSES)

ARTICLE = Article(
    title="Morning Walks",
    byline="Jo Smith",
    source="walks.txt",
    sections=(
        Section(
            "",
            (Block(PARAGRAPH, "A short walk helps. It takes 20 min a day."),),
        ),
        Section(
            "Why Walk",
            (
                Block(LEADIN, "Walking brings three things:"),
                Block(ITEM, "Better sleep."),
                Block(ITEM, "A calmer mind. Fewer aches."),
                Block(ITEM, "🎉🎉"),
            ),
        ),
        Section("", ()),  # nothing at all: dropped
        Section(
            "FAQ",
            (
                Block(QUESTION, "How far should I walk?"),
                Block(PARAGRAPH, "About 2 km is plenty."),
            ),
        ),
    ),
)


@pytest.fixture(scope="module")
def walk_plan() -> Plan:
    return plan(ARTICLE, SETTINGS, "en")


def test_chapters(walk_plan):
    assert walk_plan.chapter_titles == ("Introduction", "Why Walk", "FAQ")


def test_intro_comes_first(walk_plan):
    intro = walk_plan.utterances[0]
    assert intro.kind == "intro" and intro.section == 0
    assert intro.shown == "Morning Walks, by Jo Smith. 2 sections, less than a minute."
    assert intro.spoken == "Morning Walks, by Jo Smith. Two sections, less than a minute."
    assert intro.pause_after == PAUSES.intro


def test_one_utterance_per_sentence_and_pauses(walk_plan):
    rows = [(u.shown, u.kind, u.pause_after, u.section) for u in walk_plan.utterances[1:]]
    assert rows == [
        ("A short walk helps.", "sentence", PAUSES.sentence, 0),
        ("It takes 20 min a day.", "sentence", PAUSES.section, 0),
        ("Why Walk", "heading", PAUSES.heading, 1),
        ("Walking brings three things:", "sentence", PAUSES.paragraph, 1),
        ("Better sleep.", "item", PAUSES.item, 1),
        ("A calmer mind.", "item", PAUSES.sentence, 1),
        ("Fewer aches.", "item", PAUSES.section, 1),  # the emoji-only item is dropped
        ("FAQ", "heading", PAUSES.heading, 2),
        ("How far should I walk?", "question", PAUSES.paragraph, 2),
        ("About 2 km is plenty.", "sentence", 0, 2),  # the episode's last: no tail pause
    ]


def test_spoken_differs_from_shown(walk_plan):
    spoken = {u.shown: u.spoken for u in walk_plan.utterances}
    assert spoken["It takes 20 min a day."] == "It takes twenty minutes a day."
    assert spoken["FAQ"] == "F A Q."
    assert spoken["About 2 km is plenty."] == "About two kilometers is plenty."


def test_paragraph_end_marks_last_sentence_of_each_block(walk_plan):
    ends = [u.shown for u in walk_plan.utterances if u.paragraph_end]
    assert "A short walk helps." not in ends
    assert "A calmer mind." not in ends
    assert {"It takes 20 min a day.", "Better sleep.", "Fewer aches.", "Why Walk"} <= set(ends)


def test_no_empty_spoken_text(walk_plan):
    assert all(u.spoken.strip() for u in walk_plan.utterances)
    assert not any("🎉" in u.shown for u in walk_plan.utterances)


def test_plan_is_deterministic(walk_plan):
    assert plan(ARTICLE, SETTINGS, "en") == walk_plan


def test_announce_mode():
    result = plan(ARTICLE, SETTINGS.with_(announce=True), "en")
    headings = [(u.shown, u.spoken) for u in result.utterances if u.kind == "heading"]
    assert headings == [
        ("Section 1 of 2: Why Walk", "Section one of two: Why Walk."),
        ("Section 2 of 2: FAQ", "Section two of two: F A Q."),
    ]
    assert result.chapter_titles == ("Introduction", "Why Walk", "FAQ")


def test_no_intro_summary():
    result = plan(ARTICLE, SETTINGS.with_(intro_summary=False), "en")
    assert result.utterances[0].shown == "A short walk helps."
    assert "intro" not in {u.kind for u in result.utterances}


def test_intro_without_opening_section_belongs_to_first_chapter():
    article = Article(title="T", sections=(Section("Only", (Block(PARAGRAPH, "Hi there."),)),))
    result = plan(article, SETTINGS, "en")
    assert result.chapter_titles == ("Only",)
    assert [u.kind for u in result.utterances] == ["intro", "heading", "sentence"]
    assert result.utterances[0].shown == "T. 1 section, less than a minute."


def test_long_sentence_is_split_below_the_limit():
    clauses = [f"clause number {n} goes on for a while with words" for n in range(40)]
    sentence = ", ".join(clauses) + "."
    article = Article(title="Long", sections=(Section("", (Block(PARAGRAPH, sentence),)),))
    result = plan(article, SETTINGS.with_(intro_summary=False), "en")
    assert len(result.utterances) > 1
    assert all(len(u.spoken) <= MAX_SPOKEN_CHARS for u in result.utterances)
    assert " ".join(u.shown for u in result.utterances) == sentence
    assert [u.pause_after for u in result.utterances][:-1] == [PAUSES.sentence] * (
        len(result.utterances) - 1
    )


def test_long_word_run_without_punctuation_is_split():
    sentence = " ".join(["word"] * 300)
    article = Article(title="Long", sections=(Section("", (Block(PARAGRAPH, sentence),)),))
    result = plan(article, SETTINGS.with_(intro_summary=False), "en")
    assert all(0 < len(u.spoken) <= MAX_SPOKEN_CHARS for u in result.utterances)
    assert sum(u.shown.count("word") for u in result.utterances) == 300


def test_one_huge_word_is_one_short_utterance():
    article = Article(title="", sections=(Section("", (Block(PARAGRAPH, "x" * 100_000),)),))
    result = plan(article, SETTINGS.with_(intro_summary=False), "en")
    assert [(len(u.shown), u.spoken) for u in result.utterances] == [(100_000, "x" * 40)]


def test_huge_lexicon_value_is_clipped():
    article = Article(title="", sections=(Section("", (Block(PARAGRAPH, "Say hi."),)),))
    result = plan(article, SETTINGS.with_(intro_summary=False), "en", {"hi": "hello " * 200})
    assert all(len(u.spoken) <= MAX_SPOKEN_CHARS for u in result.utterances)


def test_quote_code_table_and_subheading():
    blocks = (
        Block(QUOTE, "Walk every day. It helps."),
        Block(CODE, "print('hi')", spoken="A short code example."),
        Block(CODE, "x = 1"),
        Block(TABLE, "| a | b |\n| 1 | 2 |", spoken="Row 1: a is 1, b is 2."),
        Block(SUBHEADING, "Getting started"),
        Block(PARAGRAPH, "Go."),
    )
    article = Article(title="Q", sections=(Section("Body", blocks),))
    result = plan(article, SETTINGS.with_(intro_summary=False), "en")
    rows = [(u.shown, u.spoken, u.pause_after) for u in result.utterances]
    assert rows == [
        ("Body", "Body.", PAUSES.heading),
        ("Walk every day.", "Quote: Walk every day.", PAUSES.sentence),
        ("It helps.", "It helps. End of quote.", PAUSES.paragraph),
        ("print('hi')", "A short code example.", PAUSES.paragraph),
        ("x = 1", "A code example, shown in the transcript.", PAUSES.paragraph),
        ("| a | b |\n| 1 | 2 |", "Row one: a is one, b is two.", PAUSES.paragraph),
        ("Getting started", "Getting started.", PAUSES.heading),
        ("Go.", "Go.", 0),
    ]


def test_section_pause_between_sections_only():
    result = plan(ARTICLE, SETTINGS, "en")
    lasts = [
        u
        for i, u in enumerate(result.utterances)
        if i + 1 == len(result.utterances) or result.utterances[i + 1].section != u.section
    ]
    assert [u.pause_after for u in lasts] == [PAUSES.section, PAUSES.section, 0]


def test_unspeakable_section_is_dropped():
    article = Article(
        title="E",
        sections=(
            Section("", (Block(PARAGRAPH, "Real words."),)),
            Section("🎉", (Block(ITEM, "✨✨"),)),
        ),
    )
    result = plan(article, SETTINGS, "en")
    assert result.chapter_titles == ("Introduction",)
    assert {u.section for u in result.utterances} == {0}


def test_nothing_to_read_raises_source_error():
    article = Article(title="", source="empty.md", sections=(Section("", (Block(ITEM, "👍"),)),))
    with pytest.raises(SourceError, match=r"^empty\.md: nothing to read aloud"):
        plan(article, SETTINGS, "en")


def test_other_language_keeps_numbers_and_skips_english_words():
    article = Article(
        title="Spaziergang",
        byline="Jo",
        sections=(Section("Warum", (Block(QUOTE, "Geh **jeden** Tag 5 km."),)),),
    )
    result = plan(article, SETTINGS.with_(announce=True), "de")
    assert [u.spoken for u in result.utterances] == [
        "Spaziergang. Jo.",
        "1/1: Warum.",
        "Geh jeden Tag 5 km.",
    ]


def test_lexicon_reaches_the_plan():
    result = plan(ARTICLE, SETTINGS, "en", lexicon={"walk": "wawk"})
    assert "A short wawk helps." in [u.spoken for u in result.utterances]
    assert "A short walk helps." in [u.shown for u in result.utterances]


def test_section_summary_shape():
    summary = section_summary(ARTICLE, Settings())
    assert json.loads(json.dumps(summary)) == summary
    assert set(summary) == {"title", "sections"}
    assert summary["title"] == "Morning Walks"
    assert [s["title"] for s in summary["sections"]] == ["Introduction", "Why Walk", "FAQ"]
    for section in summary["sections"]:
        assert set(section) == {"title", "words", "seconds"}
        assert isinstance(section["words"], int) and isinstance(section["seconds"], float)
        assert section["seconds"] == round(section["seconds"], 1)
    assert summary["sections"][0]["words"] == 10
    assert summary["sections"][0]["seconds"] == round(10 * 60 / 155, 1)


def test_section_summary_follows_rate():
    slow = section_summary(ARTICLE, Settings(rate=1.0))["sections"][0]["seconds"]
    fast = section_summary(ARTICLE, Settings(rate=2.0))["sections"][0]["seconds"]
    assert fast == pytest.approx(slow / 2, abs=0.1)


@pytest.mark.parametrize(
    ("title", "byline", "expected"),
    [
        ("Can You Walk?", "Jo", "Can You Walk? By Jo. 1 section, less than a minute."),
        ("Can You Walk?", "", "Can You Walk? 1 section, less than a minute."),
        ("", "", "1 section, less than a minute."),
    ],
)
def test_intro_wording(title, byline, expected):
    article = Article(
        title=title, byline=byline, sections=(Section("A", (Block(PARAGRAPH, "Go."),)),)
    )
    assert plan(article, SETTINGS, "en").utterances[0].shown == expected


def test_very_long_title_intro_is_split():
    title = " ".join(["Very long title words"] * 40)
    article = Article(title=title, sections=(Section("", (Block(PARAGRAPH, "Go."),)),))
    utterances = plan(article, SETTINGS, "en").utterances
    intros = [u for u in utterances if u.kind == "intro"]
    assert len(intros) > 1
    assert all(len(u.spoken) <= MAX_SPOKEN_CHARS for u in intros)
    assert intros[-1].pause_after == PAUSES.intro


@pytest.mark.parametrize(
    ("words", "phrase"), [(100, "less than a minute"), (155 * 7, "about 7 minutes")]
)
def test_intro_minutes(words, phrase):
    text = " ".join(["walk."] * words)
    article = Article(title="T", sections=(Section("", (Block(PARAGRAPH, text),)),))
    assert (
        plan(article, SETTINGS, "en").utterances[0].shown == f"T. {phrase[0].upper()}{phrase[1:]}."
    )
