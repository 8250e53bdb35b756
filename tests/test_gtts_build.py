"""Whole builds through the pipeline with the gtts engine against the fake Google endpoint, and
with espeak for a short non-English article: what a user sees when Google limits them."""

from __future__ import annotations

import json

import pytest

from audioguide.engines.espeak import espeak_exe
from audioguide.errors import RateLimited
from audioguide.pipeline import build_episodes
from audioguide.settings import Settings

# Every sentence is under 100 characters: one request each, so requests count sentences.
ARTICLE = """---
title: Walking in the Rain
author: Ada Example
---

Rain changes how a city sounds. Streets hiss under tyres. Gutters start to sing.

## Before you leave

Check the sky first. Pack a light coat. Wear shoes that grip.

## On the way

Puddles hide kerbs. Walk a little slower. Listen for bicycles behind you.
"""

SPANISH = """---
title: Un paseo corto
lang: es
---

Hoy hace sol en la ciudad. Las calles están tranquilas.

## La vuelta

Volvemos a casa antes de la cena.
"""


@pytest.fixture(autouse=True)
def _quick(quick_backoff):
    """Every test here backs off in milliseconds."""


def setup(tmp_path, fake, text=ARTICLE, **changes):
    source = tmp_path / "walk.md"
    source.write_text(text, encoding="utf-8")
    settings = Settings(
        **{
            "engine": "gtts",
            "gtts_url": fake.url if fake else None,
            "output_dir": tmp_path / "out",
            "cache_dir": tmp_path / "cache",
            "retries": 3,
            **changes,
        }
    )
    return str(source), settings


def manifest(tmp_path) -> dict:
    (found,) = (tmp_path / "out").glob("*/episode.json")
    return json.loads(found.read_text(encoding="utf-8"))


def test_whole_build_through_gtts(tmp_path, fake_google):
    source, settings = setup(tmp_path, fake_google)
    (result,) = build_episodes([source], settings)
    data = manifest(tmp_path)
    assert result.engine == "gtts" and data["engine"] == "gtts"
    assert data["voice"] == "google-en-com"
    assert result.synthesized == fake_google.total == len(fake_google.counts)
    assert {"Rain changes how a city sounds.", "Listen for bicycles behind you."} <= set(
        fake_google.counts
    )
    assert all(lang == "en" for _, lang, _ in fake_google.requests)
    assert [c.title for c in result.chapters][-2:] == ["Before you leave", "On the way"]
    assert result.duration_ms > 10_000


def test_build_survives_some_429s(tmp_path, fake_google):
    fake_google.fail_429 = 3
    source, settings = setup(tmp_path, fake_google, jobs=4)
    (result,) = build_episodes([source], settings)
    assert fake_google.statuses[429] == 3
    assert result.synthesized == len(fake_google.answered)


def test_persistent_429s_stop_the_build_and_a_rerun_asks_only_for_the_rest(tmp_path, fake_google):
    fake_google.quota = 5  # Google answers five sentences, then refuses everything
    source, settings = setup(tmp_path, fake_google, jobs=4)
    with pytest.raises(RateLimited) as caught:
        build_episodes([source], settings)
    assert "run the same command again to resume" in str(caught.value)
    out = tmp_path / "out"
    assert not list(out.glob("*/episode.json"))  # nothing half-written
    assert not list(out.glob("*.partial"))
    first_answered = set(fake_google.answered)
    assert len(first_answered) == 5

    fake_google.quota = None
    fake_google.clear_counts()
    (result,) = build_episodes([source], settings)
    asked_again = set(fake_google.counts)
    assert not asked_again & first_answered  # the cache kept every finished sentence
    assert result.cached == 5
    assert result.synthesized == fake_google.total == len(asked_again)
    assert manifest(tmp_path)["engine"] == "gtts"


@pytest.mark.skipif(espeak_exe() is None, reason="espeak-ng is not installed")
def test_espeak_builds_a_short_spanish_article(tmp_path):
    source, settings = setup(tmp_path, None, SPANISH, engine="espeak")
    (result,) = build_episodes([source], settings)
    data = manifest(tmp_path)
    assert result.engine == "espeak" and data["lang"] == "es" and data["voice"] == "es"
    assert "eSpeak NG" in data["credit"]
    assert result.duration_ms > 3000 and result.synthesized >= 3


FRENCH_PHRASE = """---
title: A Cafe Morning
---

The owner said [bonjour à tous]{lang=fr} and smiled. Coffee came quickly.
"""


def test_a_phrase_in_another_language_goes_to_google_in_that_language(tmp_path, fake_google):
    source, settings = setup(tmp_path, fake_google, FRENCH_PHRASE)
    build_episodes([source], settings)
    asked = {(text, lang) for text, lang, _ in fake_google.requests}
    assert ("bonjour à tous", "fr") in asked  # the part, said by Google's French voice
    assert any(lang == "en" and text.startswith("The owner said") for text, lang in asked)
    assert not any("bonjour" in text for text, lang in asked if lang == "en")
    (cue,) = [c for c in manifest(tmp_path)["cues"] if c["text"].startswith("The owner")]
    (span,) = cue["langs"]
    assert cue["text"][span["start"] : span["end"]] == "bonjour à tous"
    assert span["lang"] == "fr" and "fr" in span["voice"]
