"""W3C PLS lexicons: <alias> and IPA <phoneme> entries, plurals and possessives, the voices."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.engines.espeak import EspeakEngine
from audioguide.engines.ipa import espeak_text, to_espeak, unknown_symbol
from audioguide.engines.piper import PiperEngine
from audioguide.errors import EngineError, SettingsError
from audioguide.settings import Settings
from audioguide.speech import load_lexicon, spoken_form
from audioguide.speech.lexicon import clean_ipa, ipa_ending

DATA = Path(__file__).parent / "data"
NAMES = DATA / "names.pls"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<lexicon version="1.0" alphabet="ipa"'
        ' xml:lang="en-US" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">\n')


def pls(tmp_path: Path, body: str, name: str = "words.pls") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body + "\n</lexicon>\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def names():
    return load_lexicon(NAMES)


def test_a_pls_file_gives_aliases_ipa_blocks_and_exact_entries(names):
    assert names["Huawei"] == "wah way"
    assert names["Joaquin"] == names["Joaquín"] == "[[wɑːˈkiːn]]"  # two graphemes, one entry
    assert names["Lake Wobegon"] == "[[leɪk]] [[ˈwoʊbɪɡɑn]]"  # one block a spoken word
    assert names.exact == {"AWOL"}
    assert names.phonemes["Joaquin"] == "wɑːˈkiːn"
    assert names.source == NAMES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My friend Joaquin is here.", "My friend [[wɑːˈkiːn]] is here."),
        ("JOAQUIN phoned.", "[[wɑːˈkiːn]] phoned."),  # case-insensitive
        ("Joaquin's phone is a Huawei.", "[[wɑːˈkiːnz]] phone is a wah way."),
        ("Two Joaquins met the Huaweis' makers.", "Two [[wɑːˈkiːnz]] met the wah ways' makers."),
        ("He went AWOL, not awol.", "He went ay wall, not awol."),  # role="exact"
        ("We drove to Lake Wobegon.", "We drove to [[leɪk]] [[ˈwoʊbɪɡɑn]]."),
        ("Joaquinesque films", "Joaquinesque films"),  # whole words only
    ],
)
def test_pls_entries_in_the_spoken_text(names, text, expected):
    assert spoken_form(text, lexicon=names) == expected


@pytest.mark.parametrize(
    ("ipa", "ending"),
    [("kæt", "s"), ("ˈwɑːkiːn", "z"), ("hɔːs", "ɪz"), ("tʃɜːtʃ", "ɪz"), ("ɡɑːɹˈɑːʒ", "ɪz"),
     ("bʊk", "s"), ("ˈsoʊfə", "z")],
)
def test_the_plural_of_ipa_is_said_as_english_says_it(ipa, ending):
    assert ipa_ending(ipa) == ending


def test_simple_lexicons_match_plurals_and_possessives_too():
    lexicon = {"Venus": "VEE-nus", "US": "United States", "kata": "KAH-tah"}
    assert spoken_form("Venus's moons", lexicon=lexicon) == "VEE-nus's moons"
    assert spoken_form("Two katas", lexicon=lexicon) == "Two KAH-tahs"
    assert spoken_form("He uses it", lexicon=lexicon) == "He uses it"  # not US + es


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_articles_own_double_brackets_never_reach_a_voice_as_phonemes(names, lang):
    for lexicon in (None, names):
        spoken = spoken_form("Say [[h@'loU]] or [[[ x ]]] please.", lang=lang, lexicon=lexicon)
        assert "[[" not in spoken and "]]" not in spoken


def test_an_alias_cannot_smuggle_phonemes(tmp_path):
    path = pls(tmp_path, "<lexeme><grapheme>tea</grapheme><alias>[[ti]]</alias></lexeme>")
    assert "[[" not in load_lexicon(path)["tea"]


def test_ipa_is_cleaned_for_the_voices():
    assert clean_ipa("/ˈdʒ͡ɛri/") == "ˈdʒɛɹi"  # slashes, tie bar, English r
    assert clean_ipa("ga:") == "ɡaː"
    assert clean_ipa("ɡaɾo", english=False) == "ɡaɾo"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("<lexeme><grapheme>a</grapheme><alias>b</alias>", "words.pls, line"),  # not closed
        ("<lexeme><alias>b</alias></lexeme>", "without a <grapheme>"),
        ("<lexeme><grapheme>tea</grapheme></lexeme>", "'tea' has no <alias> or <phoneme>"),
        ("<lexeme><grapheme>tea</grapheme><alias> </alias></lexeme>", "empty <alias>"),
        ('<lexeme><grapheme>tea</grapheme><phoneme alphabet="x-sampa">ti:</phoneme></lexeme>',
         "'x-sampa' is not supported"),
    ],
)
def test_a_bad_pls_file_is_one_line_naming_the_file(tmp_path, body, needle):
    with pytest.raises(SettingsError) as caught:
        load_lexicon(pls(tmp_path, body))
    message = str(caught.value)
    assert needle in message and "words.pls" in message and "\n" not in message


def test_entities_and_other_roots_are_refused(tmp_path):
    bomb = tmp_path / "bomb.pls"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE lexicon [<!ENTITY a "aaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                    '<lexicon xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">'
                    "<lexeme><grapheme>x</grapheme><alias>&b;</alias></lexeme></lexicon>",
                    encoding="utf-8")
    with pytest.raises(SettingsError, match="bomb.pls: .*DOCTYPE"):
        load_lexicon(bomb)
    other = tmp_path / "other.pls"
    other.write_text("<html><body/></html>", encoding="utf-8")
    with pytest.raises(SettingsError, match="other.pls: the root element is not a PLS"):
        load_lexicon(other)


def test_the_cli_reports_a_bad_pls_in_one_line(tmp_path):
    from click.testing import CliRunner

    article = tmp_path / "a.txt"
    article.write_text("Title\n\nJoaquin says hello.\n", encoding="utf-8")
    bad = tmp_path / "bad.pls"
    bad.write_text("<lexicon><lexeme>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(article), "-o", str(tmp_path / "out"),
                                       "--engine", "espeak", "--lexicon", str(bad)])
    assert result.exit_code != 0
    assert "bad.pls, line" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


# -- the voices --------------------------------------------------------------------------------
@pytest.mark.parametrize("ipa", ["wɑːˈkiːn", "ʃɪˈvɔːn", "ˈtʃɜːtʃɪz", "ˈθɪŋk", "ˈmɛʒɚ",
                                 "ɹˈeɪkdʒɐvˌɪk", "ˈɔɪstɚ", "ˈhæpi", "ˈsɜːʃə", "ˈdʒʌdʒ"])
def test_espeak_says_the_ipa_it_is_given(ipa):
    """The table read back: espeak-ng prints the IPA of the phoneme names it was given (it
    moves the stress mark to the vowel, so marks are compared apart)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        pytest.skip("espeak-ng command not installed")
    said = subprocess.run([exe, "-v", "en-us", "-q", "--ipa", f"[[{to_espeak(ipa)}]]"],
                          capture_output=True, text=True, check=True).stdout.strip()

    def marks(text: str) -> tuple[str, int, int]:
        return text.replace("ˈ", "").replace("ˌ", ""), text.count("ˈ"), text.count("ˌ")

    assert marks(said) == marks(ipa)


