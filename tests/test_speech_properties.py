"""Property tests: no text breaks the sentence splitter, spoken_form or plan()."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from audioguide.errors import SourceError
from audioguide.models import ITEM, PARAGRAPH, Article, Block, Section
from audioguide.settings import Settings
from audioguide.speech import MAX_SPOKEN_CHARS, plan, split_sentences, spoken_form
from audioguide.speech import data as speech_data

# Words, punctuation and the things the steps look for, mixed with any text at all.
PIECES = st.sampled_from(
    [
        "e.g.", "i.e.", "etc.", "vs.", "Dr.", "St.", "3.5", "1999", "$5.99", "15%", "5 km",
        "3:30 pm", "1st", "FAQ", "RDLs", "https://www.example.org/a_b", "a@b.org", "&", "/",
        "+", "•", "*bold*", "_em_", "`code`", "🎉", "👍🏽", '"Stop."', "(see.)", "...", "…",
        "?", "!", ".", ",", "—", "-", "#", "Hello", "world", "J.", "No.", "\n", "  ",
    ]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=120),
    st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=25).map(" ".join),
)
FORBIDDEN = set(speech_data.BULLETS) | set("*_`")


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_split_sentences_keeps_every_character(text):
    sentences = split_sentences(text)
    assert " ".join(sentences) == " ".join(text.split())
    assert all(sentence and sentence == sentence.strip() for sentence in sentences)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.sampled_from(["en", "de", "fr"]))
def test_spoken_form_never_reads_markup_or_bullets(text, lang):
    spoken = spoken_form(text, lang=lang)
    assert isinstance(spoken, str)
    assert not FORBIDDEN & set(spoken)
    assert spoken == spoken.strip()


@settings(max_examples=100, deadline=None)
@given(TEXT, st.dictionaries(st.sampled_from(["Hello", "world", "FAQ", "e.g."]), PIECES))
def test_spoken_form_with_any_lexicon_never_raises(text, lexicon):
    lexicon = {word: value for word, value in lexicon.items() if value.strip()}
    assert isinstance(spoken_form(text, lexicon=lexicon), str)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "Part"]), st.lists(TEXT, max_size=4)), max_size=4))
def test_plan_never_speaks_empty_or_too_long_text(sections):
    article = Article(
        title="T",
        sections=tuple(
            Section(
                title, tuple(Block(ITEM if i % 2 else PARAGRAPH, t) for i, t in enumerate(texts))
            )
            for title, texts in sections
        ),
    )
    try:
        result = plan(article, Settings(), "en")
    except SourceError:
        return
    assert result.utterances
    assert all(u.spoken.strip() and len(u.spoken) <= MAX_SPOKEN_CHARS for u in result.utterances)
    assert all(0 <= u.section < len(result.chapter_titles) for u in result.utterances)
    sections_seen = [u.section for u in result.utterances]
    assert sections_seen == sorted(sections_seen)
    assert set(sections_seen) == set(range(len(result.chapter_titles)))
