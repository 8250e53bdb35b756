"""Speech text: sentences, each text step, spoken_form and the lexicon file."""

from __future__ import annotations

import functools
import subprocess
import sys

import pytest

from audioguide import speech
from audioguide.errors import SettingsError
from audioguide.speech import (
    count_words,
    estimate_seconds,
    load_lexicon,
    split_sentences,
    spoken_form,
)

SENTENCES = [
    ("One. Two? Three!", ["One.", "Two?", "Three!"]),
    ("Ask Dr. Okafor first. Then rest.", ["Ask Dr. Okafor first.", "Then rest."]),
    ("Eat greens, e.g. kale, daily. Sleep well.", ["Eat greens, e.g. kale, daily.", "Sleep well."]),
    ("That is, i.e. Monday, the start. Go.", ["That is, i.e. Monday, the start.", "Go."]),
    ("Cats vs. Dogs is old. Fine.", ["Cats vs. Dogs is old.", "Fine."]),
    ("Walk to St. Ives today. Done.", ["Walk to St. Ives today.", "Done."]),
    ("Pens, paper, etc. are here. Sit.", ["Pens, paper, etc. are here.", "Sit."]),
    ("Bring pens, paper, etc. Then sit.", ["Bring pens, paper, etc.", "Then sit."]),
    ("It rose 3.5 points. Good.", ["It rose 3.5 points.", "Good."]),
    ("J. K. Rowling wrote it. Yes.", ["J. K. Rowling wrote it.", "Yes."]),
    ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
    ('She asked "Why?" and waited.', ['She asked "Why?" and waited.']),
    ("Wait... Go on. Well… Fine.", ["Wait...", "Go on.", "Well…", "Fine."]),
    ("(It is true.) Next one.", ["(It is true.)", "Next one."]),
    ("See No. 5 here. Next.", ["See No. 5 here.", "Next."]),
    ("The U.S. Army won. Yes.", ["The U.S. Army won.", "Yes."]),
    ("Leave at 5 p.m. Then rest.", ["Leave at 5 p.m.", "Then rest."]),
    ("The answer is no. Then what?", ["The answer is no.", "Then what?"]),
    ("No trailing stop", ["No trailing stop"]),
    ("  Spaces\n  everywhere.   Here  ", ["Spaces everywhere.", "Here"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


SPOKEN = [
    ("5 min read", "Five minute read"),
    ("a 5 min read", "a five minute read"),
    ("It takes 20 min.", "It takes twenty minutes."),
    ("The 1st, 2nd and 23rd", "The first, second and twenty-third"),
    ("Born in 1999.", "Born in nineteen ninety-nine."),
    ("Since 2005.", "Since two thousand and five."),
    ("The 1990s", "The nineteen nineties"),
    ("Meet at 3:30 pm", "Meet at three thirty p m"),
    ("Open at 9am.", "Open at nine a m."),
    ("Doors at 10:00", "Doors at ten o'clock"),
    ("It costs $5.99", "It costs five dollars and ninety-nine cents"),
    ("Only £3", "Only three pounds"),
    ("Pay €10", "Pay ten euros"),
    ("Just $1", "Just one dollar"),
    ("A $2.5 billion deal", "A two point five billion dollars deal"),
    ("Up 15%", "Up fifteen percent"),
    ("Down 2.5 %", "Down two point five percent"),
    ("Run 5 km", "Run five kilometers"),
    ("Lift 20 kg", "Lift twenty kilograms"),
    ("A 1 kg bag", "A one kilogram bag"),
    ("Add 10 lb", "Add ten pounds"),
    ("It was 25°C", "It was twenty-five degrees Celsius"),
    ("At 60 mph", "At sixty miles per hour"),
    ("Cut 12 cm", "Cut twelve centimeters"),
    ("Pour 250 ml", "Pour two hundred and fifty milliliters"),
    ("Score 3.5", "Score three point five"),
    ("Do 8-12 reps", "Do eight to twelve reps"),
    ("1,250 people", "One thousand two hundred and fifty people"),
    ("Use 1/2 cup", "Use one half cup"),
    ("Kale, e.g. raw", "Kale, for example raw"),
    ("E.g. kale", "For example kale"),
    ("Kale, i.e. greens", "Kale, that is greens"),
    ("Kale, beets, etc.", "Kale, beets, et cetera."),
    ("Cats vs. dogs", "Cats versus dogs"),
    ("Ask Dr. Okafor", "Ask Doctor Okafor"),
    ("St. Ives is far", "Saint Ives is far"),
    ("Walk up Elm St. today", "Walk up Elm Street today"),
    ("Read the FAQ", "Read the F A Q"),
    ("Do RDLs", "Do R D Ls"),
    ("NASA said so", "Nasa said so"),
    ("Check your BMI", "Check your B M I"),
    ("See https://www.example.org/x/y?z=1", "See example dot org"),
    ("See www.example.com.", "See example dot com."),
    ("Visit example.org today", "Visit example dot org today"),
    ("Write to a@b.org", "Write to a at b dot org"),
    ("Mail jo.lee@mail.example.com", "Mail jo dot lee at mail dot example dot com"),
    ("Salt & pepper", "Salt and pepper"),
    ("Push/pull days", "Push or pull days"),
    ("Eat and/or drink", "Eat and or drink"),
    ("C++ and 2+2", "C plus plus and two plus two"),
    ("• Bullet item", "Bullet item"),
    ("- dash item", "dash item"),
    ("**Bold** and _soft_ and `code`", "Bold and soft and code"),
    ("A [link](https://example.org) here", "A link here"),
    ("An ![alt text](pic.png) image", "An alt text image"),
    ("<b>Bold</b> tag", "Bold tag"),
    ("# Heading", "Heading"),
    ("Great job 🎉👍🏽", "Great job"),
    ("Wait — then go", "Wait, then go"),
    ("No. 5 on the list", "number five on the list"),
    ("Results [3] vary", "Results vary"),
    ("snake_case_name", "snake case name"),
    ("Code 007", "Code zero zero seven"),
    ("Call 555-1234", "Call five five five, one two three four"),
    ("Due 2026-11-26.", "Due November twenty-sixth, twenty twenty-six."),
    ("On Dec. 5th", "On December fifth"),
    ("From 1999-2005", "From nineteen ninety-nine to two thousand and five"),
    ("Q&A time", "Q and A time"),
    ("Mr. and Mrs. Lee", "Mister and Missus Lee"),
    ("A 5-min walk", "A five minute walk"),
    ("He is 6 ft tall", "He is six feet tall"),
    ("Walk 30-45 min daily", "Walk thirty to forty-five minutes daily"),
    ("Up 10–20%", "Up ten to twenty percent"),
    ("Pay $5-$10", "Pay five dollars to ten dollars"),
    ("A 20-30 min walk", "A twenty to thirty minute walk"),
    ("3x faster", "Three times faster"),
    ("🎉🎉", ""),
    ("* _ ` #", ""),
]


@pytest.mark.parametrize(("text", "expected"), SPOKEN)
def test_spoken_form_english(text, expected):
    assert spoken_form(text) == expected


NEUTRAL = [
    ("• **Hallo** Welt 🎉", "Hallo Welt"),
    ("Siehe https://www.example.de/seite", "Siehe example.de"),
    ("Es kostet 5 €", "Es kostet 5 €"),  # numbers are left to the engine's own language
    ("e.g. stays", "e.g. stays"),
    ("a | b # c", "a, b c"),
]


@pytest.mark.parametrize(("text", "expected"), NEUTRAL)
def test_spoken_form_other_languages_only_neutral_steps(text, expected):
    assert spoken_form(text, lang="de") == expected


@pytest.mark.parametrize("lang", ["en", "en-GB", "en_US", "EN"])
def test_english_variants_use_english_steps(lang):
    expected = "Five kilometres" if lang == "en-GB" else "Five kilometers"
    assert spoken_form("5 km", lang=lang) == expected


STEPS = [
    (speech.strip_markdown_links, "[a](b) ![c](d)", "a c"),
    (speech.speak_emails, "x@y.org", "x at y dot org"),
    (speech.speak_urls, "http://docs.example.com/a", "docs dot example dot com"),
    (speech.neutral_urls, "http://www.example.com/a", "example.com"),
    (speech.shorten_long_words, "a " + "b" * 50, "a " + "b" * 40),
    (speech.strip_markup, "*a* __b__ `c`", "a b c"),
    (speech.strip_bullets, "• a ◦ b", "  a   b"),
    (speech.strip_emoji, "a🎉b", "a b"),
    (speech.neutral_symbols, "a#b", "a b"),
    (speech.expand_abbreviations, "a vs. b", "a versus b"),
    (speech.speak_dates, "2024-02-29", "February twenty-ninth, twenty twenty-four"),
    (speech.capitalize_numbers, "Hi. eight", "Hi. Eight"),
    (speech.speak_times, "7:05 am", "seven oh five a m"),
    (speech.speak_money, "$0.50", "fifty cents"),
    (speech.speak_percent, "7%", "seven percent"),
    (speech.speak_units, "2 hrs", "two hours"),
    (speech.speak_ordinals, "101st", "one hundred and first"),
    (speech.speak_numbers, "in 1066", "in ten sixty-six"),
    (speech.speak_acronyms, "DIY", "D I Y"),
    (speech.speak_symbols, "a & b", "a  and  b"),
    (speech.tidy, " a ,  b ( c ) ", "a, b (c)"),
]


@pytest.mark.parametrize(
    ("step", "text", "expected"), STEPS, ids=lambda v: getattr(v, "__name__", "")
)
def test_each_step(step, text, expected):
    assert own_doc(step), f"{step.__name__} needs a docstring"
    assert step(text) == expected


def own_doc(step) -> str:
    """The docstring of the function a step runs: a functools.partial's is its function's
    (the docstring of the partial class itself does not count)."""
    while isinstance(step, functools.partial):
        step = step.func
    return (step.__doc__ or "").strip()


@pytest.mark.parametrize("lang", ["en-US", "en-GB"])
def test_every_step_is_documented(lang):
    from audioguide.speech.english import english_steps

    steps = english_steps(lang) + speech.NEUTRAL_STEPS
    assert any(isinstance(step, functools.partial) for step in steps), "partials: see own_doc"
    for step in steps:
        assert own_doc(step), getattr(step, "__name__", repr(step))


LEXICON = {"Venus": "VEE-nus", "RDLs": "Romanian deadlifts", "sacroiliac": "sack-row-ILL-ee-ack"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dimples of Venus.", "Dimples of VEE-nus."),
        ("dimples of venus", "dimples of VEE-nus"),  # case-insensitive
        ("Venusian skies", "Venusian skies"),  # whole words only
        ("Do RDLs daily", "Do Romanian deadlifts daily"),  # before the acronym step spells it
        ("The sacroiliac joint, 2 cm", "The sack-row-ILL-ee-ack joint, two centimeters"),
    ],
)
def test_lexicon(text, expected):
    assert spoken_form(text, lexicon=LEXICON) == expected


def test_lexicon_matches_words_made_by_the_steps():
    assert spoken_form("NASA", lexicon={"Nasa": "NAH-sah"}) == "NAH-sah"


def test_lexicon_value_is_not_replaced_again():
    assert spoken_form("NASA", lexicon={"NASA": "NASA agency"}) == "NASA agency"


def test_load_lexicon_text(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text(
        "# how to say names\n\nVenus = VEE-nus\nDimples of Apollo = dimples of uh-POL-oh  # god\n",
        encoding="utf-8",
    )
    assert load_lexicon(path) == {"Venus": "VEE-nus", "Dimples of Apollo": "dimples of uh-POL-oh"}


def test_load_lexicon_json_and_toml(tmp_path):
    (tmp_path / "a.json").write_text('{"Venus": "VEE-nus"}', encoding="utf-8")
    (tmp_path / "a.toml").write_text('[lexicon]\nVenus = "VEE-nus"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('Venus = "VEE-nus"\n', encoding="utf-8")
    for name in ("a.json", "a.toml", "b.toml"):
        assert load_lexicon(tmp_path / name) == {"Venus": "VEE-nus"}


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("bad.txt", "Venus = VEE-nus\nno equals sign here\n", "bad.txt, line 2"),
        ("bad.txt", "= nothing before\n", "line 1"),
        ("bad.json", '{"Venus": ', "bad.json, line 1"),
        ("bad.json", '["a list"]', "bad.json"),
        ("bad.json", '{"Venus": 3}', "'Venus'"),
        ("bad.toml", "Venus = ", "bad.toml"),
    ],
)
def test_load_lexicon_errors_name_file_and_line(tmp_path, name, content, needle):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_lexicon(path)
    message = str(caught.value)
    assert needle in message and "\n" not in message


def test_load_lexicon_missing_file(tmp_path):
    with pytest.raises(SettingsError, match="missing.txt"):
        load_lexicon(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("text", "words"),
    [("", 0), ("one two  three", 3), ("a — b", 2), ("e.g. 3.5 km!", 3), ("🎉 hi", 1)],
)
def test_count_words(text, words):
    assert count_words(text) == words


def test_estimate_seconds():
    assert estimate_seconds(155) == pytest.approx(60.0)
    assert estimate_seconds(155, rate=2.0) == pytest.approx(30.0)
    assert estimate_seconds(0) == 0.0


def test_speech_imports_no_heavy_modules():
    code = (
        "import sys, audioguide.speech; "
        "heavy = {'numpy', 'onnxruntime', 'num2words', 'pydub', 'click', 'piper', 'requests'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _as_words_one_by_one(text: str) -> str:
    """speak_acronyms' word list as it was applied before: one pattern per entry, in order."""
    import re

    from audioguide.speech import data

    for written, said in data.AS_WORDS.items():
        text = re.sub(rf"(?<![\w-]){re.escape(written)}(?!\w)", said, text)
    return text


def test_acronyms_said_as_words_in_one_pass_as_one_by_one():
    """The single pattern over data.AS_WORDS says what a pattern per entry said, on every
    entry beside the characters that decide a whole word (hyphens, slashes, apostrophes,
    letters, digits), two entries touching, and entries inside longer ones ("GIFs",
    "AMOLED", "PETA")."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from audioguide.speech import data
    from audioguide.speech.english import _as_words

    pieces = st.sampled_from([*data.AS_WORDS, " ", "-", "/", "'", "s", "A", "x", "9", ".", ",",
                              "AM", "P", "N/", "TL;", "Wi"])

    @settings(max_examples=3000, deadline=None, database=None)
    @given(st.lists(pieces, max_size=8))
    def check(parts):
        text = "".join(parts)
        assert _as_words().sub(lambda m: data.AS_WORDS[m.group()], text) \
            == _as_words_one_by_one(text)

    check()
    for word, said in data.AS_WORDS.items():  # each entry in a sentence
        assert _as_words().sub(lambda m: data.AS_WORDS[m.group()], f"The {word}, then.") \
            == f"The {said}, then."