def test_espeak_text_rewrites_only_the_blocks():
    assert espeak_text("My friend [[wɑːˈkiːn]] is here.") == "My friend [[wA:'ki:n]] is here."
    assert espeak_text("no blocks") == "no blocks"
    with pytest.raises(EngineError, match="U\\+0298"):
        espeak_text("[[ʘa]]")


def test_piper_reads_symbols_from_its_own_map():
    assert unknown_symbol("wɑːˈkiːn", {"w", "ɑ", "ː", "ˈ", "k", "i", "n"}) is None
    assert unknown_symbol("ɝk", {"k"}) == "ɝ"


def test_a_symbol_the_voice_lacks_is_one_error_naming_file_and_entry(tmp_path):
    # ɝ is not in the piper voice's phoneme map; ʘ (a click) has no espeak-ng English name
    path = pls(tmp_path, "<lexeme><grapheme>Burl</grapheme><phoneme>bɝl</phoneme></lexeme>"
                         "<lexeme><grapheme>Click</grapheme><phoneme>ʘa</phoneme></lexeme>")
    settings = Settings(lexicon=path, jobs=1)
    with pytest.raises(SettingsError) as caught:
        PiperEngine(settings, "en").start()
    message = str(caught.value)
    assert "words.pls: entry 'Burl'" in message and "U+025D" in message
    assert "\n" not in message
    with pytest.raises(SettingsError, match="words.pls: entry 'Click'.*U\\+0298"):
        EspeakEngine(settings, "en").start()


