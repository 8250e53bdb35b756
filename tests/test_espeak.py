"""The espeak engine with the real espeak-ng binary (Debian's espeak-ng, from script/bootstrap)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from audioguide.engines import espeak as espeak_module
from audioguide.engines.espeak import EspeakEngine, backend, espeak_exe, parse_voices
from audioguide.errors import EngineError, EngineUnavailable
from audioguide.settings import Settings

needs_espeak = pytest.mark.skipif(espeak_exe() is None, reason="espeak-ng is not installed")
needs_loader = pytest.mark.skipif(
    importlib.util.find_spec("espeakng_loader") is None, reason="espeakng-loader is not installed"
)


def loudest(pcm: bytes) -> int:
    return max(abs(sample) for sample in memoryview(pcm).cast("h"))


@needs_espeak
def test_speaks_a_short_spanish_sentence():
    clip = EspeakEngine(Settings(), "es").synthesize("Hola, ¿cómo estás? Hoy hace buen tiempo.")
    assert clip.rate == 22050
    assert 1000 < clip.duration_ms < 8000
    assert loudest(clip.pcm) > 2000


@needs_espeak
def test_text_starting_with_a_dash_is_spoken_not_read_as_an_option():
    clip = EspeakEngine(Settings(), "en").synthesize("-v xx --help is not an option here")
    assert clip.duration_ms > 1000


@needs_espeak
def test_languages_come_from_espeak_and_include_spanish():
    languages = EspeakEngine.languages()
    assert {"en", "es", "de", "fr", "pt-br"} <= set(languages)
    assert len(languages) > 50


@needs_espeak
def test_rate_makes_it_faster():
    text = "This sentence is read at two different speeds by the same voice."
    normal = EspeakEngine(Settings(), "en").synthesize(text)
    fast = EspeakEngine(Settings(rate=2.0), "en").synthesize(text)
    assert fast.duration_ms < 0.7 * normal.duration_ms


@needs_espeak
def test_many_sentences_keep_their_order():
    long = "One two three four five six seven eight nine ten eleven twelve thirteen fourteen."
    texts = ["One.", "One two three four five six.", long]
    with EspeakEngine(Settings(jobs=2), "en") as engine:  # library workers, if there
        clips = list(engine.synthesize_many(texts))
    durations = [clip.duration_ms for clip in clips]
    assert durations == sorted(durations) and len(set(durations)) == 3


@needs_espeak
def test_unknown_voice_is_a_clear_error():
    with pytest.raises(EngineError, match="audioguide voices"):
        EspeakEngine(Settings(voice="qq-nothing"), "en").synthesize("Hello.")


def test_missing_espeak_says_how_to_install(monkeypatch):
    monkeypatch.setattr(espeak_module, "backend", lambda: None)
    message = EspeakEngine.available()
    assert message is not None and "apt-get install espeak-ng" in message
    with pytest.raises(EngineUnavailable, match="script/bootstrap"):
        EspeakEngine(Settings(), "en").start()


def test_parse_voices_reads_the_language_column():
    listing = (
        "Pty Language       Age/Gender VoiceName          File                 Other Languages\n"
        " 5  af              --/M      Afrikaans          gmw/af\n"
        " 2  en-gb           --/M      English_(Great_Britain) gmw/en      (en 2)\n"
        " 5  fr-fr           --/M      French_(France)    roa/fr           (fr 5)\n"
        " 5  es              --/M      Spanish_(Spain)    roa/es\n"
    )
    assert parse_voices(listing) == ["af", "en", "en-gb", "es", "fr", "fr-fr"]
    assert "es" in espeak_module.BUILTIN_LANGUAGES


def test_facts():
    engine = EspeakEngine(Settings(voice="en-gb-scotland"), "en")
    assert engine.voice_name() == "en-gb-scotland"
    assert EspeakEngine(Settings(), "de").voice_name() == "de"
    assert EspeakEngine.offline is True and engine.jobs == 2
    assert EspeakEngine(Settings(rate=1.5), "en").words_per_minute() == 262


@needs_espeak
@pytest.mark.skipif(getattr(backend(), "kind", "") != "system", reason="no libespeak-ng")
def test_library_workers_sound_exactly_like_the_command():
    text = "Der schnelle braune Fuchs springt über den faulen Hund."
    engine = EspeakEngine(Settings(jobs=2, rate=1.2), "de")
    by_command = engine.synthesize_by_command(text)  # one espeak-ng process
    kept = {}
    with engine:
        (by_library,) = engine.synthesize_many([text], on_clip=kept.__setitem__)
    assert by_library.rate == by_command.rate
    assert by_library.pcm == by_command.pcm  # the same sound: the cache cannot tell them apart
    assert kept[0].pcm == by_library.pcm


@needs_espeak
def test_unknown_voice_fails_at_start_not_mid_build():
    with pytest.raises(EngineError, match="no voice 'qq-nothing'"):
        EspeakEngine(Settings(voice="qq-nothing"), "en").start()


@needs_loader
def test_without_apt_the_pypi_library_reads_spanish(monkeypatch):
    monkeypatch.setattr(espeak_module, "espeak_exe", lambda: None)
    monkeypatch.setattr(espeak_module, "_system_library", lambda: None)
    found = espeak_module.backend()
    assert found is not None and found.kind == "package"
    assert EspeakEngine.available() is None
    engine = EspeakEngine(Settings(jobs=1), "es")
    assert "espeakng-loader" in engine.version()
    with engine:
        clip = engine.synthesize("Buenos días a todos.")
    assert clip.rate == 22050 and clip.duration_ms > 700 and loudest(clip.pcm) > 2000
    languages = espeak_module.data_languages(Path(found.data_parent) / "espeak-ng-data")
    assert {"en", "es", "fr", "pt-br"} <= set(languages)
