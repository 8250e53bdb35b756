"""Engine choice (auto and explicit), language checks and the voices listing."""

from __future__ import annotations

import socket

import pytest

from audioguide import langtag
from audioguide.engines import espeak as espeak_module
from audioguide.engines.espeak import EspeakEngine, espeak_exe
from audioguide.engines.gtts import GTTSEngine
from audioguide.engines.piper import PiperEngine
from audioguide.engines.select import (
    choose_engine,
    close_matches,
    format_voices,
    match_lang,
    resolve_lang,
    voices,
)
from audioguide.errors import EngineUnavailable, SettingsError
from audioguide.settings import Settings

needs_espeak = pytest.mark.skipif(espeak_exe() is None, reason="espeak-ng is not installed")


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/_/TranslateWebserverUi/data/batchexecute"


# -- languages ---------------------------------------------------------------------------------
def test_lang_option_wins_then_the_article_then_english():
    assert resolve_lang(Settings(lang="de"), "fr") == "de"
    assert resolve_lang(Settings(), "fr") == "fr"
    assert resolve_lang(Settings(), None) == "en"
    assert resolve_lang(Settings(), "") == "en"


@pytest.mark.parametrize(
    ("given", "tag"),
    [
        ("en_us", "en-US"),
        ("EN-us", "en-US"),
        ("zh-cn", "zh-CN"),
        ("es", "es"),
        ("sr-latn", "sr-Latn"),
    ],
)
def test_tags_are_normalized(given, tag):
    assert langtag.tag(given) == tag


def test_each_engine_gets_its_own_tag():
    assert match_lang("en-US", ["en"]) == "en"
    assert match_lang("en-US", ["en", "en-us", "es"]) == "en-us"
    assert match_lang("zh-cn", GTTSEngine.languages()) == "zh-CN"
    assert match_lang("Spanish", GTTSEngine.languages()) == "es"
    assert match_lang("xx", ["en"]) is None


def test_unknown_language_names_close_matches():
    with pytest.raises(SettingsError) as caught:
        choose_engine(Settings(engine="piper", lang="englsh"), "englsh")
    assert str(caught.value) == "--lang 'englsh' is not a language piper speaks; did you mean en?"
    assert "es" in close_matches("spanish", GTTSEngine.languages())


def test_unknown_article_language_says_where_it_came_from():
    with pytest.raises(SettingsError, match="the article's language 'qq'.*audioguide voices"):
        choose_engine(Settings(engine="piper"), "qq")


# -- explicit engines ------------------------------------------------------------------------
def test_explicit_piper_is_checked_not_probed():
    engine, reason = choose_engine(Settings(engine="piper", gtts_url=closed_port_url()), "en-US")
    assert isinstance(engine, PiperEngine) and engine.lang == "en"
    assert reason == "engine: piper (chosen with --engine, reads en)"


def test_explicit_engine_that_is_missing(monkeypatch):
    monkeypatch.setattr(espeak_module, "backend", lambda: None)
    with pytest.raises(EngineUnavailable, match="--engine espeak: espeak-ng is not installed"):
        choose_engine(Settings(engine="espeak"), "es")


# -- auto ------------------------------------------------------------------------------------
def test_auto_picks_gtts_when_google_answers(fake_google):
    statuses = []
    engine, reason = choose_engine(Settings(gtts_url=fake_google.url), "en",
                                   on_status=statuses.append)
    assert isinstance(engine, GTTSEngine)
    assert reason.startswith("engine: gtts (Google answered in ")
    assert fake_google.total == 1
    assert statuses == ["checking whether Google Translate answers..."]


def test_auto_picks_piper_when_google_is_unreachable():
    engine, reason = choose_engine(Settings(gtts_url=closed_port_url()), "en")
    assert isinstance(engine, PiperEngine)
    assert reason == (
        "engine: piper (Google unreachable: connection refused; the offline voice reads en)"
    )


@needs_espeak
def test_auto_picks_espeak_for_spanish_offline():
    engine, reason = choose_engine(Settings(gtts_url=closed_port_url()), "es")
    assert isinstance(engine, EspeakEngine) and engine.lang == "es"
    assert "piper does not read es" in reason


def test_auto_picks_gtts_for_spanish_when_google_answers(fake_google):
    engine, _ = choose_engine(Settings(gtts_url=fake_google.url), "es")
    assert isinstance(engine, GTTSEngine) and engine.lang == "es"
    assert fake_google.requests[0][1] == "es"


def test_auto_without_any_engine_for_the_language(monkeypatch):
    monkeypatch.setattr(espeak_module, "backend", lambda: None)  # no espeak-ng
    with pytest.raises(EngineUnavailable) as caught:
        choose_engine(Settings(gtts_url=closed_port_url()), "es")
    message = str(caught.value)
    assert "'es'" in message and "Google unreachable" in message and "apt-get" in message


def test_auto_skips_the_probe_when_google_does_not_read_the_language(fake_google):
    with pytest.raises((EngineUnavailable, SettingsError)):
        choose_engine(Settings(gtts_url=fake_google.url), "qq")
    assert fake_google.total == 0


# -- voices ----------------------------------------------------------------------------------
def test_voices_rows_and_table():
    rows = {row["engine"]: row for row in voices()}
    assert set(rows) == {"gtts", "piper", "espeak"}
    assert rows["gtts"]["offline"] is False and rows["piper"]["offline"] is True
    assert "en" in rows["piper"]["languages"] and "es" in rows["gtts"]["languages"]
    assert all(
        set(row) == {"engine", "languages", "voices", "offline", "available", "note"}
        for row in rows.values()
    )
    text = format_voices(list(rows.values()))
    assert "piper: offline, available" in text and "en_US-joe-medium" in text