@pytest.fixture(scope="module")
def piper_engine():
    engine = PiperEngine(Settings(engine="piper", lexicon=NAMES, jobs=1), "en")
    engine.start()
    yield engine
    engine.close()


def test_piper_word_timings_count_an_ipa_block_as_one_word(piper_engine, names):
    spoken = spoken_form("Joaquin bought a Huawei at Lake Wobegon.", lexicon=names)
    clip = piper_engine.synthesize(spoken)
    assert clip.words is not None and len(clip.words) == len(spoken.split()) == 8
    start, end = clip.words[0]
    assert end - start > clip.rate // 10  # the IPA word has its own sound, not a gap


@pytest.mark.parametrize("by_command", [False, True])
def test_espeak_says_ipa_blocks_with_word_timings(names, by_command):
    engine = EspeakEngine(Settings(engine="espeak", lexicon=NAMES, jobs=1), "en")
    engine.start()
    try:
        spoken = spoken_form("Joaquin bought a Huawei at Lake Wobegon.", lexicon=names)
        plain = spoken_form("Joaquin bought a Huawei at Lake Wobegon.")
        synthesize = engine.synthesize_by_command if by_command else engine.synthesize
        clip, before = synthesize(spoken), synthesize(plain)
    finally:
        engine.close()
    assert clip.pcm and clip.pcm != before.pcm
    if not by_command:
        assert clip.words is not None and len(clip.words) == len(spoken.split())


# -- what a listener hears ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def whisper():
    pytest.importorskip("faster_whisper")
    from audioguide.check import load_model

    model, _label, _notes = load_model("tiny")
    return model


def heard(engine, text: str, whisper, folder: Path) -> list[str]:
    """What whisper-tiny writes for piper saying `text`: its words, normalized. The clip is
    resampled to whisper's 16 kHz by ffmpeg (faster-whisper's own decoder needs a PyAV release
    that not every Python here has)."""
    import numpy as np

    from audioguide.check import normalize_words
    from audioguide.ffmpeg.run import decode_pcm

    clip = engine.synthesize(text)
    path = folder / "clip.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(clip.rate)
        out.writeframes(clip.pcm)
    samples = np.frombuffer(decode_pcm(path.read_bytes(), 16000), dtype="<i2")
    audio = samples.astype(np.float32) / 32768.0
    segments, _info = whisper.transcribe(audio, language="en", beam_size=1)
    return normalize_words(" ".join(segment.text for segment in segments))


@pytest.mark.parametrize(
    ("text", "word"),
    [("She bought a Huawei phone.", "huawei"),  # <alias>wah way</alias>
     ("My friend Joaquin is here.", "joaquin")],  # <phoneme>wɑːˈkiːn</phoneme>
)
def test_the_lexicon_changes_what_piper_says(piper_engine, names, whisper, tmp_path, text, word):
    """Without the lexicon whisper-tiny hears "Hue Away" and "Joe Quinn"; with it, the name.
    piper's voice has random noise, so the lexicon gets three tries to be heard."""
    before = heard(piper_engine, spoken_form(text), whisper, tmp_path)
    assert word not in before, before
    spoken = spoken_form(text, lexicon=names)
    assert spoken != text
    tries = [heard(piper_engine, spoken, whisper, tmp_path) for _ in range(3)]
    assert any(word in after for after in tries), tries


def test_a_plain_lexicon_line_with_two_equals_signs_matches_only_as_written(tmp_path):
    from audioguide.speech import load_lexicon, spoken_form

    path = tmp_path / "words.txt"
    path.write_text("US == you ess\nJoaquin = wah keen\n", encoding="utf-8")
    lexicon = load_lexicon(path)
    said = spoken_form("The US uses it; us too. Joaquin's dog and JOAQUIN.", "en", lexicon)
    assert said == "The you ess uses it; us too. wah keen's dog and wah keen."
